import crypto from 'node:crypto';

/** The bookkeeping columns of a resource write: a fresh etag, and who wrote it when, keeping the creation's. */
export function writeStamp(existing: { created_at: string; created_by: string } | undefined, by: string, now = new Date().toISOString()) {
  return { etag: crypto.randomUUID(), created_at: existing?.created_at ?? now, changed_at: now, created_by: existing?.created_by ?? by, changed_by: by };
}

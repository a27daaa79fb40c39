/** properties.templateHash: stable across key order and whitespace. */
import { createHash } from 'node:crypto';

/** Azure shows templateHash as a decimal number string; ours is the first 64 bits of a SHA-256 of canonical JSON. */
export function templateHash(raw: unknown): string {
  const digest = createHash('sha256').update(canonical(raw)).digest();
  return digest.readBigUInt64BE(0).toString();
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

import crypto from 'node:crypto';
import { ArmError } from './errors.js';
import type { ArmRequest } from './types.js';

/**
 * Optimistic concurrency as ARM does it (RFC 9110 conditional requests): a write may carry `If-Match: "<etag>"` (only
 * if the resource is still that version; `*`: only if it exists) or `If-None-Match: *` (only if it does not exist yet).
 * The check runs against the row a write is about to replace, inside the write's compare-and-swap loop, so the
 * version checked is the version replaced: a concurrent writer makes the swap fail, the loop reads again and the
 * check then answers 412.
 */

/** The entity tag as clients see it: the stored etag as a quoted string (the `ETag` header, and `etag` where Azure's body has one). */
export function etagOf(row: { etag: string }): string {
  return `"${row.etag}"`;
}

/** The `ETag` response header of a resource. */
export function etagHeader(row: { etag: string }): Record<string, string> {
  return { etag: etagOf(row) };
}

/**
 * The etag of a row kept in a table without an etag column (role assignments, role definitions, deployments): derived
 * from its key and last change instant, which every write of those rows sets, so it moves whenever the row does without
 * a migration. Same shape as the stored etags (a GUID) so clients cannot tell the two apart.
 */
export function versionEtag(key: string, changedAt: string): { etag: string } {
  const h = crypto.createHash('sha256').update(`${key.toLowerCase()}\n${changedAt}`).digest('hex');
  return { etag: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}` };
}

/** Whether the request is conditional at all (a DELETE without conditions keeps its unconditional path). */
export function hasPreconditions(req: Pick<ArmRequest, 'headers'>): boolean {
  return headerOf(req, 'if-match') !== undefined || headerOf(req, 'if-none-match') !== undefined;
}

/** Throws 412 PreconditionFailed when `existing` (undefined: the resource does not exist) fails the request's conditions. */
export function requirePreconditions(req: Pick<ArmRequest, 'headers'>, existing: { etag: string } | undefined): void {
  const ifMatch = headerOf(req, 'if-match');
  if (ifMatch !== undefined) {
    const tags = tagList(ifMatch);
    if (!existing) throw preconditionFailed(`Etag provided in if-match header ${quoted(ifMatch)} does not match: the resource does not exist.`);
    if (tags !== '*' && !tags.includes(existing.etag)) {
      throw preconditionFailed(`Etag provided in if-match header ${quoted(ifMatch)} does not match etag ${etagOf(existing)} of resource.`);
    }
  }
  const ifNoneMatch = headerOf(req, 'if-none-match');
  if (ifNoneMatch !== undefined && existing) {
    const tags = tagList(ifNoneMatch);
    if (tags === '*') throw preconditionFailed(`The resource already exists and the request has 'If-None-Match: *'.`);
    if (tags.includes(existing.etag)) throw preconditionFailed(`Etag provided in if-none-match header ${quoted(ifNoneMatch)} matches etag ${etagOf(existing)} of resource.`);
  }
}

function preconditionFailed(message: string): ArmError {
  return new ArmError(412, 'PreconditionFailed', message);
}

function headerOf(req: Pick<ArmRequest, 'headers'>, name: string): string | undefined {
  const value = req.headers[name];
  const text = (Array.isArray(value) ? value.join(',') : value)?.trim();
  return text ? text : undefined;
}

/** `*`, or the listed tags without quotes or the weak prefix (clients send the header's value quoted or bare). */
function tagList(value: string): '*' | string[] {
  if (value === '*') return '*';
  return value
    .split(',')
    .map((t) => t.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'))
    .filter((t) => t !== '');
}

function quoted(value: string): string {
  return value.startsWith('"') ? value : `"${value}"`;
}

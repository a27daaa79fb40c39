import crypto from 'node:crypto';
import { tokenHash } from '../directory/oauth/hashing.js';
import { activeUser } from '../directory/users.js';
import { OAuthError } from '../directory/oauth/errors.js';
import type { PrincipalRow } from '../store/principals.js';
import type { ServerContext } from '../server/context.js';
import { portalSessionStore, type PortalSessionRow } from './sessionStore.js';

/** A session ends after this long without a request… */
export const IDLE_TIMEOUT_MS = 60 * 60 * 1000;
/** …and this long after sign-in, whatever the activity. */
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 60 * 1000;

export interface PortalSession {
  idHash: string;
  row: PortalSessionRow;
  user: PrincipalRow;
  /** The per-session CSRF token (see csrfTokenOf). */
  csrfToken: string;
}

/**
 * A new session for a user who just proved their password: a 256-bit random id for the cookie; the database
 * keeps only its SHA-256, so a database reader cannot ride a session.
 */
export async function createSession(server: ServerContext, user: PrincipalRow, now = new Date()): Promise<{ id: string; session: PortalSession }> {
  const id = crypto.randomBytes(32).toString('base64url');
  const row: PortalSessionRow = {
    id_hash: tokenHash(id),
    tenant_id: user.tenant_id,
    principal_id: user.object_id,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ABSOLUTE_TIMEOUT_MS).toISOString(),
  };
  await portalSessionStore.insert(server.database.db, row);
  // Opportunistic clean-up of ended sessions, on sign-in only (rare enough to be free).
  await portalSessionStore.purgeExpired(server.database.db, now.toISOString(), new Date(now.getTime() - IDLE_TIMEOUT_MS).toISOString());
  return { id, session: { idHash: row.id_hash, row, user, csrfToken: csrfTokenOf(id) } };
}

/**
 * The live session a cookie names, or undefined: unknown, idle too long, past its absolute end, or its user gone or
 * disabled since (those end the session at once).
 */
export async function resolveSession(server: ServerContext, id: string | undefined, now = new Date()): Promise<PortalSession | undefined> {
  if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
  const db = server.database.db;
  const idHash = tokenHash(id);
  const row = await portalSessionStore.byHash(db, idHash);
  if (!row) return undefined;
  const t = now.getTime();
  if (Date.parse(row.expires_at) <= t || Date.parse(row.last_seen_at) + IDLE_TIMEOUT_MS <= t) {
    await portalSessionStore.delete(db, idHash);
    return undefined;
  }
  let user: PrincipalRow;
  try {
    user = await activeUser(db, row.principal_id);
  } catch (e) {
    if (!(e instanceof OAuthError)) throw e;
    await portalSessionStore.delete(db, idHash);
    return undefined;
  }
  if (t - Date.parse(row.last_seen_at) >= TOUCH_EVERY_MS) await portalSessionStore.touch(db, idHash, now.toISOString());
  return { idHash, row, user, csrfToken: csrfTokenOf(id) };
}

export async function endSession(server: ServerContext, idHash: string): Promise<void> {
  await portalSessionStore.delete(server.database.db, idHash);
}

/**
 * The CSRF token is derived from the session id (a domain-separated SHA-256), so nothing more is stored and it
 * lives exactly as long as the session. It is handed to the page in a JSON answer (readable only by same-origin
 * script) and must come back in a header; knowing it reveals nothing of the id.
 */
export function csrfTokenOf(sessionId: string): string {
  return crypto.createHash('sha256').update(`amity-portal-csrf:${sessionId}`, 'utf8').digest('base64url');
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

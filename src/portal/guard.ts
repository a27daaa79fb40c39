import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../server/context.js';
import { readCookie, SESSION_COOKIE } from './cookies.js';
import { portalErrors } from './errors.js';
import { resolveSession, sameToken, type PortalSession } from './sessions.js';

export const CSRF_HEADER = 'x-amity-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses requests that another site made the browser send: a writing request must come from this origin
 * (Origin and Sec-Fetch-Site, when the browser sends them) and have a JSON body (an HTML form cannot send one
 * without a CORS preflight, which this server never grants).
 */
export function checkSameOrigin(server: ServerContext, req: FastifyRequest): void {
  if (SAFE_METHODS.has(req.method)) return;
  const site = header(req, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw portalErrors.crossSite();
  const origin = header(req, 'origin');
  if (origin !== undefined && origin !== new URL(server.publicUrl).origin && origin !== `https://${header(req, 'host') ?? ''}`) throw portalErrors.crossSite();
  const type = header(req, 'content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) throw portalErrors.jsonOnly();
}

/** The request's session, or 401; for a write, also this session's CSRF token in the x-amity-csrf header, or 403. */
export async function requireSession(server: ServerContext, req: FastifyRequest): Promise<PortalSession> {
  const session = await resolveSession(server, readCookie(req, SESSION_COOKIE));
  if (!session) throw portalErrors.notSignedIn();
  if (!SAFE_METHODS.has(req.method)) {
    const sent = header(req, CSRF_HEADER);
    if (!sent || !sameToken(sent, session.csrfToken)) throw portalErrors.csrf();
  }
  return session;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

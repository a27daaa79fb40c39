import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The session cookie. The `__Host-` prefix makes the browser insist on Secure, Path=/ and no Domain, so no
 * sub-domain or plain-http page can set or shadow it; HttpOnly keeps it from scripts; SameSite=Strict keeps it
 * off cross-site requests (the first line against CSRF; the per-session token is the second). No Max-Age: it
 * ends with the browser, and the server enforces idle and absolute expiry itself.
 */
export const SESSION_COOKIE = '__Host-amity-session';

export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function setSessionCookie(reply: FastifyReply, sessionId: string): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=${sessionId}; Path=/; Secure; HttpOnly; SameSite=Strict`);
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`);
}

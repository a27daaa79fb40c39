import type { FastifyInstance } from 'fastify';
import { DEVICE_PAGE_PATH } from '../directory/devicePage.js';
import { OAuthError } from '../directory/oauth/errors.js';
import { verifyUserPassword } from '../directory/users.js';
import type { ServerContext } from '../server/context.js';
import { clearSessionCookie, readCookie, SESSION_COOKIE, setSessionCookie } from './cookies.js';
import { PortalError, portalErrors } from './errors.js';
import { checkSameOrigin, requireSession } from './guard.js';
import { createSession, endSession, resolveSession, type PortalSession } from './sessions.js';
import type { PortalTokens } from './userTokens.js';

/** Sign-in, sign-out and "who am I" for the page. */
export function registerAuthRoutes(app: FastifyInstance, server: ServerContext, tokens: PortalTokens): void {
  app.get('/portal/api/session', async (req) => {
    const session = await resolveSession(server, readCookie(req, SESSION_COOKIE));
    // Signed out is an ordinary state for this call, not an error.
    if (!session) return { signedIn: false, devicePagePath: DEVICE_PAGE_PATH };
    return { signedIn: true, ...describe(server, session) };
  });

  /**
   * Before sign-in there is no session to hold a CSRF token: login CSRF is stopped by checkSameOrigin (same Origin /
   * Sec-Fetch-Site, and a JSON body, which no cross-site form can send without a preflight this server never grants).
   * User name and password through the same check as the token endpoint's password grant (verifyUserPassword:
   * lockout, disabled accounts), then a fresh session; any session the browser had is ended first (no fixation).
   */
  app.post('/portal/api/signin', async (req, reply) => {
    checkSameOrigin(server, req);
    const body = (req.body ?? {}) as { userName?: unknown; password?: unknown };
    if (typeof body.userName !== 'string' || body.userName.trim() === '' || typeof body.password !== 'string') {
      throw portalErrors.badRequest('Enter a user name and a password.');
    }
    const previous = await resolveSession(server, readCookie(req, SESSION_COOKIE));
    if (previous) await endSession(server, previous.idHash);
    let user;
    try {
      user = await verifyUserPassword(server.database.db, server.tenantId, body.userName.trim(), body.password);
    } catch (e) {
      if (e instanceof OAuthError) throw new PortalError(e.status === 400 ? 401 : e.status, e.error, `${e.description} (AADSTS${e.aadsts})`);
      throw e;
    }
    const { id, session } = await createSession(server, user);
    setSessionCookie(reply, id);
    return describe(server, session);
  });

  app.post('/portal/api/signout', async (req, reply) => {
    checkSameOrigin(server, req);
    const session = await resolveSession(server, readCookie(req, SESSION_COOKIE));
    if (session) {
      // A write like any other: this session's CSRF token, or 403 (a forged sign-out could otherwise log users out).
      await requireSession(server, req);
      await endSession(server, session.idHash);
      tokens.forget(session.idHash);
    }
    clearSessionCookie(reply);
    return reply.code(204).send();
  });
}

function describe(server: ServerContext, session: PortalSession) {
  return {
    user: { objectId: session.user.object_id, userPrincipalName: session.user.user_principal_name ?? '', displayName: session.user.display_name },
    tenantId: session.row.tenant_id,
    csrfToken: session.csrfToken,
    devicePagePath: DEVICE_PAGE_PATH,
    expiresAt: session.row.expires_at,
    publicUrl: server.publicUrl,
  };
}

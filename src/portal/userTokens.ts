import type { ServerContext } from '../server/context.js';
import type { PortalSession } from './sessions.js';

/**
 * The access tokens the proxy presents for a session's user: delegated tokens, as the password grant would issue
 * them, minted by the server's own issuer when needed and kept only in this process's memory (never in the
 * browser, never in the database). The portal signs in as Azure's portal client id.
 */
export const PORTAL_CLIENT_ID = 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c';
/** A cached token is replaced this long before it expires. */
const MARGIN_SECONDS = 300;
const MAX_CACHED = 10_000;

export type Audience = 'arm' | 'graph';

export class PortalTokens {
  private readonly cache = new Map<string, { token: string; expiresOn: number }>();

  constructor(private readonly server: ServerContext) {}

  async tokenFor(session: PortalSession, audience: Audience): Promise<string> {
    const key = `${session.idHash}|${audience}`;
    const now = Math.floor(Date.now() / 1000);
    const hit = this.cache.get(key);
    if (hit && hit.expiresOn - MARGIN_SECONDS > now) return hit.token;
    const { server } = this;
    const issued = await server.issuer.issue(
      {
        tenantId: session.row.tenant_id,
        objectId: session.user.object_id,
        appId: PORTAL_CLIENT_ID,
        // A confidential client: the portal's server holds the session, not the browser.
        authMethod: '1',
        user: { userPrincipalName: session.user.user_principal_name ?? '', displayName: session.user.display_name },
      },
      audience === 'arm' ? `${server.publicUrl}/` : `${server.publicUrl}/msgraph/`,
    );
    if (this.cache.size >= MAX_CACHED) this.evictExpired(now);
    this.cache.set(key, { token: issued.accessToken, expiresOn: issued.expiresOn });
    return issued.accessToken;
  }

  /** Forget a session's tokens (sign-out). */
  forget(idHash: string): void {
    this.cache.delete(`${idHash}|arm`);
    this.cache.delete(`${idHash}|graph`);
  }

  private evictExpired(now: number): void {
    for (const [k, v] of this.cache) if (v.expiresOn - MARGIN_SECONDS <= now) this.cache.delete(k);
    // Still full (many live sessions): drop the oldest entries; they are re-minted on demand.
    for (const k of this.cache.keys()) {
      if (this.cache.size < MAX_CACHED) break;
      this.cache.delete(k);
    }
  }
}

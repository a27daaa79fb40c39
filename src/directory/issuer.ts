import crypto from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKeys } from './signingKeys.js';

export interface TokenSubject {
  tenantId: string;
  objectId: string;
  appId: string;
  /** How the client proved itself: 1 = secret, 2 = certificate or assertion (Entra's appidacr). */
  authMethod: '1' | '2';
  /** For managed identities: the ARM id of the identity (Entra's xms_mirid). */
  managedIdentityResourceId?: string;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  expiresOn: number;
  notBefore: number;
}

/** Issues access tokens shaped like Entra's v1 app-only tokens, which ARM accepts. */
export class TokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly publicUrl: string,
    private readonly lifetimeSeconds = 3600,
  ) {}

  /** The issuer of access tokens for a tenant, the counterpart of Entra's `https://sts.windows.net/{tid}/`. */
  issuerFor(tenantId: string): string {
    return `${this.publicUrl}/${tenantId}/`;
  }

  async issue(subject: TokenSubject, audience: string): Promise<IssuedToken> {
    const key = this.keys.active();
    if (!key?.privateKey) throw new Error('no active signing key');
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.lifetimeSeconds;
    const claims: Record<string, unknown> = {
      appid: subject.appId,
      appidacr: subject.authMethod,
      idp: this.issuerFor(subject.tenantId),
      idtyp: 'app',
      oid: subject.objectId,
      tid: subject.tenantId,
      uti: crypto.randomBytes(16).toString('base64url'),
      ver: '1.0',
    };
    if (subject.managedIdentityResourceId) claims.xms_mirid = subject.managedIdentityResourceId;
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuer(this.issuerFor(subject.tenantId))
      .setAudience(audience)
      .setSubject(subject.objectId)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(exp)
      .sign(key.privateKey);
    return { accessToken, expiresIn: this.lifetimeSeconds, expiresOn: exp, notBefore: now };
  }
}

import crypto from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKeys } from './signingKeys.js';

export interface TokenSubject {
  tenantId: string;
  objectId: string;
  appId: string;
  /** How the client proved itself: 0 = public client, 1 = secret, 2 = certificate or assertion (Entra's appidacr). */
  authMethod: '0' | '1' | '2';
  /** For managed identities: the ARM id of the identity (Entra's xms_mirid). */
  managedIdentityResourceId?: string;
  /** For a signed-in user (delegated token): the user; appId is then the client the user signed in with. */
  user?: { userPrincipalName: string; displayName: string };
}

/** Claims of an OpenID Connect id_token for a signed-in user. */
export interface IdTokenSubject {
  tenantId: string;
  objectId: string;
  userPrincipalName: string;
  displayName: string;
  /** The client the token is for (aud). */
  clientId: string;
  /** The issuer the client read from discovery (MSAL compares them). */
  issuer: string;
  nonce?: string;
}

/** A managed identity on a host, as the workload token endpoints issue for it. */
export interface WorkloadSubject {
  tenantId: string;
  /** The identity's service principal (oid = sub). */
  principalId: string;
  /** The identity's application id (appid). */
  clientId: string;
  /** xms_mirid: the user-assigned identity's ARM id, or for a system-assigned identity the host's id. */
  managedIdentityResourceId: string;
  /** xms_az_rid: the host a user-assigned identity is attached to. */
  hostResourceId?: string;
}

/** `amity`: iss = `<publicUrl>/<tid>/`; `sts`: iss = `https://sts.windows.net/<tid>/`, what services written for Azure expect. */
export type IssuerStyle = 'amity' | 'sts';

/** What a token was issued for, as /metrics counts them: app-only (client credentials), a signed-in user, a workload on a host, a federated exchange. */
export type IssuedTokenKind = 'app' | 'user' | 'workload' | 'federated';

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  expiresOn: number;
  notBefore: number;
}

/** Issues access tokens shaped like Entra's v1 tokens (app-only, or delegated for users), which ARM accepts, and id_tokens. */
export class TokenIssuer {
  private workloadHeader?: { kid: string; encoded: string };
  /** Tokens signed so far, by kind: plain counters that /metrics reads (src/server/metrics.ts), so issuing knows nothing of Prometheus. */
  readonly issuedCounts: Record<IssuedTokenKind, number> = { app: 0, user: 0, workload: 0, federated: 0 };

  constructor(
    private readonly keys: SigningKeys,
    private readonly publicUrl: string,
    private readonly lifetimeSeconds = 3600,
    private readonly workload: { lifetimeSeconds: number; issuerStyle: IssuerStyle } = { lifetimeSeconds: 86_400, issuerStyle: 'amity' },
  ) {}

  get workloadLifetimeSeconds(): number {
    return this.workload.lifetimeSeconds;
  }

  /** The issuer of workload (managed identity) tokens, as the issuer style says. */
  workloadIssuerFor(tenantId: string): string {
    return this.workload.issuerStyle === 'sts' ? stsIssuer(tenantId) : this.issuerFor(tenantId);
  }

  /**
   * A managed identity token in the v1 shape of Azure's (see azure-wire-facts §8.4), signed RS256 straight with
   * node:crypto: this is the hot path of the token endpoints, and the claims are built here rather than through jose.
   */
  issueWorkload(subject: WorkloadSubject, audience: string, kind: 'workload' | 'federated' = 'workload'): IssuedToken {
    const key = this.keys.active();
    if (!key?.privateKey) throw new Error('no active signing key');
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.workload.lifetimeSeconds;
    const iss = this.workloadIssuerFor(subject.tenantId);
    const claims: Record<string, unknown> = {
      aud: audience,
      iss,
      iat: now,
      nbf: now,
      exp,
      appid: subject.clientId,
      appidacr: '2',
      idp: iss,
      idtyp: 'app',
      oid: subject.principalId,
      sub: subject.principalId,
      tid: subject.tenantId,
      uti: crypto.randomBytes(16).toString('base64url'),
      ver: '1.0',
      xms_mirid: subject.managedIdentityResourceId,
    };
    if (subject.hostResourceId) claims.xms_az_rid = subject.hostResourceId;
    if (this.workloadHeader?.kid !== key.kid) this.workloadHeader = { kid: key.kid, encoded: Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid })).toString('base64url') };
    const header = this.workloadHeader.encoded;
    const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature = crypto.sign('sha256', Buffer.from(input), key.privateKey).toString('base64url');
    this.issuedCounts[kind]++;
    return { accessToken: `${input}.${signature}`, expiresIn: this.workload.lifetimeSeconds, expiresOn: exp, notBefore: now };
  }

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
    if (subject.user) {
      // An Entra v1 user (delegated) token.
      Object.assign(claims, {
        acr: '1',
        amr: ['pwd'],
        idtyp: 'user',
        name: subject.user.displayName,
        scp: 'user_impersonation',
        unique_name: subject.user.userPrincipalName,
        upn: subject.user.userPrincipalName,
      });
    }
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuer(this.issuerFor(subject.tenantId))
      .setAudience(audience)
      .setSubject(subject.objectId)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(exp)
      .sign(key.privateKey);
    this.issuedCounts[subject.user ? 'user' : 'app']++;
    return { accessToken, expiresIn: this.lifetimeSeconds, expiresOn: exp, notBefore: now };
  }

  /** An id_token (RS256, like the access tokens) for a signed-in user: what MSAL reads to know the account. */
  async issueIdToken(subject: IdTokenSubject): Promise<string> {
    const key = this.keys.active();
    if (!key?.privateKey) throw new Error('no active signing key');
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      oid: subject.objectId,
      tid: subject.tenantId,
      preferred_username: subject.userPrincipalName,
      upn: subject.userPrincipalName,
      unique_name: subject.userPrincipalName,
      name: subject.displayName,
      ver: '2.0',
    };
    if (subject.nonce) claims.nonce = subject.nonce;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuer(subject.issuer)
      .setAudience(subject.clientId)
      .setSubject(subject.objectId)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + this.lifetimeSeconds)
      .sign(key.privateKey);
  }
}

export function stsIssuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

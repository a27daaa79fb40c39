import type { ServerContext } from '../../server/context.js';
import { principalStore } from '../../store/principals.js';
import { resourceStore } from '../../store/resources.js';
import { oauthErrors } from '../oauth/errors.js';
import { federationErrors } from './errors.js';
import { ExternalIssuers, type IssuerKeysOptions } from './externalIssuer.js';
import { matchCredential, type FederatedCredential } from './match.js';
import { Outbound, type OutboundOptions } from './outbound.js';
import { checkTimes, decodeAssertion, verifySignature } from './verifyAssertion.js';

export const FEDERATED_CREDENTIAL_TYPE = 'microsoft.managedidentity/userassignedidentities/federatedidentitycredentials';
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_CREDENTIALS = 20;

export type FederationOptions = OutboundOptions & IssuerKeysOptions;

/** The workload identity federation exchange: an external token for a token of a user-assigned managed identity. */
export class Federation {
  private readonly issuers: ExternalIssuers;

  constructor(
    private readonly server: ServerContext,
    options: FederationOptions = {},
  ) {
    this.issuers = new ExternalIssuers(new Outbound(options), options);
  }

  /** Verifies the assertion, matches it to one of the identity's credentials and issues the identity's token for `resource`. */
  async exchange(clientId: string, assertion: string, resource: string): Promise<{ accessToken: string; expiresIn: number }> {
    const server = this.server;
    const db = server.database.db;
    const principal = await principalStore.byAppId(db, clientId);
    if (!principal || principal.tenant_id !== server.tenantId) throw oauthErrors.applicationNotFound(clientId, server.tenantId);
    if (principal.kind !== 'ManagedIdentity' || !principal.resource_key) {
      // Applications authenticate with secrets here; federated credentials exist only on user-assigned identities.
      throw federationErrors.issuer(decodeAssertion(assertion).iss);
    }
    const identity = await resourceStore.get(db, principal.resource_key);
    if (!identity || identity.type !== 'microsoft.managedidentity/userassignedidentities') throw oauthErrors.applicationNotFound(clientId, server.tenantId);

    const decoded = decodeAssertion(assertion);
    const rows = await resourceStore.page(db, { parentKey: identity.key, type: FEDERATED_CREDENTIAL_TYPE, limit: MAX_CREDENTIALS, subscriptionKey: '' });
    const credentials = rows.flatMap((r) => credentialOf(r.name, r.properties));
    // Only issuers some credential names are contacted: an arbitrary `iss` never makes the server fetch anything.
    if (!credentials.some((c) => c.issuer === decoded.iss)) matchCredential(credentials, decoded);

    if (this.isOwnIssuer(decoded.iss)) {
      // Amity's own tokens (a managed identity's token for api://AzureADTokenExchange) are verified with its own keys.
      const key = decoded.kid ? await server.keys.find(decoded.kid) : undefined;
      if (!key) throw federationErrors.unknownKey(decoded.kid ?? '', `${server.publicUrl}/${server.tenantId}/discovery/v2.0/keys`);
      verifySignature(assertion, decoded.alg, key.publicKey);
    } else {
      const jwk = await this.issuers.key(decoded.iss, decoded.kid);
      verifySignature(assertion, decoded.alg, jwk);
    }
    checkTimes(decoded.claims);
    matchCredential(credentials, decoded);

    const issued = server.issuer.issueWorkload(
      { tenantId: server.tenantId, principalId: principal.object_id, clientId: principal.app_id!, managedIdentityResourceId: identity.id },
      resource,
      'federated',
    );
    return { accessToken: issued.accessToken, expiresIn: issued.expiresIn };
  }

  private isOwnIssuer(iss: string): boolean {
    const own = [this.server.issuer.issuerFor(this.server.tenantId), this.server.issuer.workloadIssuerFor(this.server.tenantId)];
    return own.includes(iss);
  }
}

function credentialOf(name: string, properties: string): FederatedCredential[] {
  try {
    const p = JSON.parse(properties) as Partial<FederatedCredential>;
    if (typeof p.issuer !== 'string' || !Array.isArray(p.audiences)) return [];
    return [{ name, issuer: p.issuer, subject: typeof p.subject === 'string' ? p.subject : undefined, audiences: p.audiences.map(String), claimsMatchingExpression: p.claimsMatchingExpression }];
  } catch {
    return [];
  }
}

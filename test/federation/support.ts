import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { group, identity, UAMI } from '../compute/support.js';
import { EXCHANGE_AUDIENCE, startExternalIssuer, type ExternalIssuer } from './issuerFixture.js';

export const FIC_TYPE = 'microsoft.managedidentity/userassignedidentities/federatedidentitycredentials';
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A test server that trusts its own CA for external issuers, and an oidc-provider issuer on the same certificate. */
export async function startFederation(extra: Record<string, unknown> = {}): Promise<{ s: TestServer; issuer: ExternalIssuer; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-fed-'));
  const s = await startTestServer({ dataDir: dir, extra: { federationCaCerts: [path.join(dir, 'tls', 'ca.crt')], federationKeyRefreshSeconds: 0, ...extra } });
  const issuer = await startExternalIssuer(path.join(dir, 'tls'));
  return {
    s,
    issuer,
    async close() {
      await issuer.close();
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function newIdentity(s: TestServer, name: string): Promise<{ id: string; clientId: string; principalId: string }> {
  const rg = await group(s, `fed-${name}`);
  const body = await identity(s, rg, name);
  return { id: body.id, clientId: body.properties.clientId, principalId: body.properties.principalId };
}

/** Creates a federated credential under the identity through ARM (the provider stores the `resources` row the exchange reads). */
export async function addCredential(
  s: TestServer,
  identityId: string,
  name: string,
  props: { issuer: string; subject?: string; audiences?: string[]; claimsMatchingExpression?: { value: string; languageVersion: number } },
): Promise<void> {
  const apiVersion = props.claimsMatchingExpression ? '2025-01-31-preview' : '2024-11-30';
  const res = await s.arm('PUT', `${identityId}/federatedIdentityCredentials/${name}?api-version=${apiVersion}`, { properties: { audiences: [EXCHANGE_AUDIENCE], ...props } });
  if (res.status === 200 || res.status === 201) return;
  if (!props.issuer.startsWith('http://')) assert.fail(`creating the federated credential failed: ${res.status} ${res.text}`);
  // An http issuer, which the REST API may refuse: stored directly (the row the provider would write) to test the exchange's own check.
  const db = s.running.context.database.db;
  const id = `${identityId}/federatedIdentityCredentials/${name}`;
  const now = new Date().toISOString();
  const parts = identityId.split('/');
  await db
    .insertInto('resources')
    .values({
      key: id.toLowerCase(),
      id,
      type: FIC_TYPE,
      subscription_id: parts[2].toLowerCase(),
      resource_group: parts[4].toLowerCase(),
      parent_key: identityId.toLowerCase(),
      name,
      location: null,
      tags: null,
      properties: JSON.stringify({ audiences: [EXCHANGE_AUDIENCE], ...props }),
      etag: `"${crypto.randomUUID()}"`,
      created_at: now,
      changed_at: now,
      created_by: 'test',
      changed_by: 'test',
    })
    .execute();
}

export async function removeCredentials(s: TestServer, identityId: string, names: string[]): Promise<void> {
  for (const name of names) {
    const res = await s.arm('DELETE', `${identityId}/federatedIdentityCredentials/${name}?api-version=2024-11-30`);
    assert.ok(res.status === 200 || res.status === 204, res.text);
  }
}

export function exchange(s: TestServer, clientId: string, assertion: string, opts: { path?: string; scope?: string } = {}) {
  return s.raw('POST', opts.path ?? `/${s.tenantId}/oauth2/v2.0/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion,
      scope: opts.scope ?? 'https://management.azure.com/.default',
    }).toString(),
  });
}

export function claimsOf(jwt: string): Record<string, any> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

export function assertAadsts(res: { status: number; body: any; text: string }, code: number, error: string, includes: string[] = []): void {
  assert.equal(res.body?.error_codes?.[0], code, res.text);
  assert.equal(res.body.error, error, res.text);
  assert.ok(res.status === 400 || res.status === 401, res.text);
  assert.match(res.body.error_description, new RegExp(`^AADSTS${code}: `));
  for (const s of includes) assert.ok(res.body.error_description.includes(s), `${res.body.error_description} should include ${s}`);
}

export { UAMI };

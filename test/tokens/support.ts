import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { TestServer } from '../support/server.js';
import type { HttpResponse } from '../support/http.js';

export const MSI_API = '2023-01-31';
export const VM_API = '2022-08-01';
export const ARM_RESOURCE = 'https://management.azure.com/';

export interface Uami {
  id: string;
  principalId: string;
  clientId: string;
}

export const rgPath = (s: TestServer, rg = 'tokens') => `/subscriptions/${s.subscriptionId}/resourceGroups/${rg}`;
export const vmId = (s: TestServer, name: string, rg = 'tokens') => `${rgPath(s, rg)}/providers/Microsoft.Compute/virtualMachines/${name}`;

export async function ensureGroup(s: TestServer, rg = 'tokens'): Promise<void> {
  const r = await s.arm('PUT', `${rgPath(s, rg)}?api-version=2021-04-01`, { location: 'westus' });
  assert.ok(r.status === 200 || r.status === 201, r.text);
}

export async function createUami(s: TestServer, name: string, rg = 'tokens'): Promise<Uami> {
  const r = await s.arm('PUT', `${rgPath(s, rg)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?api-version=${MSI_API}`, { location: 'westus' });
  assert.ok(r.status === 200 || r.status === 201, r.text);
  return { id: r.body.id, principalId: r.body.properties.principalId, clientId: r.body.properties.clientId };
}

/** A VM with the given identities and its workload credential (IDENTITY_ENDPOINT / IDENTITY_HEADER). */
export async function createHost(s: TestServer, name: string, opts: { system: boolean; user: Uami[] }, rg = 'tokens') {
  const type = [opts.system ? 'SystemAssigned' : '', opts.user.length ? 'UserAssigned' : ''].filter(Boolean).join(', ') || 'None';
  const identity: Record<string, unknown> = { type };
  if (opts.user.length) identity.userAssignedIdentities = Object.fromEntries(opts.user.map((u) => [u.id, {}]));
  const put = await s.arm('PUT', `${vmId(s, name, rg)}?api-version=${VM_API}`, { location: 'westus', identity });
  assert.ok(put.status === 200 || put.status === 201, put.text);
  const cred = await s.arm('POST', `${vmId(s, name, rg)}/regenerateIdentityCredential?api-version=${VM_API}`);
  assert.equal(cred.status, 200, cred.text);
  return { id: put.body.id as string, systemPrincipalId: put.body.identity?.principalId as string | undefined, endpoint: cred.body.identityEndpoint as string, header: cred.body.identityHeader as string };
}

/** GET /msi/token on the server, App Service style. */
export function msiToken(s: TestServer, header: string | undefined, query: Record<string, string>, opts: { legacy?: boolean } = {}): Promise<HttpResponse> {
  const q = new URLSearchParams({ 'api-version': opts.legacy ? '2017-09-01' : '2019-08-01', resource: ARM_RESOURCE, ...query });
  const headers: Record<string, string> = {};
  if (header !== undefined) headers[opts.legacy ? 'Secret' : 'X-IDENTITY-HEADER'] = header;
  return s.raw('GET', `/msi/token?${q}`, { headers });
}

export async function verifyWithJwks(s: TestServer, token: string): Promise<JWTPayload> {
  const jwks = (await s.raw('GET', `/${s.tenantId}/discovery/v2.0/keys`)).body;
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ['RS256'] });
  return payload;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

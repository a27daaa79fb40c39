import crypto from 'node:crypto';
import { principalStore } from '../../src/store/principals.js';
import { generateSecret, hashClientSecret } from '../../src/directory/secrets.js';
import type { HttpResponse } from '../support/http.js';
import type { TestServer } from '../support/server.js';

/** A second service principal with its own secret and token, made directly in the store. */
export interface TestPrincipal {
  objectId: string;
  clientId: string;
  clientSecret: string;
  token(): Promise<string>;
  arm(method: string, path: string, body?: unknown): Promise<HttpResponse>;
}

export async function createServicePrincipal(s: TestServer, displayName = 'rbac-test-sp'): Promise<TestPrincipal> {
  const objectId = crypto.randomUUID();
  const clientId = crypto.randomUUID();
  const clientSecret = generateSecret();
  const db = s.running.context.database.db;
  const now = new Date().toISOString();
  await principalStore.insert(db, { object_id: objectId, tenant_id: s.tenantId, kind: 'ServicePrincipal', app_id: clientId, display_name: displayName, resource_key: null, created_at: now });
  await principalStore.addCredential(db, { id: crypto.randomUUID(), principal_id: objectId, secret_hash: hashClientSecret(clientSecret), hint: clientSecret.slice(0, 3), created_at: now, expires_at: null });
  let cached: string | undefined;
  const p: TestPrincipal = {
    objectId,
    clientId,
    clientSecret,
    async token() {
      if (cached) return cached;
      const res = await s.raw('POST', `/${s.tenantId}/oauth2/v2.0/token`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'https://management.azure.com/.default' }).toString(),
      });
      if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
      cached = res.body.access_token as string;
      return cached;
    },
    async arm(method, path, body) {
      const headers: Record<string, string> = { authorization: `Bearer ${await p.token()}` };
      let payload: string | undefined;
      if (body !== undefined) {
        payload = JSON.stringify(body);
        headers['content-type'] = 'application/json';
      }
      return s.raw(method, path, { headers, body: payload });
    },
  };
  return p;
}

export const AUTHZ_API = '2022-04-01';

export const ROLE_IDS = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  'User Access Administrator': '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  'Role Based Access Control Administrator': 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  'Managed Identity Contributor': 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59',
  'Managed Identity Operator': 'f1a07417-d97a-45cb-824c-7a7467783830',
  'Virtual Machine Contributor': '9980e02c-c2be-4d73-94e8-173b1dc7cf3c',
} as const;
export type RoleName = keyof typeof ROLE_IDS;

/** Assigns a role (as the admin) at a scope; returns the assignment id. */
export async function assign(s: TestServer, principalId: string, role: RoleName | string, scope: string): Promise<string> {
  const guid = (ROLE_IDS as Record<string, string>)[role] ?? role;
  const name = crypto.randomUUID();
  const base = scope === '/' ? '' : scope;
  const res = await s.arm('PUT', `${base}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=${AUTHZ_API}`, {
    properties: { roleDefinitionId: `/subscriptions/${s.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`, principalId, principalType: 'ServicePrincipal' },
  });
  if (res.status !== 201) throw new Error(`assign failed: ${res.status} ${res.text}`);
  return res.body.id as string;
}

/** Deletes an assignment; with `scopeMayBeGone`, a 404 for its deleted group is fine too. */
export async function unassign(s: TestServer, id: string, scopeMayBeGone = false): Promise<void> {
  const res = await s.arm('DELETE', `${id}?api-version=${AUTHZ_API}`);
  if (scopeMayBeGone && res.status === 404) return;
  if (res.status !== 200 && res.status !== 204) throw new Error(`unassign failed: ${res.status} ${res.text}`);
}

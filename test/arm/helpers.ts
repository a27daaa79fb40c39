import assert from 'node:assert/strict';
import fs from 'node:fs';
import crypto from 'node:crypto';
import https from 'node:https';
import { after, before, describe } from 'node:test';
import type { ResourceRow } from '../../src/store/resources.js';
import { backends, type Backend } from '../support/backends.js';
import type { HttpResponse } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Shared pieces of the ARM conformance suites (test/arm/*.test.ts). */

export const RG_API = '2024-03-01';
export const MSI_API = '2024-11-30';

/** Every Microsoft.ManagedIdentity api-version, as Azure publishes them (shared/reference/azure-wire-facts.md §1). */
export const MSI_VERSIONS = [
  '2026-05-31',
  '2026-04-30',
  '2025-05-31-preview',
  '2025-01-31-preview',
  '2024-11-30',
  '2023-07-31-preview',
  '2023-01-31',
  '2022-01-31-preview',
  '2021-09-30-preview',
  '2018-11-30',
  '2015-08-31-preview',
] as const;

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Defines one suite per backend (SQLite, and PostgreSQL when its binaries exist), each with one server
 * shared by its tests, and stops the PostgreSQL cluster when the file is done.
 */
export async function forEachBackend(define: (server: () => TestServer, backend: Backend) => void): Promise<void> {
  const { backends: list, skipped } = await backends();
  for (const b of list) {
    describe(b.name, () => {
      let s: TestServer | undefined;
      before(async () => {
        s = await startTestServer({ database: await b.database() });
      });
      after(async () => {
        await s?.close();
      });
      define(() => {
        if (!s) throw new Error('server not started');
        return s;
      }, b);
    });
  }
  if (skipped) describe('postgres', { skip: skipped }, () => undefined);
  after(async () => {
    for (const b of list) await b.stop();
  });
}

export function groupPath(s: TestServer, group: string, apiVersion: string = RG_API): string {
  return `/subscriptions/${s.subscriptionId}/resourcegroups/${group}?api-version=${apiVersion}`;
}

export function identityPath(s: TestServer, group: string, name: string, apiVersion: string = MSI_API): string {
  return `/subscriptions/${s.subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?api-version=${apiVersion}`;
}

export function groupIdentitiesPath(s: TestServer, group: string, apiVersion: string = MSI_API): string {
  return `/subscriptions/${s.subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${apiVersion}`;
}

export function subscriptionIdentitiesPath(s: TestServer, apiVersion: string = MSI_API): string {
  return `/subscriptions/${s.subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${apiVersion}`;
}

/** The id ARM reports for an identity, compared case-insensitively as ARM compares ids. */
export function expectedIdentityId(s: TestServer, group: string, name: string): string {
  return `/subscriptions/${s.subscriptionId}/resourcegroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`.toLowerCase();
}

export async function createGroup(s: TestServer, group: string, location = 'westus'): Promise<HttpResponse> {
  const res = await s.arm('PUT', groupPath(s, group), { location });
  assert.equal(res.status, 201, `creating group ${group}: ${res.status} ${res.text}`);
  return res;
}

export async function createIdentity(s: TestServer, group: string, name: string, body: unknown = { location: 'westus' }, apiVersion: string = MSI_API): Promise<HttpResponse> {
  const res = await s.arm('PUT', identityPath(s, group, name, apiVersion), body);
  assert.equal(res.status, 201, `creating identity ${group}/${name}: ${res.status} ${res.text}`);
  return res;
}

/**
 * Creates `count` identities named `${prefix}${i}` in westus, 20 requests at a time. Bulk set-up reuses
 * its TLS connections (the support client opens one per request), which makes it about three times faster.
 */
export async function createIdentities(s: TestServer, group: string, prefix: string, count: number): Promise<void> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 20, ca: fs.readFileSync(s.caCertPath) });
  const headers = { authorization: `Bearer ${await s.token()}`, 'content-type': 'application/json' };
  const put = (name: string) =>
    new Promise<void>((resolve, reject) => {
      const req = https.request(`${s.url}${identityPath(s, group, name)}`, { method: 'PUT', agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`creating identity ${group}/${name}: ${res.statusCode} ${text}`))));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ location: 'westus' }));
    });
  try {
    for (let i = 0; i < count; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, count - i) }, (_, j) => put(`${prefix}${i + j}`)));
    }
  } finally {
    agent.destroy();
  }
}

/**
 * Writes `count` identity rows (`filler-<i>`, westus) straight into the store, 1000 to an insert. Large groups are
 * deleted in the background, and deleting 500 identities takes a few milliseconds on SQLite, all within one turn
 * of the event loop a test shares with the server, so nothing could be observed in between; filler rows make a
 * group large without hundreds of requests and stretch the background deletion over many batches.
 */
export async function addFillerRows(s: TestServer, group: string, count: number): Promise<void> {
  const db = s.running.context.database.db;
  const now = new Date().toISOString();
  for (let i = 0; i < count; i += 1000) {
    const rows: ResourceRow[] = Array.from({ length: Math.min(1000, count - i) }, (_, j) => {
      const name = `filler-${i + j}`;
      const id = `/subscriptions/${s.subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
      return {
        key: id.toLowerCase(),
        id,
        type: 'microsoft.managedidentity/userassignedidentities',
        subscription_id: s.subscriptionId.toLowerCase(),
        resource_group: group.toLowerCase(),
        parent_key: '',
        name,
        location: 'westus',
        tags: '{}',
        properties: JSON.stringify({ tenantId: s.tenantId, principalId: crypto.randomUUID(), clientId: crypto.randomUUID(), isolationScope: 'None' }),
        etag: crypto.randomUUID(),
        created_at: now,
        changed_at: now,
        created_by: 'test',
        changed_by: 'test',
      };
    });
    await db.insertInto('resources').values(rows).execute();
  }
}

/** A GET of an absolute URL this server handed out (a nextLink or Location), checked to point at this server. */
export function pathOfLink(s: TestServer, link: unknown): string {
  assert.equal(typeof link, 'string', `expected a link, got ${JSON.stringify(link)}`);
  const url = new URL(link as string);
  assert.equal(url.origin, new URL(s.url).origin, `link ${String(link)} is not under ${s.url}`);
  return url.pathname + url.search;
}

/**
 * ARM's error contract: the status, `{"error":{"code","message"}}` with a non-empty message, a JSON content
 * type and the tracing headers every ARM response carries.
 */
export function assertArmError(res: HttpResponse, status: number, code: string, message?: string | RegExp): void {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.equal(typeof res.body?.error, 'object', `no error envelope in ${res.text}`);
  assert.equal(res.body.error.code, code, res.text);
  assert.equal(typeof res.body.error.message, 'string');
  assert.ok(res.body.error.message.length > 0, 'error message is empty');
  if (typeof message === 'string') assert.equal(res.body.error.message, message);
  else if (message) assert.match(res.body.error.message, message);
  assert.match(String(res.headers['x-ms-request-id']), GUID);
  assert.ok(res.headers['x-ms-correlation-request-id'], 'x-ms-correlation-request-id missing');
}

export function assertOk(res: HttpResponse, status = 200): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
}

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import type { TestServer } from '../support/server.js';
import { AUTHZ_API, createServicePrincipal, ROLE_IDS } from '../rbac/support.js';
import { deploymentPath } from '../deployments/support.js';
import { createGroup, forEachBackend, groupPath, identityPath } from './helpers.js';

const VM_API = '2024-07-01';
const vmPath = (sub: string, group: string, name: string, api = VM_API) =>
  `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${name}?api-version=${api}`;

const EMPTY_TEMPLATE = { $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0', resources: [] };

/**
 * The contract every changeable type shares: GET and writes answer an ETag; a stale If-Match is 412 on update and
 * delete; the current one passes; `If-None-Match: *` refuses an existing resource; an absent one fails `If-Match: *`.
 */
async function checkConditional(s: TestServer, path: string, create: unknown, update: unknown, opts: { updateStatus?: number; deleteStatus?: number } = {}) {
  const created = await s.arm('PUT', path, create, { 'if-none-match': '*' });
  assert.ok(created.status === 201 || created.status === 200, created.text);
  const etag = created.headers.etag as string;
  assert.match(etag, /^"[0-9a-f-]{36}"$/, `${path}: ${JSON.stringify(created.headers)}`);
  assert.equal((await s.arm('GET', path)).headers.etag, etag);
  const again = await s.arm('PUT', path, create, { 'if-none-match': '*' });
  assert.equal(again.status, 412, again.text);
  assert.equal(again.body.error.code, 'PreconditionFailed');
  const stale = await s.arm('PUT', path, update, { 'if-match': '"00000000-0000-0000-0000-000000000000"' });
  assert.equal(stale.status, 412, stale.text);
  assert.match(stale.body.error.message, /does not match etag/);
  const updated = await s.arm('PUT', path, update, { 'if-match': etag });
  assert.equal(updated.status, opts.updateStatus ?? 200, updated.text);
  const etag2 = updated.headers.etag as string;
  assert.ok(etag2 && etag2 !== etag, `etag did not move: ${etag2}`);
  assert.equal((await s.arm('PUT', path, update, { 'if-match': etag })).status, 412);
  assert.equal((await s.arm('DELETE', path, undefined, { 'if-match': etag })).status, 412);
  const current = (await s.arm('GET', path)).headers.etag as string;
  const deleted = await s.arm('DELETE', path, undefined, { 'if-match': current });
  assert.equal(deleted.status, opts.deleteStatus ?? 200, deleted.text);
  assert.equal((await s.arm('DELETE', path, undefined, { 'if-match': '*' })).status, 412);
  assert.equal((await s.arm('PUT', path, create, { 'if-match': '*' })).status, 412);
}

await forEachBackend((server) => {
  test('resource groups, role assignments, role definitions, federated credentials and deployments honour If-Match and If-None-Match', async () => {
    const s = server();
    const sub = `/subscriptions/${s.subscriptionId}`;
    await checkConditional(s, groupPath(s, 'rg-cond'), { location: 'westus' }, { location: 'westus', tags: { a: '1' } });

    await createGroup(s, 'rg-cond2');
    const sp = await createServicePrincipal(s);
    const raPath = `${sub}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=${AUTHZ_API}`;
    const raBody = (description: string) => ({ properties: { roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.Reader}`, principalId: sp.objectId, principalType: 'ServicePrincipal', description } });
    await checkConditional(s, raPath, raBody('one'), raBody('two'));

    const roleId = crypto.randomUUID();
    const rdBody = (description: string) => ({ properties: { roleName: `Cond ${roleId.slice(0, 8)}`, description, permissions: [{ actions: ['*/read'] }], assignableScopes: [sub] } });
    await checkConditional(s, `${sub}/providers/Microsoft.Authorization/roleDefinitions/${roleId}?api-version=${AUTHZ_API}`, rdBody('one'), rdBody('two'), { updateStatus: 201 });

    assert.equal((await s.arm('PUT', identityPath(s, 'rg-cond2', 'fic-parent'), { location: 'westus' })).status, 201);
    const ficPath = `${sub}/resourceGroups/rg-cond2/providers/Microsoft.ManagedIdentity/userAssignedIdentities/fic-parent/federatedIdentityCredentials/fic1?api-version=2024-11-30`;
    const ficBody = (subject: string) => ({ properties: { issuer: 'https://issuer.example', subject, audiences: ['api://AzureADTokenExchange'] } });
    await checkConditional(s, ficPath, ficBody('one'), ficBody('two'));

    // A deployment can be replaced once it is done: wait for the first to finish before the conditional update.
    const depPath = deploymentPath(s, 'rg-cond2', 'dep-cond');
    const depBody = { properties: { template: EMPTY_TEMPLATE, mode: 'Incremental' } };
    const created = await s.arm('PUT', depPath, depBody, { 'if-none-match': '*' });
    assert.equal(created.status, 201, created.text);
    assert.match(created.headers.etag as string, /^"[0-9a-f-]{36}"$/);
    const settled = async () => {
      for (;;) {
        const r = await s.arm('GET', depPath);
        if (!['Accepted', 'Running'].includes(r.body.properties.provisioningState)) return r.headers.etag as string;
        await new Promise((res) => setTimeout(res, 50));
      }
    };
    const etag = await settled();
    assert.equal((await s.arm('PUT', depPath, depBody, { 'if-none-match': '*' })).status, 412);
    assert.equal((await s.arm('PUT', depPath, depBody, { 'if-match': '"00000000-0000-0000-0000-000000000000"' })).status, 412);
    const updated = await s.arm('PUT', depPath, depBody, { 'if-match': etag });
    assert.equal(updated.status, 200, updated.text);
    const etag2 = await settled();
    assert.equal((await s.arm('DELETE', depPath, undefined, { 'if-match': etag })).status, 412);
    assert.equal((await s.arm('DELETE', depPath, undefined, { 'if-match': etag2 })).status, 204);
    assert.equal((await s.arm('DELETE', depPath, undefined, { 'if-match': '*' })).status, 412);
  });

  test('identities carry an ETag header (no body etag, as in Azure) and honour If-Match on PUT, PATCH and DELETE', async () => {
    const s = server();
    await createGroup(s, 'rg-etag');
    const path = identityPath(s, 'rg-etag', 'etag-id');
    const created = await s.arm('PUT', path, { location: 'westus' });
    assert.equal(created.status, 201);
    const etag = created.headers.etag as string;
    assert.match(etag, /^"[0-9a-f-]{36}"$/);
    assert.equal(created.body.etag, undefined);
    assert.equal((await s.arm('GET', path)).headers.etag, etag);

    const stale = await s.arm('PUT', path, { location: 'westus', tags: { a: '1' } }, { 'if-match': '"not-the-etag"' });
    assert.equal(stale.status, 412, stale.text);
    assert.equal(stale.body.error.code, 'PreconditionFailed');
    assert.match(stale.body.error.message, /does not match etag/);

    const updated = await s.arm('PUT', path, { location: 'westus', tags: { a: '1' } }, { 'if-match': etag });
    assert.equal(updated.status, 200, updated.text);
    const etag2 = updated.headers.etag as string;
    assert.notEqual(etag2, etag);
    // The old version no longer matches, for PATCH and DELETE alike; a bare (unquoted) tag and `*` do.
    assert.equal((await s.arm('PATCH', path, { tags: { b: '2' } }, { 'if-match': etag })).status, 412);
    assert.equal((await s.arm('PATCH', path, { tags: { b: '2' } }, { 'if-match': etag2.slice(1, -1) })).status, 200);
    assert.equal((await s.arm('PUT', path, { location: 'westus' }, { 'if-none-match': '*' })).status, 412);
    assert.equal((await s.arm('DELETE', path, undefined, { 'if-match': etag2 })).status, 412);
    assert.equal((await s.arm('DELETE', path, undefined, { 'if-match': '*' })).status, 200);
    assert.equal((await s.arm('GET', path)).status, 404);
    // Absent: If-Match fails, If-None-Match: * creates.
    assert.equal((await s.arm('PUT', path, { location: 'westus' }, { 'if-match': '*' })).status, 412);
    assert.equal((await s.arm('DELETE', path, undefined, { 'if-match': '*' })).status, 412);
    assert.equal((await s.arm('PUT', path, { location: 'westus' }, { 'if-none-match': '*' })).status, 201);
  });

  test('virtual machines show etag in the body from 2023-09-01, equal to the ETag header', async () => {
    const s = server();
    await createGroup(s, 'rg-etag-vm');
    const put = await s.arm('PUT', vmPath(s.subscriptionId, 'rg-etag-vm', 'vm1'), { location: 'westus' });
    assert.equal(put.status, 201, put.text);
    assert.equal(put.body.etag, put.headers.etag);
    const old = await s.arm('GET', vmPath(s.subscriptionId, 'rg-etag-vm', 'vm1', '2023-07-01'));
    assert.equal(old.body.etag, undefined);
    const conflict = await s.arm('PATCH', vmPath(s.subscriptionId, 'rg-etag-vm', 'vm1'), { tags: { x: '1' } }, { 'if-match': '"0"' });
    assert.equal(conflict.status, 412);
  });

  test('concurrent PUTs of one identity never interleave: the final state is one writer’s whole body', async () => {
    const s = server();
    await createGroup(s, 'rg-race');
    const path = identityPath(s, 'rg-race', 'race-id');
    assert.equal((await s.arm('PUT', path, { location: 'westus' })).status, 201);
    const writers = 24;
    // Each writer's tag set is all-or-nothing: a mix of two writers' tags would be a state neither wrote.
    const bodies = Array.from({ length: writers }, (_, w) => ({ location: 'westus', tags: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, `w${w}`])) }));
    const results = await Promise.all(bodies.map((b) => s.arm('PUT', path, b)));
    for (const r of results) assert.ok(r.status === 200 || r.status === 409, `${r.status} ${r.text}`);
    const final = await s.arm('GET', path);
    const values = new Set(Object.values(final.body.tags as Record<string, string>));
    assert.equal(values.size, 1, `interleaved tags: ${JSON.stringify(final.body.tags)}`);
    assert.equal(Object.keys(final.body.tags).length, 8);
    // And with If-Match read-modify-write, no update is lost.
    const adds = 20;
    await Promise.all(
      Array.from({ length: adds }, async (_, i) => {
        for (;;) {
          const cur = await s.arm('GET', path);
          const tags = { ...(cur.body.tags as Record<string, string>), [`n${i}`]: '1' };
          const r = await s.arm('PUT', path, { location: 'westus', tags }, { 'if-match': cur.headers.etag as string });
          if (r.status === 200) return;
          assert.equal(r.status, 412, r.text);
        }
      }),
    );
    const end = await s.arm('GET', path);
    for (let i = 0; i < adds; i++) assert.equal(end.body.tags[`n${i}`], '1', `update ${i} lost`);
  });
});

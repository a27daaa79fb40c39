import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mock, test } from 'node:test';
import type { HttpResponse } from '../support/http.js';
import type { TestServer } from '../support/server.js';
import { AUTHZ_API, createServicePrincipal, ROLE_IDS } from '../rbac/support.js';
import { deploymentPath } from '../deployments/support.js';
import { createGroup, forEachBackend } from './helpers.js';

/**
 * Role assignments, role definitions and deployments derive their etag from the row's last change: a conditional write
 * of one must still be a compare-and-swap on the version it checked. Many writers carrying the same If-Match at once:
 * exactly one wins, every other answers 412 as a fresh read would, and the stored state is the winner's.
 */

const WRITERS = 20;
const EMPTY_TEMPLATE = { $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0', resources: [] };

/** The one response with `status` among `results`; every other must be 412 PreconditionFailed. */
function oneWinner(results: HttpResponse[], status: number): HttpResponse {
  const summary = results.map((r) => r.status).join(',');
  const winners = results.filter((r) => r.status === status);
  assert.equal(winners.length, 1, `expected one ${status} among [${summary}]: ${winners.map((w) => w.headers.etag).join(' ')}`);
  for (const r of results) if (r !== winners[0]) assert.equal(r.status, 412, `[${summary}] ${r.text}`);
  for (const r of results) if (r !== winners[0]) assert.equal(r.body.error.code, 'PreconditionFailed', r.text);
  return winners[0];
}

const race = (s: TestServer, method: string, path: string, body: (i: number) => unknown, headers: Record<string, string>) =>
  Promise.all(Array.from({ length: WRITERS }, (_, i) => s.arm(method, path, body(i), headers)));

/**
 * Creates the resource at `path`, races WRITERS updates all carrying its etag (exactly one answers `updated`, and the
 * stored state and etag are the winner's), then WRITERS deletes carrying the winner's etag (exactly one answers 200).
 */
async function updateThenDeleteRace(s: TestServer, path: string, body: (label: string) => unknown, updated: number): Promise<void> {
  const created = await s.arm('PUT', path, body('initial'));
  assert.equal(created.status, 201, created.text);
  const etag = created.headers.etag as string;
  const winner = oneWinner(await race(s, 'PUT', path, (i) => body(`writer-${i}`), { 'if-match': etag }), updated);
  const now = await s.arm('GET', path);
  assert.equal(now.body.properties.description, winner.body.properties.description);
  assert.equal(now.headers.etag, winner.headers.etag);
  assert.notEqual(now.headers.etag, etag);
  oneWinner(await race(s, 'DELETE', path, () => undefined, { 'if-match': now.headers.etag as string }), 200);
  assert.equal((await s.arm('GET', path)).status, 404);
}

/** A deployment's etag once its run is done (a deployment can be replaced only then). */
async function settled(s: TestServer, path: string): Promise<HttpResponse> {
  for (;;) {
    const r = await s.arm('GET', path);
    assert.equal(r.status, 200, r.text);
    if (!['Accepted', 'Running'].includes(r.body.properties.provisioningState)) return r;
    await new Promise((res) => setTimeout(res, 25));
  }
}

/** Freezes the server's clock (it runs in this process): every write then lands in the same millisecond. */
async function inOneMillisecond<T>(fn: () => Promise<T>): Promise<T> {
  mock.timers.enable({ apis: ['Date'], now: Date.now() });
  try {
    return await fn();
  } finally {
    mock.timers.reset();
  }
}

await forEachBackend((server) => {
  const sub = () => `/subscriptions/${server().subscriptionId}`;
  const raPath = (name: string) => `${sub()}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=${AUTHZ_API}`;
  const raBody = (principalId: string, description: string) => ({
    properties: { roleDefinitionId: `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.Reader}`, principalId, principalType: 'ServicePrincipal', description },
  });
  const rdPath = (id: string) => `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${id}?api-version=${AUTHZ_API}`;
  const rdBody = (id: string, description: string) => ({ properties: { roleName: `Race ${id.slice(0, 8)}`, description, permissions: [{ actions: ['*/read'] }], assignableScopes: [sub()] } });
  const depBody = (writer: string) => ({ tags: { writer }, properties: { template: EMPTY_TEMPLATE, mode: 'Incremental' } });

  test('role assignments: concurrent updates and deletes with one If-Match: one wins, the rest 412', async () => {
    const s = server();
    const sp = await createServicePrincipal(s, 'race-ra');
    const path = raPath(crypto.randomUUID());
    await updateThenDeleteRace(s, path, (label) => raBody(sp.objectId, label), 200);
  });

  test('role definitions: concurrent updates and deletes with one If-Match: one wins, the rest 412', async () => {
    const s = server();
    const id = crypto.randomUUID();
    // Azure answers 201 to a role definition update too.
    await updateThenDeleteRace(s, rdPath(id), (label) => rdBody(id, label), 201);
  });

  test('deployments: concurrent replacements and deletes with one If-Match: one wins, the rest 412', async () => {
    const s = server();
    await createGroup(s, 'rg-race-dep');
    const path = deploymentPath(s, 'rg-race-dep', 'dep-race');
    assert.equal((await s.arm('PUT', path, depBody('initial'))).status, 201);
    const etag = (await settled(s, path)).headers.etag as string;

    const winner = oneWinner(await race(s, 'PUT', path, (i) => depBody(`writer-${i}`), { 'if-match': etag }), 200);
    const now = await settled(s, path);
    assert.equal(now.body.tags.writer, winner.body.tags.writer);
    assert.notEqual(now.headers.etag, etag);

    // The engine's own updates move the etag too: the one checked is the settled one.
    oneWinner(await race(s, 'DELETE', path, () => undefined, { 'if-match': now.headers.etag as string }), 204);
    assert.equal((await s.arm('GET', path)).status, 404);
  });

  test('creates racing with If-None-Match: * : one 201, the rest 412', async () => {
    const s = server();
    const sp = await createServicePrincipal(s, 'race-create');
    const ra = raPath(crypto.randomUUID());
    const raWinner = oneWinner(await race(s, 'PUT', ra, (i) => raBody(sp.objectId, `creator-${i}`), { 'if-none-match': '*' }), 201);
    const raNow = await s.arm('GET', ra);
    assert.equal(raNow.body.properties.description, raWinner.body.properties.description);
    assert.equal(raNow.headers.etag, raWinner.headers.etag);

    const id = crypto.randomUUID();
    const rdWinner = oneWinner(await race(s, 'PUT', rdPath(id), (i) => rdBody(id, `creator-${i}`), { 'if-none-match': '*' }), 201);
    const rdNow = await s.arm('GET', rdPath(id));
    assert.equal(rdNow.body.properties.description, rdWinner.body.properties.description);
    assert.equal(rdNow.headers.etag, rdWinner.headers.etag);

    await createGroup(s, 'rg-race-create');
    const dep = deploymentPath(s, 'rg-race-create', 'dep-create');
    const depWinner = oneWinner(await race(s, 'PUT', dep, (i) => depBody(`creator-${i}`), { 'if-none-match': '*' }), 201);
    assert.equal((await settled(s, dep)).body.tags.writer, depWinner.body.tags.writer);
  });

  test('concurrent unconditional updates each get an etag of their own', async () => {
    const s = server();
    const sp = await createServicePrincipal(s, 'race-unconditional');
    const path = raPath(crypto.randomUUID());
    assert.equal((await s.arm('PUT', path, raBody(sp.objectId, 'initial'))).status, 201);
    const results = await race(s, 'PUT', path, (i) => raBody(sp.objectId, `writer-${i}`), {});
    for (const r of results) assert.ok(r.status === 200 || r.status === 409, `${r.status} ${r.text}`);
    const etags = results.filter((r) => r.status === 200).map((r) => r.headers.etag as string);
    assert.ok(etags.length >= 1);
    assert.equal(new Set(etags).size, etags.length, `two versions share an etag: ${etags.join(' ')}`);
    const final = await s.arm('GET', path);
    assert.ok(etags.includes(final.headers.etag as string));
  });

  test('role definitions with one name created at once under different ids: one 201, the rest RoleDefinitionWithSameNameExists', async () => {
    const s = server();
    const name = `Same name ${crypto.randomUUID().slice(0, 8)}`;
    const ids = Array.from({ length: WRITERS }, () => crypto.randomUUID());
    const body = { properties: { roleName: name, description: 'race', permissions: [{ actions: ['*/read'] }], assignableScopes: [sub()] } };
    const results = await Promise.all(ids.map((id) => s.arm('PUT', rdPath(id), body)));
    const summary = results.map((r) => r.status).join(',');
    assert.equal(results.filter((r) => r.status === 201).length, 1, summary);
    for (const r of results.filter((r) => r.status !== 201)) {
      assert.equal(r.status, 409, r.text);
      assert.equal(r.body.error.code, 'RoleDefinitionWithSameNameExists', r.text);
    }
    const listed = await s.arm('GET', `${sub()}/providers/Microsoft.Authorization/roleDefinitions?api-version=${AUTHZ_API}&$filter=${encodeURIComponent(`roleName eq '${name}'`)}`);
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.body.value.length, 1, listed.text);
  });

  test('one role for one principal at one scope assigned at once under different names: one 201, the rest RoleAssignmentExists', async () => {
    const s = server();
    const sp = await createServicePrincipal(s, 'race-grant');
    const results = await Promise.all(Array.from({ length: WRITERS }, () => s.arm('PUT', raPath(crypto.randomUUID()), raBody(sp.objectId, 'race'))));
    const summary = results.map((r) => r.status).join(',');
    const created = results.filter((r) => r.status === 201);
    assert.equal(created.length, 1, summary);
    for (const r of results.filter((r) => r.status !== 201)) {
      assert.equal(r.status, 409, r.text);
      assert.equal(r.body.error.code, 'RoleAssignmentExists', r.text);
    }
    const listed = await s.arm('GET', `${sub()}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ_API}&$filter=${encodeURIComponent(`principalId eq '${sp.objectId}'`)}`);
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(
      listed.body.value.map((a: { name: string }) => a.name),
      [created[0]!.body.name],
    );
  });

  test('a custom role deleted while assignments of it are being created: no assignment outlives its role', async () => {
    const s = server();
    const principals = await Promise.all(Array.from({ length: 8 }, (_, i) => createServicePrincipal(s, `race-role-${i}`)));
    let deletedFirst = 0;
    for (let round = 0; round <= principals.length; round++) {
      const id = crypto.randomUUID();
      assert.equal((await s.arm('PUT', rdPath(id), rdBody(id, 'short-lived'))).status, 201);
      const roleId = `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
      const grant = (principalId: string) => ({ properties: { roleDefinitionId: roleId, principalId, principalType: 'ServicePrincipal' } });
      // The delete goes out among the grants, at a different place each round, so that it lands between some grant's
      // check of the role and its insert.
      const grants = principals.map((p) => () => s.arm('PUT', raPath(crypto.randomUUID()), grant(p.objectId)));
      const order = [...grants.slice(0, round), () => s.arm('DELETE', rdPath(id)), ...grants.slice(round)];
      const answers = await Promise.all(order.map((send) => send()));
      const deleted = answers[round]!;
      const granted = answers.filter((_, i) => i !== round);
      const summary = `delete ${deleted.status}, grants ${granted.map((g) => g.status).join(',')}`;
      for (const g of granted) assert.ok(g.status === 201 || (g.status === 400 && g.body.error.code === 'RoleDefinitionDoesNotExist'), `${summary}: ${g.text}`);
      const left = await s.arm('GET', `${sub()}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ_API}`);
      const referencing = left.body.value.filter((a: { properties: { roleDefinitionId: string } }) => a.properties.roleDefinitionId.toLowerCase() === roleId.toLowerCase());
      if (deleted.status === 200) {
        deletedFirst++;
        assert.deepEqual(referencing, [], `${summary}: the role is gone, its assignments must be too`);
      } else {
        assert.equal(deleted.status, 409, deleted.text);
        assert.equal(deleted.body.error.code, 'RoleDefinitionHasAssignments', deleted.text);
        assert.ok(referencing.length > 0, summary);
        assert.equal((await s.arm('GET', rdPath(id))).status, 200, 'a refused delete leaves the role');
        for (const a of referencing) assert.equal((await s.arm('DELETE', `${a.id}?api-version=${AUTHZ_API}`)).status, 200);
      }
    }
    console.log(`deletes that won the race: ${deletedFirst} of ${principals.length + 1}`);
  });

  test('the etag moves on every write even when writes land in the same millisecond', async () => {
    const s = server();
    const sp = await createServicePrincipal(s, 'same-ms');
    await s.token();
    await createGroup(s, 'rg-same-ms');
    const ra = raPath(crypto.randomUUID());
    const id = crypto.randomUUID();
    const dep = deploymentPath(s, 'rg-same-ms', 'dep-same-ms');
    await inOneMillisecond(async () => {
      const chain = async (path: string, body: (i: number) => unknown, status: (i: number) => number) => {
        const etags: string[] = [];
        for (let i = 0; i < 3; i++) {
          const r = await s.arm('PUT', path, body(i), i === 0 ? {} : { 'if-match': etags[i - 1] });
          assert.equal(r.status, status(i), r.text);
          etags.push(r.headers.etag as string);
        }
        assert.equal(new Set(etags).size, etags.length, `${path}: etag did not move: ${etags.join(' ')}`);
        assert.equal((await s.arm('GET', path)).headers.etag, etags.at(-1));
      };
      await chain(ra, (i) => raBody(sp.objectId, `v${i}`), (i) => (i === 0 ? 201 : 200));
      await chain(rdPath(id), (i) => rdBody(id, `v${i}`), () => 201);

      // A deployment: its PUT and the engine's updates (Accepted, Running, Succeeded) are all new versions.
      const etags: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await s.arm('PUT', dep, depBody(`v${i}`), i === 0 ? {} : { 'if-match': etags.at(-1)! });
        assert.equal(r.status, i === 0 ? 201 : 200, r.text);
        etags.push(r.headers.etag as string);
        etags.push((await settled(s, dep)).headers.etag as string);
      }
      assert.equal(new Set(etags).size, etags.length, `deployment etag did not move: ${etags.join(' ')}`);
    });
  });
});

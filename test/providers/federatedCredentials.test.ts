import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { FIC_TYPE } from '../../src/providers/managedIdentity/federatedCredentials.js';
import { resourceStore } from '../../src/store/resources.js';
import type { TestServer } from '../support/server.js';
import { assertArmError, assertOk, createGroup, createIdentity, forEachBackend, groupPath, identityPath, pathOfLink } from '../arm/helpers.js';
import { assign, createServicePrincipal } from '../rbac/support.js';

const FIC_ARM_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials';
const ISSUER = 'https://oidc.example.test/tenant/issuer';
const AUDIENCE = 'api://AzureADTokenExchange';
const FIC_VERSIONS = ['2022-01-31-preview', '2023-01-31', '2023-07-31-preview', '2024-11-30', '2025-01-31-preview', '2025-05-31-preview', '2026-04-30', '2026-05-31'];
const FLEXIBLE = ['2025-01-31-preview', '2025-05-31-preview'];

function identityBase(s: TestServer, group: string, identity: string): string {
  return `/subscriptions/${s.subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identity}`;
}

function ficPath(s: TestServer, group: string, identity: string, name: string, apiVersion = '2024-11-30'): string {
  return `${identityBase(s, group, identity)}/federatedIdentityCredentials/${name}?api-version=${apiVersion}`;
}

function ficListPath(s: TestServer, group: string, identity: string, apiVersion = '2024-11-30', extra = ''): string {
  return `${identityBase(s, group, identity)}/federatedIdentityCredentials?api-version=${apiVersion}${extra}`;
}

function ficBody(subject: string, issuer = ISSUER, audiences: unknown = [AUDIENCE]): unknown {
  return { properties: { issuer, subject, audiences } };
}

const correlated = () => ({ 'x-ms-correlation-request-id': crypto.randomUUID() });

await forEachBackend((server) => {
  test('PUT creates (201) then replaces (200), GET and list show Azure\'s shape, DELETE answers 200 then 204', async () => {
    const s = server();
    await createGroup(s, 'rg-fic-crud');
    await createIdentity(s, 'rg-fic-crud', 'id1');
    const created = await s.arm('PUT', ficPath(s, 'rg-fic-crud', 'id1', 'fic-one'), ficBody('system:serviceaccount:ns:sa'));
    assertOk(created, 201);
    const expectedId = `${identityBase(s, 'rg-fic-crud', 'id1')}/federatedIdentityCredentials/fic-one`;
    assert.equal(created.body.id.toLowerCase(), expectedId.toLowerCase());
    assert.deepEqual(created.body, {
      id: created.body.id,
      name: 'fic-one',
      type: FIC_ARM_TYPE,
      properties: { issuer: ISSUER, subject: 'system:serviceaccount:ns:sa', audiences: [AUDIENCE] },
    });

    const updated = await s.arm('PUT', ficPath(s, 'rg-fic-crud', 'id1', 'FIC-ONE'), ficBody('other-subject'));
    assertOk(updated, 200);
    assert.equal(updated.body.name, 'fic-one', 'the name keeps the case it was created with');
    assert.equal(updated.body.properties.subject, 'other-subject');

    const got = await s.arm('GET', ficPath(s, 'rg-fic-crud', 'id1', 'fic-one'));
    assertOk(got);
    assert.deepEqual(got.body, updated.body);

    const listed = await s.arm('GET', ficListPath(s, 'rg-fic-crud', 'id1'));
    assertOk(listed);
    assert.deepEqual(listed.body, { value: [updated.body] });

    // The row the token exchange reads.
    const row = await resourceStore.get(s.running.context.database.db, expectedId.toLowerCase());
    assert.ok(row);
    assert.equal(row.type, FIC_TYPE);
    assert.equal(row.parent_key, identityBase(s, 'rg-fic-crud', 'id1').toLowerCase());
    assert.equal(row.subscription_id, s.subscriptionId.toLowerCase());
    assert.equal(row.resource_group, 'rg-fic-crud');
    assert.equal(row.location, null);
    assert.equal(row.tags, null);
    assert.deepEqual(JSON.parse(row.properties), { issuer: ISSUER, subject: 'other-subject', audiences: [AUDIENCE] });

    assertOk(await s.arm('DELETE', ficPath(s, 'rg-fic-crud', 'id1', 'fic-one')), 200);
    assertOk(await s.arm('DELETE', ficPath(s, 'rg-fic-crud', 'id1', 'fic-one')), 204);
    assertArmError(await s.arm('GET', ficPath(s, 'rg-fic-crud', 'id1', 'fic-one')), 404, 'ResourceNotFound');
    assert.deepEqual((await s.arm('GET', ficListPath(s, 'rg-fic-crud', 'id1'))).body, { value: [] });
  });

  test('every MSI api-version from 2022-01-31-preview on serves FICs; older ones are refused', async () => {
    const s = server();
    await createGroup(s, 'rg-fic-versions');
    await createIdentity(s, 'rg-fic-versions', 'id1');
    for (const [i, v] of FIC_VERSIONS.entries()) {
      const res = await s.arm('PUT', ficPath(s, 'rg-fic-versions', 'id1', `fic-${i}`, v), ficBody(`subject-${i}`));
      assertOk(res, 201);
      assert.equal(res.body.type, FIC_ARM_TYPE);
      assertOk(await s.arm('GET', ficPath(s, 'rg-fic-versions', 'id1', `fic-${i}`, v)));
      assertOk(await s.arm('GET', ficListPath(s, 'rg-fic-versions', 'id1', v)));
    }
    for (const v of ['2021-09-30-preview', '2018-11-30', '2015-08-31-preview']) {
      assertArmError(await s.arm('PUT', ficPath(s, 'rg-fic-versions', 'id1', 'fic-old', v), ficBody('old')), 400, 'NoRegisteredProviderFound');
      assertArmError(await s.arm('GET', ficListPath(s, 'rg-fic-versions', 'id1', v)), 400, 'NoRegisteredProviderFound');
    }
  });

  test('names, audiences, issuer, subject and empty properties follow Azure\'s rules and messages', async () => {
    const s = server();
    await createGroup(s, 'rg-fic-rules');
    await createIdentity(s, 'rg-fic-rules', 'id1');
    const put = (name: string, body: unknown, v = '2024-11-30') => s.arm('PUT', ficPath(s, 'rg-fic-rules', 'id1', name, v), body);

    for (const bad of ['ab', '-abc', '_abc', 'a.bc', `a${'b'.repeat(120)}`]) {
      assertArmError(await put(encodeURIComponent(bad), ficBody('s')), 400, 'BadRequest', `Federated Identity Credential name '${bad}' is invalid.`);
    }
    assertOk(await put(`a${'b'.repeat(119)}`, ficBody('s-long-name')), 201);
    assertOk(await put('A_b-c', ficBody('s-short-name')), 201);

    const exactlyOne = 'Federated identity credentials must have exactly one audience.';
    assertArmError(await put('fic-aud', ficBody('s', ISSUER, [])), 400, 'BadRequest', exactlyOne);
    assertArmError(await put('fic-aud', ficBody('s', ISSUER, [AUDIENCE, 'api://other'])), 400, 'BadRequest', exactlyOne);

    const empty = 'Federated Identity Credential from HTTP body has empty properties';
    assertArmError(await put('fic-empty', { properties: {} }), 400, 'BadRequest', empty);
    assertArmError(await put('fic-empty', {}), 400, 'BadRequest', empty);
    assertArmError(await put('fic-empty', { properties: { issuer: ISSUER, audiences: [AUDIENCE] } }), 400, 'BadRequest', empty);
    assertArmError(await put('fic-empty', { properties: { subject: 's', audiences: [AUDIENCE] } }), 400, 'BadRequest', empty);

    assertArmError(await put('fic-issuer', ficBody('s', 'http://insecure.example.test')), 400, 'BadRequest', /issuer/);
    assertArmError(await put('fic-issuer', ficBody('s', 'not a url')), 400, 'BadRequest', /issuer/);
    assertArmError(await put('fic-issuer', ficBody('s', `https://x.test/${'a'.repeat(600)}`)), 400, 'BadRequest', /600/);
    assertArmError(await put('fic-subject', ficBody('s'.repeat(601))), 400, 'BadRequest', /600/);
    assertOk(await put('fic-600', ficBody('s'.repeat(600))), 201);

    // Nothing invalid was stored.
    const listed = await s.arm('GET', ficListPath(s, 'rg-fic-rules', 'id1'));
    assert.deepEqual(listed.body.value.map((v: any) => v.name).sort(), [`a${'b'.repeat(119)}`, 'A_b-c', 'fic-600'].sort());
  });

  test('issuer+subject is unique per identity, and another identity may reuse it', async () => {
    const s = server();
    await createGroup(s, 'rg-fic-unique');
    await createIdentity(s, 'rg-fic-unique', 'id1');
    await createIdentity(s, 'rg-fic-unique', 'id2');
    assertOk(await s.arm('PUT', ficPath(s, 'rg-fic-unique', 'id1', 'fic-a'), ficBody('sub')), 201);
    assertArmError(await s.arm('PUT', ficPath(s, 'rg-fic-unique', 'id1', 'fic-b'), ficBody('sub')), 400, 'BadRequest', 'Issuer and subject combination already exists for this Managed Identity.');
    // Subjects compare case-sensitively; the credential itself may be rewritten with the same pair.
    assertOk(await s.arm('PUT', ficPath(s, 'rg-fic-unique', 'id1', 'fic-b'), ficBody('SUB')), 201);
    assertOk(await s.arm('PUT', ficPath(s, 'rg-fic-unique', 'id1', 'fic-a'), ficBody('sub')), 200);
    assertOk(await s.arm('PUT', ficPath(s, 'rg-fic-unique', 'id2', 'fic-a'), ficBody('sub')), 201);
    // Moving fic-b onto fic-a's pair is refused too.
    assertArmError(await s.arm('PUT', ficPath(s, 'rg-fic-unique', 'id1', 'fic-b'), ficBody('sub')), 400, 'BadRequest', 'Issuer and subject combination already exists for this Managed Identity.');
  });

  test('at most 20 per identity, also under concurrent writes; concurrent writes of one name all succeed', async () => {
    const s = server();
    await createGroup(s, 'rg-fic-limit');
    await createIdentity(s, 'rg-fic-limit', 'id1');
    const results = await Promise.all(Array.from({ length: 26 }, (_, i) => s.arm('PUT', ficPath(s, 'rg-fic-limit', 'id1', `fic-${i}`), ficBody(`subject-${i}`))));
    assert.equal(results.filter((r) => r.status === 201).length, 20, results.map((r) => `${r.status}`).join(','));
    for (const r of results.filter((r) => r.status !== 201)) assertArmError(r, 400, 'BadRequest', /at most 20/);
    const listed = await s.arm('GET', ficListPath(s, 'rg-fic-limit', 'id1'));
    assert.equal(listed.body.value.length, 20);
    // Updating one of the 20 is still allowed.
    const existing = listed.body.value[0];
    assertOk(await s.arm('PUT', ficPath(s, 'rg-fic-limit', 'id1', existing.name), ficBody('changed')), 200);

    // Concurrent writes of the same issuer+subject under another identity: exactly one wins.
    await createIdentity(s, 'rg-fic-limit', 'id2');
    const racing = await Promise.all(Array.from({ length: 6 }, (_, i) => s.arm('PUT', ficPath(s, 'rg-fic-limit', 'id2', `race-${i}`), ficBody('same-subject'))));
    assert.equal(racing.filter((r) => r.status === 201).length, 1, racing.map((r) => `${r.status} ${r.text}`).join('\n'));
    for (const r of racing.filter((r) => r.status !== 201)) assertArmError(r, 400, 'BadRequest', 'Issuer and subject combination already exists for this Managed Identity.');
    // Concurrent PUTs of one name: one creates, the others update.
    const same = await Promise.all(Array.from({ length: 5 }, () => s.arm('PUT', ficPath(s, 'rg-fic-limit', 'id2', 'one-name'), ficBody('one-subject'))));
    assert.deepEqual(same.map((r) => r.status).sort(), [200, 200, 200, 200, 201]);
  });

  test('a missing parent identity answers 404 with Azure\'s message', async () => {
    const s = server();
    await createGroup(s, 'rg-fic-parent');
    const parentMissing = "The parent user-assigned identity doesn't exist.";
    assertArmError(await s.arm('PUT', ficPath(s, 'rg-fic-parent', 'nope', 'fic-a'), ficBody('s')), 404, 'ParentResourceNotFound', parentMissing);
    assertArmError(await s.arm('GET', ficPath(s, 'rg-fic-parent', 'nope', 'fic-a')), 404, 'ParentResourceNotFound', parentMissing);
    assertArmError(await s.arm('GET', ficListPath(s, 'rg-fic-parent', 'nope')), 404, 'ParentResourceNotFound', parentMissing);
    assertOk(await s.arm('DELETE', ficPath(s, 'rg-fic-parent', 'nope', 'fic-a')), 204);
    assertArmError(await s.arm('PUT', ficPath(s, 'rg-fic-nogroup', 'nope', 'fic-a'), ficBody('s')), 404, 'ResourceGroupNotFound');
  });

  test('flexible credentials (claimsMatchingExpression) only in the 2025 previews', async () => {
    const s = server();
    await createGroup(s, 'rg-fic-flex');
    await createIdentity(s, 'rg-fic-flex', 'id1');
    const expression = { value: "claims['sub'] matches system:serviceaccount:ns:*", languageVersion: 1 };
    const both = "Either 'subject' or 'claimsMatchingExpression' must be defined, but not both.";
    for (const v of FLEXIBLE) {
      const name = `flex-${v.slice(0, 4)}-${v.slice(5, 7)}`;
      const created = await s.arm('PUT', ficPath(s, 'rg-fic-flex', 'id1', name, v), { properties: { issuer: ISSUER, audiences: [AUDIENCE], claimsMatchingExpression: expression } });
      assertOk(created, 201);
      assert.deepEqual(created.body.properties, { issuer: ISSUER, audiences: [AUDIENCE], claimsMatchingExpression: expression });
      assertArmError(await s.arm('PUT', ficPath(s, 'rg-fic-flex', 'id1', 'flex-both', v), { properties: { issuer: ISSUER, subject: 's', audiences: [AUDIENCE], claimsMatchingExpression: expression } }), 400, 'BadRequest', both);
      assertArmError(await s.arm('PUT', ficPath(s, 'rg-fic-flex', 'id1', 'flex-none', v), { properties: { issuer: ISSUER, audiences: [AUDIENCE] } }), 400, 'BadRequest', both);
      assertArmError(await s.arm('PUT', ficPath(s, 'rg-fic-flex', 'id1', 'flex-lang', v), { properties: { issuer: ISSUER, audiences: [AUDIENCE], claimsMatchingExpression: { ...expression, languageVersion: 2 } } }), 400, 'BadRequest', /languageVersion/);
      assertOk(await s.arm('PUT', ficPath(s, 'rg-fic-flex', 'id1', `subj-${v.slice(5, 7)}`, v), ficBody(`subject-${v}`)), 201);
    }
    const db = s.running.context.database.db;
    const row = await resourceStore.get(db, `${identityBase(s, 'rg-fic-flex', 'id1')}/federatedIdentityCredentials/flex-2025-01`.toLowerCase());
    assert.deepEqual(JSON.parse(row!.properties), { issuer: ISSUER, audiences: [AUDIENCE], claimsMatchingExpression: expression });
    // Other versions require a subject, ignore the expression, and do not show it.
    for (const v of ['2024-11-30', '2026-05-31', '2022-01-31-preview']) {
      assertArmError(await s.arm('PUT', ficPath(s, 'rg-fic-flex', 'id1', 'flex-old', v), { properties: { issuer: ISSUER, audiences: [AUDIENCE], claimsMatchingExpression: expression } }), 400, 'BadRequest', 'Federated Identity Credential from HTTP body has empty properties');
      const shown = await s.arm('GET', ficPath(s, 'rg-fic-flex', 'id1', 'flex-2025-01', v));
      assertOk(shown);
      assert.deepEqual(shown.body.properties, { issuer: ISSUER, audiences: [AUDIENCE] });
    }
  });

  test('lists page with $top and $skiptoken through nextLink', async () => {
    const s = server();
    await createGroup(s, 'rg-fic-pages');
    await createIdentity(s, 'rg-fic-pages', 'id1');
    for (let i = 0; i < 7; i++) assertOk(await s.arm('PUT', ficPath(s, 'rg-fic-pages', 'id1', `fic-${i}`), ficBody(`s-${i}`)), 201);
    const names: string[] = [];
    let next: string | undefined = ficListPath(s, 'rg-fic-pages', 'id1', '2022-01-31-preview', '&$top=3');
    let pages = 0;
    while (next) {
      const res = await s.arm('GET', next);
      assertOk(res);
      pages++;
      assert.ok(res.body.value.length <= 3);
      names.push(...res.body.value.map((v: any) => v.name));
      next = res.body.nextLink ? pathOfLink(s, res.body.nextLink) : undefined;
      if (next) assert.match(next, /\$top=3/);
    }
    assert.equal(pages, 3);
    assert.deepEqual(names, Array.from({ length: 7 }, (_, i) => `fic-${i}`));
    assertArmError(await s.arm('GET', ficListPath(s, 'rg-fic-pages', 'id1', '2024-11-30', '&$skiptoken=garbage')), 400, 'InvalidSkipToken');
    assertArmError(await s.arm('GET', ficListPath(s, 'rg-fic-pages', 'id1', '2024-11-30', '&$top=0')), 400, 'InvalidTopValue');
  });

  test('deleting the identity deletes its credentials; deleting the group too', async () => {
    const s = server();
    const db = s.running.context.database.db;
    await createGroup(s, 'rg-fic-cascade');
    await createIdentity(s, 'rg-fic-cascade', 'id1');
    await createIdentity(s, 'rg-fic-cascade', 'id2');
    assertOk(await s.arm('PUT', ficPath(s, 'rg-fic-cascade', 'id1', 'fic-a'), ficBody('a')), 201);
    assertOk(await s.arm('PUT', ficPath(s, 'rg-fic-cascade', 'id2', 'fic-b'), ficBody('b')), 201);
    assertOk(await s.arm('DELETE', identityPath(s, 'rg-fic-cascade', 'id1')), 200);
    const id1Key = identityBase(s, 'rg-fic-cascade', 'id1').toLowerCase();
    assert.equal((await resourceStore.page(db, { subscriptionKey: s.subscriptionId.toLowerCase(), parentKey: id1Key, type: FIC_TYPE, limit: 10 })).length, 0);
    // A new identity of the same name starts with none.
    await createIdentity(s, 'rg-fic-cascade', 'id1');
    assert.deepEqual((await s.arm('GET', ficListPath(s, 'rg-fic-cascade', 'id1'))).body, { value: [] });
    const del = await s.arm('DELETE', groupPath(s, 'rg-fic-cascade'));
    assert.ok(del.status === 200 || del.status === 202, del.text);
    for (let i = 0; i < 100 && (await resourceStore.get(db, `${identityBase(s, 'rg-fic-cascade', 'id2')}/federatedIdentityCredentials/fic-b`.toLowerCase())); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await resourceStore.get(db, `${identityBase(s, 'rg-fic-cascade', 'id2')}/federatedIdentityCredentials/fic-b`.toLowerCase()), undefined);
  });

  test('RBAC: a Managed Identity Operator reads credentials but cannot write or delete them; a Contributor can', async () => {
    const s = server();
    await createGroup(s, 'rg-fic-rbac');
    await createIdentity(s, 'rg-fic-rbac', 'id1');
    assertOk(await s.arm('PUT', ficPath(s, 'rg-fic-rbac', 'id1', 'fic-a'), ficBody('a')), 201);
    const groupScope = `/subscriptions/${s.subscriptionId}/resourceGroups/rg-fic-rbac`;

    const operator = await createServicePrincipal(s, 'fic-operator');
    assertArmError(await operator.arm('GET', ficPath(s, 'rg-fic-rbac', 'id1', 'fic-a')), 403, 'AuthorizationFailed');
    await assign(s, operator.objectId, 'Managed Identity Operator', groupScope);
    const got = await operator.arm('GET', ficPath(s, 'rg-fic-rbac', 'id1', 'fic-a'));
    assertOk(got);
    assert.equal(got.body.name, 'fic-a');
    assert.equal((await operator.arm('GET', ficListPath(s, 'rg-fic-rbac', 'id1'))).body.value.length, 1);
    assertArmError(await operator.arm('PUT', ficPath(s, 'rg-fic-rbac', 'id1', 'fic-b'), ficBody('b')), 403, 'AuthorizationFailed', /federatedIdentityCredentials\/write/);
    assertArmError(await operator.arm('DELETE', ficPath(s, 'rg-fic-rbac', 'id1', 'fic-a')), 403, 'AuthorizationFailed', /federatedIdentityCredentials\/delete/);
    assertOk(await s.arm('GET', ficPath(s, 'rg-fic-rbac', 'id1', 'fic-a')));

    const contributor = await createServicePrincipal(s, 'fic-contributor');
    await assign(s, contributor.objectId, 'Managed Identity Contributor', groupScope);
    assertOk(await contributor.arm('PUT', ficPath(s, 'rg-fic-rbac', 'id1', 'fic-b'), ficBody('b')), 201);
    assertOk(await contributor.arm('DELETE', ficPath(s, 'rg-fic-rbac', 'id1', 'fic-b')), 200);
  });

  test('writes are recorded in the activity log with the FIC actions', async () => {
    const s = server();
    await createGroup(s, 'rg-fic-activity');
    await createIdentity(s, 'rg-fic-activity', 'id1');
    const scope = `${identityBase(s, 'rg-fic-activity', 'id1')}/federatedIdentityCredentials/fic-a`;
    const cases: [string, string, unknown, number, string, string][] = [
      ['PUT', 'fic-a', ficBody('a'), 201, 'write', 'Succeeded'],
      ['PUT', 'fic-a', ficBody('b'), 200, 'write', 'Succeeded'],
      ['PUT', 'fic-a', ficBody('b', ISSUER, []), 400, 'write', 'Failed'],
      ['DELETE', 'fic-a', undefined, 200, 'delete', 'Succeeded'],
      ['DELETE', 'fic-a', undefined, 204, 'delete', 'Succeeded'],
    ];
    for (const [method, name, body, status, verb, outcome] of cases) {
      const headers = correlated();
      const res = await s.arm(method, ficPath(s, 'rg-fic-activity', 'id1', name), body, headers);
      assert.equal(res.status, status, res.text);
      const from = new Date(Date.now() - 3600_000).toISOString();
      const filter = `eventTimestamp ge '${from}' and correlationId eq '${headers['x-ms-correlation-request-id']}'`;
      const log = await s.arm('GET', `/subscriptions/${s.subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=${encodeURIComponent(filter)}`);
      assertOk(log);
      assert.equal(log.body.value.length, 1, `${method} ${status}: ${log.text}`);
      const event = log.body.value[0];
      assert.equal(event.operationName.value, `${FIC_ARM_TYPE}/${verb}`);
      assert.equal(event.resourceId.toLowerCase(), scope.toLowerCase());
      assert.equal(event.status.value, outcome);
      assert.match(event.subStatus.localizedValue, new RegExp(`HTTP Status Code: ${status}`));
    }
  });
});

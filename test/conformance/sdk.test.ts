import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../support/server.js';
import { runScenario, scenarioEnv } from '../support/sdkChild.js';

const scenario = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sdkScenario.ts');
const IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('the Azure SDK for JavaScript (identity, arm-resources, arm-msi) works unmodified against the server', async (t) => {
  const s = await startTestServer();
  let r: any;
  try {
    // In a child process that trusts the server's CA (Node reads NODE_EXTRA_CA_CERTS only at start-up).
    r = await runScenario(scenario, scenarioEnv(s));
  } finally {
    await s.close();
  }
  const sub = `/subscriptions/${s.subscriptionId}`;
  const rg1Prefix = `${sub}/resourceGroups/rg1/providers/${IDENTITY_TYPE}/`.toLowerCase();

  await t.test('ClientSecretCredential gets JWTs for the management scope and for the server URL', () => {
    // Entra echoes the resource the scope names (the scope minus `/.default`) as the audience.
    assert.equal(r.tokens.management.aud, 'https://management.azure.com');
    assert.equal(r.tokens.management.tid, s.tenantId);
    // expires_in was honoured: the token is not already expired.
    assert.ok(r.tokens.management.expiresOnTimestamp > Date.now() + 30 * 60_000);
    assert.equal(r.tokens.endpoint.aud, s.url);
  });

  await t.test('resource groups: create, get, exists, list', () => {
    assert.equal(r.groupCreated.name, 'rg1');
    assert.equal(r.groupCreated.location, 'westus');
    assert.deepEqual(r.groupCreated.tags, { env: 'test' });
    assert.equal(r.groupCreated.properties.provisioningState, 'Succeeded');
    assert.equal(r.groupGot.id.toLowerCase(), `${sub}/resourceGroups/rg1`.toLowerCase());
    assert.equal(r.groupGot.type, 'Microsoft.Resources/resourceGroups');
    assert.equal(r.groupExists, true);
    assert.equal(r.missingGroupExists, false);
    assert.deepEqual([...r.groupsListed].sort(), ['rg1', 'rg2']);
  });

  await t.test('identities: create with tags, get, update replaces tags', () => {
    assert.equal(r.created.name, 'id-main');
    assert.equal(r.created.type, IDENTITY_TYPE);
    assert.equal(r.created.location, 'westus');
    assert.deepEqual(r.created.tags, { a: 'b', team: 'x' });
    // The SDK flattens properties onto the model.
    assert.equal(r.created.tenantId, s.tenantId);
    assert.match(r.created.clientId, GUID);
    assert.match(r.created.principalId, GUID);
    assert.notEqual(r.created.clientId, r.created.principalId);
    assert.equal(r.got.id, r.created.id);
    assert.equal(r.got.clientId, r.created.clientId);
    assert.equal(r.got.principalId, r.created.principalId);
    assert.deepEqual(r.updated.tags, { c: 'd' });
    assert.equal(r.updated.clientId, r.created.clientId);
    assert.deepEqual(r.gotAfterUpdate.tags, { c: 'd' });
  });

  await t.test('listByResourceGroup follows nextLink and returns every identity exactly once', () => {
    const expected = r.bulk.rg1.map((n: string) => `${rg1Prefix}${n}`).sort();
    const got = r.listedByGroup.map((id: string) => id.toLowerCase()).sort();
    assert.equal(got.length, expected.length);
    assert.deepEqual(got, expected);
    const pages = r.byGroupRequests.filter((line: string) => line.startsWith('GET '));
    assert.ok(pages.length >= 2, `expected more than one page, saw ${pages.length}`);
    assert.ok(pages.slice(1).every((line: string) => /skiptoken=/i.test(line)));
  });

  await t.test('listBySubscription spans groups and pages, each identity once', () => {
    const all = [...r.bulk.rg1.map((n: string) => `rg1/${n}`), ...r.bulk.rg2.map((n: string) => `rg2/${n}`)].sort();
    const got = r.listedBySubscription
      .map((id: string) => {
        const m = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i.exec(id);
        assert.ok(m, `unexpected id ${id}`);
        return `${m[1].toLowerCase()}/${m[2]}`;
      })
      .sort();
    assert.equal(new Set(got).size, got.length, 'an identity was listed twice');
    assert.deepEqual(got, all);
    assert.ok(r.bySubscriptionRequests.length >= 2, 'expected more than one page');
  });

  await t.test('delete, then get is a RestError 404 ResourceNotFound', () => {
    assert.equal(r.getAfterDelete.name, 'RestError');
    assert.equal(r.getAfterDelete.statusCode, 404);
    assert.equal(r.getAfterDelete.code, 'ResourceNotFound');
    assert.ok(!r.listedAfterDelete.includes('id-main'));
    assert.equal(r.listedAfterDelete.length, r.bulk.rg1.length - 1);
  });

  await t.test('tokens for the server URL scope (explicit or the clients default) are accepted', () => {
    assert.equal(r.ownScopeGot.name, 'other-0');
    assert.match(r.ownScopeGot.clientId, GUID);
    assert.equal(r.ownScopeGroup.name, 'rg2');
    assert.equal(r.defaultScopeGot.name, 'other-1');
  });

  await t.test('resourceGroups.beginDeleteAndWait deletes the group and what it holds', () => {
    assert.ok(r.groupDeleteRequests[0].startsWith('DELETE '), r.groupDeleteRequests.join('\n'));
    assert.equal(r.groupExistsAfterDelete, false);
    assert.equal(r.getIdentityInDeletedGroup.statusCode, 404);
    assert.equal(r.getIdentityInDeletedGroup.code, 'ResourceGroupNotFound');
  });

  await t.test('a large group is deleted in the background and beginDeleteAndWait polls the Location URL to completion', () => {
    const [first, ...polls] = r.largeGroupDeleteRequests;
    assert.match(first, /^DELETE .*\/resourcegroups\/rg-large\?/i);
    assert.ok(polls.length >= 1, 'expected a 202 and polling: does groupDeletion.ts still defer groups of 500+ resources?');
    assert.ok(polls.every((line: string) => line.startsWith(`GET ${s.url}/`)), polls.join('\n'));
    assert.equal(r.largeGroupExistsAfterDelete, false);
    assert.equal(r.identitiesLeft, 0);
  });

  await t.test('a wrong secret makes the credential throw with invalid_client and AADSTS7000215', () => {
    // @azure/identity 4.x sends the token request through MSAL, which raises a ServerError for any error reply;
    // identity's handleMsalError turns that into AuthenticationRequiredError (AuthenticationError is only thrown by
    // its own non-MSAL requests), so this is what a wrong secret gives against Entra too.
    assert.equal(r.wrongSecret.name, 'AuthenticationRequiredError');
    assert.match(r.wrongSecret.message, /invalid_client/);
    assert.match(r.wrongSecret.message, /7000215/);
    assert.match(r.wrongSecret.message, /AADSTS7000215/);
  });
});

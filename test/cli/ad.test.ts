import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';
import { CliUser, signedInAz } from '../support/cli.js';
import { requireAz, type Az } from '../support/azureCli.js';

// `amity ad user|sp …` against a running server, checked through Graph and compared with what the real az prints.

let server: TestServer;
let user: CliUser;
let az: Az | undefined;

before(async () => {
  server = await startTestServer();
  user = new CliUser('ad');
  await user.loginAdmin(server);
  az = await signedInAz(server);
});

after(async () => {
  az?.dispose();
  user?.cleanup();
  await server?.close();
});

/** A Graph request as the administrator (a Graph token from the token endpoint). */
async function graph(method: string, path: string, body?: unknown) {
  const token = await server.raw('POST', `/${server.tenantId}/oauth2/v2.0/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: server.clientId, client_secret: server.clientSecret, scope: `${server.url}/msgraph/.default` }).toString(),
  });
  assert.equal(token.status, 200, token.text);
  return server.raw(method, `/msgraph/v1.0${path}`, {
    headers: { authorization: `Bearer ${token.body.access_token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

test('ad user create, list, show and delete, as az prints them', async (t) => {
  const created = await user.json<Record<string, unknown>>(['ad', 'user', 'create', '--display-name', 'Ada Lovelace', '--user-principal-name', 'ada@amity.example', '--password', 'Analytical-Engine-1843']);
  assert.match(String(created.id), /^[0-9a-f-]{36}$/);
  assert.equal(created.userPrincipalName, 'ada@amity.example');
  assert.equal((await graph('GET', `/users/${created.id}`)).status, 200);

  const shown = await user.json<Record<string, unknown>>(['ad', 'user', 'show', '--id', 'ada@amity.example']);
  assert.deepEqual(shown, created);
  assert.deepEqual(await user.json(['ad', 'user', 'show', '--id', String(created.id)]), created);
  const listed = await user.json<Record<string, unknown>[]>(['ad', 'user', 'list', '--upn', 'ada@amity.example']);
  assert.deepEqual(listed.map((u) => u.id), [created.id]);
  assert.deepEqual((await user.json<unknown[]>(['ad', 'user', 'list', '--display-name', 'Ada'])).length, 1);

  if (requireAz(t)) {
    assert.ok(az, 'az is installed but could not be signed in');
    assert.deepEqual(await az.ok('ad', 'user', 'show', '--id', 'ada@amity.example'), shown);
    assert.deepEqual(await az.ok('ad', 'user', 'list'), await user.json(['ad', 'user', 'list']));
    const azCreated = await az.ok('ad', 'user', 'create', '--display-name', 'Grace Hopper', '--user-principal-name', 'grace@amity.example', '--password', 'Cobol-1959-Navy');
    assert.deepEqual(Object.keys(azCreated).sort(), Object.keys(created).sort());
  }

  const missing = await user.run(['ad', 'user', 'show', '--id', 'nobody@amity.example']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "ERROR: Resource 'nobody@amity.example' does not exist or one of its queried reference-property objects are not present.\n");

  const del = await user.run(['ad', 'user', 'delete', '--id', 'ada@amity.example']);
  assert.equal(del.code, 0, del.stderr);
  assert.equal(del.stdout, '');
  assert.equal((await graph('GET', `/users/${created.id}`)).status, 404);

  const usage = await user.run(['ad', 'user', 'create', '--display-name', 'x']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /required option '--user-principal-name <upn>' not specified/);
});

test('ad sp create, list, show, credential reset and delete, as az prints them', async (t) => {
  const app = await graph('POST', '/applications', { displayName: 'cli-app' });
  assert.equal(app.status, 201, app.text);
  const appId = String(app.body.appId);

  const sp = await user.json<Record<string, unknown>>(['ad', 'sp', 'create', '--id', appId]);
  assert.equal(sp.appId, appId);
  assert.equal(sp.servicePrincipalType, 'Application');
  assert.equal((await graph('GET', `/servicePrincipals/${sp.id}`)).status, 200);

  const shown = await user.json<Record<string, unknown>>(['ad', 'sp', 'show', '--id', appId]);
  assert.equal(shown.id, sp.id);
  assert.deepEqual(await user.json(['ad', 'sp', 'show', '--id', String(sp.id)]), shown);
  const listed = await user.json<Record<string, unknown>[]>(['ad', 'sp', 'list', '--display-name', 'cli-app']);
  assert.deepEqual(listed.map((s) => s.appId), [appId]);
  const all = await user.json<Record<string, unknown>[]>(['ad', 'sp', 'list', '--all']);
  assert.ok(all.some((s) => s.appId === server.clientId), 'the bootstrap administrator is listed');

  const reset = await user.run(['ad', 'sp', 'credential', 'reset', '--id', appId, '--years', '2', '-o', 'json']);
  assert.equal(reset.code, 0, reset.stderr);
  const credential = JSON.parse(reset.stdout) as { appId: string; password: string; tenant: string };
  assert.deepEqual(Object.keys(credential).sort(), ['appId', 'password', 'tenant']);
  assert.equal(credential.appId, appId);
  assert.equal(credential.tenant, server.tenantId);
  assert.match(reset.stderr, /^WARNING: The output includes credentials that you must protect/);
  // The new secret signs in; a second reset replaces it.
  const signIn = (secret: string) =>
    server.raw('POST', `/${server.tenantId}/oauth2/v2.0/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: appId, client_secret: secret, scope: 'https://management.azure.com/.default' }).toString(),
    });
  assert.equal((await signIn(credential.password)).status, 200);
  const creds = (await graph('GET', `/servicePrincipals/${sp.id}`)).body.passwordCredentials as { endDateTime: string }[];
  assert.equal(creds.length, 1);
  const years = (Date.parse(creds[0].endDateTime) - Date.now()) / (365.25 * 24 * 3600 * 1000);
  assert.ok(years > 1.9 && years < 2.1, `expires in ${years} years`);
  const second = await user.json<{ password: string }>(['ad', 'sp', 'credential', 'reset', '--id', appId, '--only-show-errors']);
  assert.notEqual(second.password, credential.password);
  assert.equal((await signIn(credential.password)).status, 401);

  if (requireAz(t)) {
    assert.ok(az, 'az is installed but could not be signed in');
    const { passwordCredentials: _a, ...azShown } = (await az.ok('ad', 'sp', 'show', '--id', appId)) as Record<string, unknown>;
    const { passwordCredentials: _b, ...ours } = await user.json<Record<string, unknown>>(['ad', 'sp', 'show', '--id', appId]);
    assert.deepEqual(ours, azShown);
    const azListed = (await az.ok('ad', 'sp', 'list', '--display-name', 'cli-app')) as Record<string, unknown>[];
    assert.deepEqual(
      azListed.map(({ passwordCredentials: _, ...rest }) => rest),
      (await user.json<Record<string, unknown>[]>(['ad', 'sp', 'list', '--display-name', 'cli-app'])).map(({ passwordCredentials: _, ...rest }) => rest),
    );
    const azReset = await az.ok('ad', 'sp', 'credential', 'reset', '--id', appId);
    assert.deepEqual(Object.keys(azReset).sort(), ['appId', 'password', 'tenant']);
    assert.equal(azReset.tenant, credential.tenant);
  }

  for (const [id, message] of [
    ['not-a-guid', "ERROR: Service principal 'not-a-guid' doesn't exist\n"],
    ['00000000-0000-0000-0000-000000000001', "ERROR: Resource '00000000-0000-0000-0000-000000000001' does not exist or one of its queried reference-property objects are not present.\n"],
  ]) {
    const r = await user.run(['ad', 'sp', 'show', '--id', id]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, message);
  }

  const del = await user.run(['ad', 'sp', 'delete', '--id', appId]);
  assert.equal(del.code, 0, del.stderr);
  assert.equal((await graph('GET', `/servicePrincipals/${sp.id}`)).status, 404);
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { CliUser } from '../support/cli.js';

// `amity rest`: relative URLs to the current server with an ARM token, Graph URLs with a Graph token, bodies from
// files, headers and URI parameters, errors as az rest prints them.

let s: TestServer;
let user: CliUser;

before(async () => {
  s = await startTestServer();
  user = new CliUser('rest');
  await user.loginAdmin(s);
});

after(async () => {
  user?.cleanup();
  await s?.close();
});

test('a relative URL goes to the server with an ARM token; --uri-parameters and @file bodies', async () => {
  const sub = await user.json<{ subscriptionId: string }>(['rest', '--url', `/subscriptions/${s.subscriptionId}?api-version=2022-12-01`]);
  assert.equal(sub.subscriptionId, s.subscriptionId);
  const body = path.join(user.cwd, 'group.json');
  fs.writeFileSync(body, JSON.stringify({ location: 'westus', tags: { from: 'file' } }));
  const created = await user.json<{ name: string; tags: unknown }>(['rest', '--method', 'put', '--url', `subscriptions/${s.subscriptionId}/resourcegroups/rg-rest`, '--uri-parameters', 'api-version=2021-04-01', '--body', `@${body}`]);
  assert.equal(created.name, 'rg-rest');
  assert.deepEqual(created.tags, { from: 'file' });
  const patched = await user.json<{ tags: unknown }>(['rest', '-m', 'patch', '-u', `${s.url}/subscriptions/${s.subscriptionId}/resourcegroups/rg-rest?api-version=2021-04-01`, '-b', '{"tags":{"inline":"yes"}}', '--headers', 'x-ms-client-request-id=abc']);
  assert.deepEqual(patched.tags, { inline: 'yes' });
  const deleted = await user.run(['rest', '-m', 'delete', '-u', `/subscriptions/${s.subscriptionId}/resourcegroups/rg-rest?api-version=2021-04-01`]);
  assert.equal(deleted.code, 0, deleted.stderr);
});

test('a URL of the server\'s Graph API gets a Graph token', async () => {
  const me = await user.json<{ value: { appId: string }[] }>(['rest', '--url', `/msgraph/v1.0/servicePrincipals?$filter=appId eq '${s.clientId}'`]);
  assert.equal(me.value[0].appId, s.clientId);
});

test('an error answer is printed as az rest prints it, with exit code 1', async () => {
  const r = await user.run(['rest', '--url', `/subscriptions/${s.subscriptionId}/resourcegroups/nope?api-version=2021-04-01`]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `ERROR: Not Found({"error":{"code":"ResourceGroupNotFound","message":"Resource group 'nope' could not be found."}})\n`);
  const noUrl = await user.run(['rest']);
  assert.equal(noUrl.code, 2);
});

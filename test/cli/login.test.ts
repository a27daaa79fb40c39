import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Az, login, requireAz, useCloud } from '../support/azureCli.js';
import type { TestServer } from '../support/server.js';
import { CliUser, cliCommandLine } from '../support/cli.js';
import { approveDeviceCode } from '../support/devicePage.js';
import { addCredential, newIdentity, startFederation } from '../federation/support.js';
import type { ExternalIssuer } from '../federation/issuerFixture.js';
import { createUser } from '../../src/directory/users.js';
import { startAgent, type RunningAgent } from '../../src/agent/server.js';

// `amity login` with each method, `amity account …` and `amity logout` against a running server; where az has the
// same command its output is compared field by field.

const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
let s: TestServer;
let issuer: ExternalIssuer;
let closeFederation: () => Promise<void>;
const users: CliUser[] = [];

before(async () => {
  const f = await startFederation();
  s = f.s;
  issuer = f.issuer;
  closeFederation = f.close;
  const ada = await createUser(s.running.context.database.db, s.tenantId, { userPrincipalName: 'ada@amity.local', displayName: 'Ada Lovelace', password: 'pw-ada-1' });
  await grantReader(ada.object_id, 'User');
});

after(async () => {
  for (const u of users) u.cleanup();
  await closeFederation?.();
});

function newUser(name: string): CliUser {
  const u = new CliUser(name);
  users.push(u);
  return u;
}

async function grantReader(principalId: string, principalType: string): Promise<void> {
  const res = await s.arm('PUT', `/subscriptions/${s.subscriptionId}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=2022-04-01`, {
    properties: { roleDefinitionId: `/subscriptions/${s.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId, principalType },
  });
  assert.equal(res.status, 201, res.text);
}

const server = () => ['--server', s.url, '--ca-cert', s.caCertPath];
const mode = (file: string) => fs.statSync(file).mode & 0o777;

test('service principal login prints the accounts as az login does; the config folder is 0700 and its files 0600', async (t) => {
  const u = newUser('sp');
  const accounts = await u.json<Record<string, unknown>[]>(['login', '--service-principal', '-u', s.clientId, '-p', s.clientSecret, '--tenant', s.tenantId, ...server()]);
  assert.deepEqual(accounts, [
    {
      cloudName: 'Amity',
      homeTenantId: s.tenantId,
      id: s.subscriptionId,
      isDefault: true,
      managedByTenants: [],
      name: 'Amity Subscription',
      state: 'Enabled',
      tenantId: s.tenantId,
      user: { name: s.clientId, type: 'servicePrincipal' },
    },
  ]);
  assert.equal(mode(u.configDir), 0o700);
  for (const f of ['profile.json', 'credentials.json', 'tokens.json']) assert.equal(mode(path.join(u.configDir, f)), 0o600, f);
  assert.ok(!fs.readFileSync(path.join(u.configDir, 'profile.json'), 'utf8').includes(s.clientSecret), 'the secret stays out of profile.json');

  const wrong = await u.run(['login', '--service-principal', '-u', s.clientId, '-p', 'wrong', '--tenant', s.tenantId, ...server()]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /^ERROR: AADSTS7000215/);

  if (!requireAz(t)) return;
  const az = new Az(s.caBundlePath, 'amity-login-az-');
  try {
    await useCloud(az, s);
    const r = await login(az, s);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(accounts, r.json);
    assert.deepEqual(await u.json(['account', 'show']), await az.ok('account', 'show'));
    assert.deepEqual(await u.json(['account', 'list']), await az.ok('account', 'list'));
    const mine = await u.json<Record<string, unknown>>(['account', 'get-access-token']);
    const theirs = await az.ok('account', 'get-access-token');
    // az 2.45 prints no expires_on (later versions added it); every other field as az.
    assert.deepEqual(Object.keys(mine).sort(), [...Object.keys(theirs), 'expires_on'].sort());
    for (const k of ['subscription', 'tenant', 'tokenType']) assert.equal(mine[k], theirs[k], k);
    assert.match(String(mine.expiresOn), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(new Date(String(mine.expiresOn).replace(' ', 'T')).getTime() / 1000, mine.expires_on);
  } finally {
    az.dispose();
  }
});

test('account set, get-access-token for ARM, Graph and a scope, and renewal of an expired cached token', async () => {
  const u = newUser('account');
  await u.loginAdmin(s);
  const set = await u.run(['account', 'set', '-s', 'Amity Subscription']);
  assert.equal(set.code, 0, set.stderr);
  assert.equal(set.stdout, '');
  const missing = await u.run(['account', 'set', '--subscription', 'nope']);
  assert.equal(missing.stderr, "ERROR: The subscription of 'nope' doesn't exist in cloud 'Amity'.\n");

  const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
  const arm = await u.json<{ accessToken: string }>(['account', 'get-access-token']);
  assert.equal(claims(arm.accessToken).aud.replace(/\/$/, ''), s.url);
  const graph = await u.json<{ accessToken: string }>(['account', 'get-access-token', '--resource-type', 'ms-graph']);
  assert.equal(claims(graph.accessToken).aud.replace(/\/$/, ''), `${s.url}/msgraph`);
  const scoped = await u.json<{ accessToken: string }>(['account', 'get-access-token', '--scope', 'https://management.azure.com//.default']);
  assert.equal(claims(scoped.accessToken).aud, 'https://management.azure.com/');

  // A cached token is reused while fresh...
  const again = await u.json<{ accessToken: string }>(['account', 'get-access-token']);
  assert.equal(again.accessToken, arm.accessToken);
  // ...and renewed once it expires (here: the cache says it expired a minute ago).
  const cacheFile = path.join(u.configDir, 'tokens.json');
  const cache = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
  for (const entry of Object.values<{ expiresOn: number }>(cache.tokens)) entry.expiresOn = Math.floor(Date.now() / 1000) - 60;
  fs.writeFileSync(cacheFile, JSON.stringify(cache));
  const renewed = await u.json<{ accessToken: string; expires_on: number }>(['account', 'get-access-token']);
  assert.notEqual(renewed.accessToken, arm.accessToken);
  assert.ok(renewed.expires_on > Date.now() / 1000 + 600);
  // Commands keep working with the renewed token, and the cache holds it.
  assert.equal((await u.run(['group', 'list', '-o', 'none'])).code, 0);
  assert.ok(Object.values<{ accessToken: string }>(JSON.parse(fs.readFileSync(cacheFile, 'utf8')).tokens).some((e) => e.accessToken === renewed.accessToken));
});

test('user login with -u -p stores a refresh token, never the password, and renews through it', async () => {
  const u = newUser('user');
  const accounts = await u.json<{ user: unknown }[]>(['login', '-u', 'ada@amity.local', '-p', 'pw-ada-1', '--tenant', s.tenantId, ...server()]);
  assert.deepEqual(accounts[0].user, { name: 'ada@amity.local', type: 'user' });
  const stored = fs.readFileSync(path.join(u.configDir, 'credentials.json'), 'utf8');
  assert.ok(!stored.includes('pw-ada-1'));
  assert.match(stored, /"refreshToken"/);
  fs.writeFileSync(path.join(u.configDir, 'tokens.json'), JSON.stringify({ tokens: {} }));
  assert.equal((await u.run(['group', 'list', '-o', 'none'])).code, 0);
  const wrong = await u.run(['login', '-u', 'ada@amity.local', '-p', 'nope', '--tenant', s.tenantId, ...server()]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /^ERROR: AADSTS50126/);
});

test('login --use-device-code prints az\'s message and completes when the code is approved in a browser', async () => {
  const u = newUser('device');
  const [node, ...rest] = cliCommandLine();
  const child = spawn(node, [...rest, 'login', '--use-device-code', '--tenant', s.tenantId, ...server()], { cwd: u.cwd, env: u.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const t0 = Date.now();
  let m: RegExpExecArray | null;
  while (!(m = /WARNING: To sign in, use a web browser to open the page (\S+) and enter the code ([A-Z]+) to authenticate\.\n/.exec(stderr))) {
    assert.ok(Date.now() - t0 < 30_000 && child.exitCode === null, `no device code message: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(m[1], `${s.url}/devicelogin`);
  assert.equal((await approveDeviceCode(s, m[2], 'ada@amity.local', 'pw-ada-1')).status, 200);
  assert.equal(await exited, 0, stderr);
  assert.deepEqual(JSON.parse(stdout)[0].user, { name: 'ada@amity.local', type: 'user' });
  assert.equal((await u.run(['identity', 'list', '-o', 'none'])).code, 0);
});

test('login --service-principal --federated-token signs in as a managed identity trusted for an external issuer', async () => {
  const mi = await newIdentity(s, 'clifed');
  await addCredential(s, mi.id, 'cli-cred', { issuer: issuer.issuer, subject: issuer.clientId });
  await grantReader(mi.principalId, 'ServicePrincipal');
  const u = newUser('federated');
  const missing = await u.run(['login', '--federated-token', 'x', ...server()]);
  assert.equal(missing.code, 2);
  const accounts = await u.json<{ user: unknown }[]>(['login', '--service-principal', '-u', mi.clientId, '--tenant', s.tenantId, '--federated-token', await issuer.token(), ...server()]);
  assert.deepEqual(accounts[0].user, { name: mi.clientId, type: 'servicePrincipal' });
  const shown = await u.json<{ principalId: string }>(['identity', 'show', '-g', 'fed-clifed', '-n', 'clifed']);
  assert.equal(shown.principalId, mi.principalId);
});

test('login --identity from a host through amity agent (IMDS): system-assigned, then a user-assigned one by client id or object id', async () => {
  const rg = `/subscriptions/${s.subscriptionId}/resourceGroups/rg-host`;
  assert.equal((await s.arm('PUT', `${rg}?api-version=2021-04-01`, { location: 'westus' })).status, 201);
  const uami = (await s.arm('PUT', `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/host-id?api-version=2023-01-31`, { location: 'westus' })).body;
  const vm = (await s.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/host-vm?api-version=2022-08-01`, {
    location: 'westus',
    identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [uami.id]: {} } },
  })).body;
  await grantReader(vm.identity.principalId, 'ServicePrincipal');
  await grantReader(uami.properties.principalId, 'ServicePrincipal');
  const cred = (await s.arm('POST', `${vm.id}/regenerateIdentityCredential?api-version=2022-08-01`)).body;
  const agent: RunningAgent = await startAgent({ identityEndpoint: cred.identityEndpoint, identityHeader: cred.identityHeader, port: 0, ca: fs.readFileSync(s.caCertPath) });
  try {
    const env = { AMITY_IMDS_ENDPOINT: `${agent.url}/metadata/identity/oauth2/token` };
    const u = newUser('imds');
    const system = await u.json<{ user: unknown; tenantId: string }[]>(['login', '--identity', ...server()], { env });
    assert.deepEqual(system[0].user, { assignedIdentityInfo: 'MSI', name: 'systemAssignedIdentity', type: 'servicePrincipal' });
    assert.equal(system[0].tenantId, s.tenantId);
    assert.equal((await u.run(['identity', 'list', '-o', 'none'], { env })).code, 0);
    assert.ok(!fs.readFileSync(path.join(u.configDir, 'credentials.json'), 'utf8').includes('"access'), 'no token stored as a credential');

    const byClient = await u.json<{ user: unknown }[]>(['login', '--identity', '-u', uami.properties.clientId, ...server()], { env });
    assert.deepEqual(byClient[0].user, { assignedIdentityInfo: `MSIClient-${uami.properties.clientId}`, name: 'userAssignedIdentity', type: 'servicePrincipal' });
    const token = await u.json<{ accessToken: string }>(['account', 'get-access-token'], { env });
    assert.equal(JSON.parse(Buffer.from(token.accessToken.split('.')[1], 'base64url').toString()).oid, uami.properties.principalId);
    const byObject = await u.json<{ user: unknown }[]>(['login', '--identity', '-u', uami.properties.principalId, ...server()], { env });
    assert.deepEqual(byObject[0].user, { assignedIdentityInfo: `MSIObject-${uami.properties.principalId}`, name: 'userAssignedIdentity', type: 'servicePrincipal' });
    const byResource = await u.json<{ user: unknown }[]>(['login', '--identity', '-u', uami.id, ...server()], { env });
    assert.deepEqual(byResource[0].user, { assignedIdentityInfo: `MSIResource-${uami.id}`, name: 'userAssignedIdentity', type: 'servicePrincipal' });

    const nowhere = await newUser('no-imds').run(['login', '--identity', ...server()], { env: { AMITY_IMDS_ENDPOINT: 'http://127.0.0.1:9/metadata/identity/oauth2/token' } });
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.stderr, /^ERROR: Cannot reach http:\/\/127\.0\.0\.1:9/);
  } finally {
    await agent.close();
  }
});

test('logout forgets the account, its credential and tokens; account commands then ask to log in', async () => {
  const u = newUser('logout');
  await u.loginAdmin(s);
  await u.json(['login', '-u', 'ada@amity.local', '-p', 'pw-ada-1', '--tenant', s.tenantId, ...server()]);
  // The user's sign-in replaced the admin's accounts for this server and tenant (as az login does).
  assert.deepEqual(await u.json(['account', 'list', '--query', '[].user.name']), ['ada@amity.local']);
  const out = await u.run(['logout']);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, '');
  assert.doesNotMatch(fs.readFileSync(path.join(u.configDir, 'credentials.json'), 'utf8'), /ada@amity\.local/);
  assert.doesNotMatch(fs.readFileSync(path.join(u.configDir, 'tokens.json'), 'utf8'), /ada@amity\.local/);
  const show = await u.run(['account', 'show']);
  assert.equal(show.code, 1);
  assert.equal(show.stderr, "ERROR: Please run 'amity login' to setup account.\n");
  assert.equal((await u.run(['logout'])).stderr, 'ERROR: There are no active accounts.\n');
});

test('login with no arguments signs in a local server\'s administrator from its data folder, CA trusted automatically', async () => {
  const u = newUser('local');
  const accounts = await u.json<{ user: unknown; id: string }[]>(['login', '--data', s.dataDir]);
  assert.deepEqual(accounts[0].user, { name: s.clientId, type: 'servicePrincipal' });
  assert.equal(accounts[0].id, s.subscriptionId);
  assert.equal((await u.run(['identity', 'list', '-o', 'none'])).code, 0);
});

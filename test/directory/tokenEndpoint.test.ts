import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startTestServer, type TestServer } from '../support/server.js';
import { hashClientSecret, hashPassword } from '../../src/directory/secrets.js';
import { adminTokenRequest, assertEntraError, bearer, decodeJwt, FORM, GUID, postForm, SUBSCRIPTIONS } from './support.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s?.close());

const v2 = () => `/${s.tenantId}/oauth2/v2.0/token`;
const v1 = () => `/${s.tenantId}/oauth2/token`;

test('v2 client_credentials with a client secret returns an Entra-shaped token response and a usable RS256 JWT', async () => {
  const before = Math.floor(Date.now() / 1000);
  const res = await adminTokenRequest(s, 'https://management.azure.com/.default');
  assert.equal(res.status, 200, res.text);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'ext_expires_in', 'token_type']);
  assert.equal(res.body.token_type, 'Bearer');
  assert.equal(typeof res.body.expires_in, 'number', 'MSAL reads expires_in as a number on the v2 endpoint');
  assert.ok(res.body.expires_in >= 300 && res.body.expires_in <= 86_400, `expires_in ${res.body.expires_in}`);
  assert.equal(typeof res.body.ext_expires_in, 'number');

  const { header, payload } = decodeJwt(res.body.access_token);
  assert.equal(header.alg, 'RS256');
  assert.equal(header.typ, 'JWT');
  assert.equal(typeof header.kid, 'string');
  assert.ok(header.kid.length > 0);
  assert.equal(payload.iss, `${s.url}/${s.tenantId}/`);
  assert.equal(payload.aud, 'https://management.azure.com');
  assert.equal(payload.tid, s.tenantId);
  assert.equal(payload.appid, s.clientId);
  assert.match(payload.oid, GUID);
  assert.equal(payload.sub, payload.oid, 'app-only tokens have sub = oid');
  assert.notEqual(payload.oid, s.clientId, 'object id and application id are different identifiers');
  assert.equal(payload.ver, '1.0');
  assert.equal(payload.appidacr, '1', 'authenticated with a secret');
  for (const claim of ['exp', 'nbf', 'iat']) assert.equal(typeof payload[claim], 'number', claim);
  assert.ok(payload.iat >= before - 1 && payload.iat <= Date.now() / 1000 + 1);
  assert.ok(payload.nbf <= payload.iat);
  assert.equal(payload.exp - payload.iat, res.body.expires_in);

  const arm = await s.raw('GET', SUBSCRIPTIONS, { headers: bearer(res.body.access_token) });
  assert.equal(arm.status, 200, arm.text);
  assert.equal(arm.body.value[0].subscriptionId, s.subscriptionId);
});

test('the v1 endpoint accepts resource= as well as scope=, and the tenant segment is case-insensitive', async () => {
  const byResource = await postForm(s, v1(), {
    grant_type: 'client_credentials',
    client_id: s.clientId,
    client_secret: s.clientSecret,
    resource: 'https://management.core.windows.net/',
  });
  assert.equal(byResource.status, 200, byResource.text);
  assert.equal(decodeJwt(byResource.body.access_token).payload.aud, 'https://management.core.windows.net/');

  const byScope = await postForm(s, `/${s.tenantId.toUpperCase()}/oauth2/token`, {
    grant_type: 'client_credentials',
    client_id: s.clientId,
    client_secret: s.clientSecret,
    scope: 'https://vault.azure.net/.default',
  });
  assert.equal(byScope.status, 200, byScope.text);
  const { payload } = decodeJwt(byScope.body.access_token);
  assert.equal(payload.aud, 'https://vault.azure.net');
  assert.equal(payload.tid, s.tenantId);
});

test("the ADFS endpoint takes az's exact request: host//.default, client_info and claims", async () => {
  // Byte for byte what azure-cli 2.45 (MSAL Python 1.21) posts for `az login --service-principal`.
  const resourceId = `${s.url}/`;
  const body = [
    `client_id=${s.clientId}`,
    'grant_type=client_credentials',
    'client_info=1',
    `client_secret=${encodeURIComponent(s.clientSecret)}`,
    `claims=${encodeURIComponent('{"access_token": {"xms_cc": {"values": ["CP1"]}}}')}`,
    `scope=${encodeURIComponent(`${resourceId}/.default`)}`,
  ].join('&');
  const res = await s.raw('POST', '/adfs/oauth2/token', { headers: { ...FORM, 'x-client-sku': 'MSAL.Python', 'x-client-ver': '1.21.0' }, body });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.token_type, 'Bearer');
  assert.equal(typeof res.body.expires_in, 'number');
  const { payload } = decodeJwt(res.body.access_token);
  assert.equal(payload.aud, resourceId, 'scope https://host:port//.default is the resource https://host:port/');
  assert.equal(payload.iss, `${s.url}/${s.tenantId}/`, 'ADFS mode issues for the one tenant');
  const arm = await s.raw('GET', SUBSCRIPTIONS, { headers: bearer(res.body.access_token) });
  assert.equal(arm.status, 200, 'az then calls ARM with this token');
});

test('HTTP Basic client authentication (client_secret_basic) works, and a wrong secret in it is refused', async () => {
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  const ok = await postForm(s, v2(), { grant_type: 'client_credentials', scope: 'https://management.azure.com/.default' }, { authorization: basic(s.clientId, s.clientSecret) });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(decodeJwt(ok.body.access_token).payload.appid, s.clientId);

  const wrong = await postForm(s, v2(), { grant_type: 'client_credentials', scope: 'https://management.azure.com/.default' }, { authorization: basic(s.clientId, 'not-the-secret') });
  assertEntraError(wrong, { status: 401, error: 'invalid_client', code: 7000215 });

  // A secret with a stray '%' that the client did not form-encode is a wrong secret, not a server error.
  const raw = `Basic ${Buffer.from(`${s.clientId}:%zz${s.clientSecret}`).toString('base64')}`;
  const stray = await postForm(s, v2(), { grant_type: 'client_credentials', scope: 'https://management.azure.com/.default' }, { authorization: raw });
  assertEntraError(stray, { status: 401, error: 'invalid_client', code: 7000215 });
});

test('a wrong secret is 401 invalid_client AADSTS7000215, and the secret is not echoed', async () => {
  const wrongSecret = `${s.clientSecret.slice(0, -1)}${s.clientSecret.endsWith('A') ? 'B' : 'A'}`;
  const res = await adminTokenRequest(s, 'https://management.azure.com/.default', { client_secret: wrongSecret });
  assertEntraError(res, { status: 401, error: 'invalid_client', code: 7000215, mentions: s.clientId });
  assert.ok(!res.text.includes(wrongSecret));
  assert.equal(res.headers['cache-control'], 'no-store');

  const empty = await adminTokenRequest(s, 'https://management.azure.com/.default', { client_secret: '' });
  assertEntraError(empty, { status: 401, error: 'invalid_client', code: 7000218 });
});

test('an unknown client id is AADSTS700016', async () => {
  const stranger = crypto.randomUUID();
  const res = await adminTokenRequest(s, 'https://management.azure.com/.default', { client_id: stranger });
  assertEntraError(res, { status: 401, error: 'unauthorized_client', code: 700016, mentions: stranger });
});

test('an unknown tenant is AADSTS90002 on the v2 and v1 endpoints', async () => {
  const other = crypto.randomUUID();
  for (const path of [`/${other}/oauth2/v2.0/token`, `/${other}/oauth2/token`]) {
    const res = await postForm(s, path, {
      grant_type: 'client_credentials',
      client_id: s.clientId,
      client_secret: s.clientSecret,
      scope: 'https://management.azure.com/.default',
    });
    assertEntraError(res, { status: 400, error: 'invalid_tenant', code: 90002, mentions: `'${other}'` });
  }
});

test('missing grant_type or client_id is AADSTS900144 naming the parameter', async () => {
  const noGrant = await postForm(s, v2(), { client_id: s.clientId, client_secret: s.clientSecret, scope: 'https://management.azure.com/.default' });
  assertEntraError(noGrant, { status: 400, error: 'invalid_request', code: 900144, mentions: "'grant_type'" });

  const noClient = await postForm(s, v2(), { grant_type: 'client_credentials', client_secret: s.clientSecret, scope: 'https://management.azure.com/.default' });
  assertEntraError(noClient, { status: 400, error: 'invalid_request', code: 900144, mentions: "'client_id'" });

  const noScope = await postForm(s, v2(), { grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret });
  assertEntraError(noScope, { status: 400, error: 'invalid_request', code: 900144, mentions: "'scope'" });
});

test('an unsupported grant type is unsupported_grant_type and issues nothing, even with a valid secret', async () => {
  for (const grant of ['authorization_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'implicit']) {
    const res = await adminTokenRequest(s, 'https://management.azure.com/.default', { grant_type: grant, username: 'u', password: 'p', code: 'c', refresh_token: 'r' });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error, 'unsupported_grant_type');
    assert.match(res.body.error_description, /^AADSTS\d+: /);
    assert.ok(res.body.error_description.includes(`'${grant}'`));
    assert.equal(res.body.access_token, undefined);
  }
  // The user grants exist, but a service principal's secret does not make a user: nothing is issued.
  const password = await adminTokenRequest(s, 'https://management.azure.com/.default', { grant_type: 'password', username: 'u', password: 'p' });
  assertEntraError(password, { status: 400, error: 'invalid_grant', code: 50034, mentions: 'u' });
  const refresh = await adminTokenRequest(s, 'https://management.azure.com/.default', { grant_type: 'refresh_token', refresh_token: 'r' });
  assertEntraError(refresh, { status: 400, error: 'invalid_grant', code: 9002313 });
});

test('client-credential scopes must be exactly one <resource>/.default', async () => {
  for (const scope of [
    'https://management.azure.com/user_impersonation',
    'https://management.azure.com/',
    '/.default',
    'https://management.azure.com/.default https://vault.azure.net/.default',
  ]) {
    const res = await adminTokenRequest(s, scope);
    assert.equal(res.status, 400, `${scope}: ${res.text}`);
    assert.equal(res.body.error, 'invalid_scope', scope);
    assert.match(res.body.error_description, /^AADSTS\d+: /);
    assert.deepEqual(res.body.error_codes, [Number(/^AADSTS(\d+)/.exec(res.body.error_description)![1])]);
    assert.equal(res.body.access_token, undefined);
  }
  // openid/profile/offline_access ride along with a .default scope (MSAL adds them for some flows).
  const withOidc = await adminTokenRequest(s, 'https://management.azure.com//.default offline_access openid profile');
  assert.equal(withOidc.status, 200, withOidc.text);
  assert.equal(decodeJwt(withOidc.body.access_token).payload.aud, 'https://management.azure.com/');
});

test('a JSON body, a malformed body or no content type is refused in Entra shape, never with a token', async () => {
  const params = { grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret, scope: 'https://management.azure.com/.default' };
  const cases: { headers: Record<string, string>; body: string }[] = [
    { headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) },
    { headers: { 'content-type': 'application/json' }, body: '{"grant_type":' },
    { headers: { 'content-type': 'text/plain' }, body: new URLSearchParams(params).toString() },
    { headers: {}, body: new URLSearchParams(params).toString() },
  ];
  for (const c of cases) {
    const res = await s.raw('POST', v2(), c);
    assertEntraError(res, { status: 400, error: 'invalid_request', code: 900561 });
  }
});

test("a managed identity's client id cannot get a token with a secret", async () => {
  const rg = await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/tok-rg?api-version=2021-04-01`, { location: 'westus' });
  assert.equal(rg.status, 201, rg.text);
  const id = await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourceGroups/tok-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/tok-id?api-version=2024-11-30`, {
    location: 'westus',
  });
  assert.equal(id.status, 201, id.text);
  const miClientId: string = id.body.properties.clientId;
  assert.match(miClientId, GUID);

  // Neither a made-up secret nor the admin's own secret works for the identity's client id.
  for (const secret of ['guessed-secret', s.clientSecret]) {
    const res = await adminTokenRequest(s, 'https://management.azure.com/.default', { client_id: miClientId, client_secret: secret });
    assertEntraError(res, { status: 401, error: 'unauthorized_client', code: 700016, mentions: miClientId });
  }
});

test('every unexpired secret of a client works; an expired one does not', async () => {
  // A second and a third credential on the admin, as an app with rotated secrets has.
  const db = s.running.context.database.db;
  const { object_id: objectId } = await db.selectFrom('principals').select('object_id').where('app_id', '=', s.clientId).executeTakeFirstOrThrow();
  const current = `cur~${crypto.randomBytes(12).toString('base64url')}`;
  const expired = `old~${crypto.randomBytes(12).toString('base64url')}`;
  const now = Date.now();
  for (const [secret, expiresAt] of [
    [current, new Date(now + 3_600_000).toISOString()],
    [expired, new Date(now - 1000).toISOString()],
  ] as const) {
    await db
      .insertInto('credentials')
      .values({ id: crypto.randomUUID(), principal_id: objectId, secret_hash: hashClientSecret(secret), hint: secret.slice(0, 3), created_at: new Date(now).toISOString(), expires_at: expiresAt })
      .execute();
  }
  const ok = await adminTokenRequest(s, 'https://management.azure.com/.default', { client_secret: current });
  assert.equal(ok.status, 200, ok.text);
  const original = await adminTokenRequest(s, 'https://management.azure.com/.default');
  assert.equal(original.status, 200, 'the bootstrap secret still works alongside');
  const old = await adminTokenRequest(s, 'https://management.azure.com/.default', { client_secret: expired });
  assertEntraError(old, { status: 401, error: 'invalid_client', code: 7000215 });
});

test('a client secret an older version stored in scrypt still works, and is stored in the fast form once it has', async () => {
  const db = s.running.context.database.db;
  const { object_id: objectId } = await db.selectFrom('principals').select('object_id').where('app_id', '=', s.clientId).executeTakeFirstOrThrow();
  const secret = `scr~${crypto.randomBytes(12).toString('base64url')}`;
  const id = crypto.randomUUID();
  await db
    .insertInto('credentials')
    .values({ id, principal_id: objectId, secret_hash: await hashPassword(secret), hint: secret.slice(0, 3), created_at: new Date().toISOString(), expires_at: null })
    .execute();
  const stored = async () => (await db.selectFrom('credentials').select('secret_hash').where('id', '=', id).executeTakeFirstOrThrow()).secret_hash;
  assert.match(await stored(), /^scrypt\$/);
  const wrong = await adminTokenRequest(s, 'https://management.azure.com/.default', { client_secret: `${secret}x` });
  assertEntraError(wrong, { status: 401, error: 'invalid_client', code: 7000215 });
  assert.match(await stored(), /^scrypt\$/, 'a wrong secret changes nothing');
  for (let i = 0; i < 2; i++) {
    const ok = await adminTokenRequest(s, 'https://management.azure.com/.default', { client_secret: secret });
    assert.equal(ok.status, 200, ok.text);
    const hash = await stored();
    assert.match(hash, /^hmac-sha256\$/);
    assert.ok(!hash.includes(secret));
  }
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';
import { createUser, LOCKOUT_THRESHOLD } from '../../src/directory/users.js';
import { assertEntraError, bearer, decodeJwt, postForm, SUBSCRIPTIONS } from './support.js';

// Users signing in with a password (ROPC, `az login -u -p`), refresh tokens, id_token/client_info, lockout.

const AZ_CLIENT = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s?.close());

const db = () => s.running.context.database.db;
const adfs = '/adfs/oauth2/token';
const v2 = () => `/${s.tenantId}/oauth2/v2.0/token`;
const azScope = () => `${s.url}//.default offline_access openid profile`;

function passwordRequest(path: string, username: string, password: string, extra: Record<string, string> = {}) {
  // What az 2.45 (MSAL Python 1.21) posts for `az login -u U -p P` in ADFS mode.
  return postForm(s, path, {
    client_id: AZ_CLIENT,
    grant_type: 'password',
    username,
    password,
    scope: azScope(),
    client_info: '1',
    claims: JSON.stringify({ access_token: { xms_cc: { values: ['CP1'] } } }),
    ...extra,
  });
}

test('password grant at the ADFS endpoint: user access token works on ARM, id_token and client_info as MSAL reads them', async () => {
  const user = await createUser(db(), s.tenantId, { userPrincipalName: 'Alice@Amity.Local', displayName: 'Alice Adams', password: 'Corr3ct horse!' });
  const res = await passwordRequest(adfs, 'alice@amity.local', 'Corr3ct horse!');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.token_type, 'Bearer');
  assert.equal(typeof res.body.expires_in, 'number');
  assert.equal(typeof res.body.refresh_token, 'string');
  assert.ok(res.body.scope.split(' ').includes(`${s.url}//.default`), res.body.scope);

  const at = decodeJwt(res.body.access_token).payload;
  assert.equal(at.aud, `${s.url}/`);
  assert.equal(at.iss, `${s.url}/${s.tenantId}/`);
  assert.equal(at.oid, user.object_id);
  assert.equal(at.sub, user.object_id);
  assert.equal(at.tid, s.tenantId);
  assert.equal(at.upn, 'alice@amity.local');
  assert.equal(at.unique_name, 'alice@amity.local');
  assert.equal(at.name, 'Alice Adams');
  assert.equal(at.scp, 'user_impersonation');
  assert.equal(at.idtyp, 'user');
  assert.equal(at.appid, AZ_CLIENT);
  assert.equal(at.appidacr, '0');

  const id = decodeJwt(res.body.id_token);
  assert.equal(id.header.alg, 'RS256');
  assert.equal(id.payload.aud, AZ_CLIENT, 'the id_token is for the client');
  assert.equal(id.payload.iss, `${s.url}/adfs`, 'equal to the ADFS discovery issuer');
  assert.equal(id.payload.oid, user.object_id);
  assert.equal(id.payload.sub, user.object_id);
  assert.equal(id.payload.tid, s.tenantId);
  assert.equal(id.payload.preferred_username, 'alice@amity.local');
  assert.ok(id.payload.exp > Date.now() / 1000);
  const discovered = (await s.raw('GET', '/adfs/.well-known/openid-configuration')).body;
  assert.equal(id.payload.iss, discovered.issuer);

  assert.deepEqual(JSON.parse(Buffer.from(res.body.client_info, 'base64url').toString('utf8')), { uid: user.object_id, utid: s.tenantId });
  assert.doesNotMatch(res.body.client_info, /[+/=]/, 'base64url, unpadded');

  // ARM accepts the user token (RBAC, when enforced, decides with 403 AuthorizationFailed rather than 401).
  const arm = await s.raw('GET', SUBSCRIPTIONS, { headers: bearer(res.body.access_token) });
  assert.ok(arm.status === 200 || (arm.status === 403 && arm.body.error.code === 'AuthorizationFailed'), arm.text);
  const tenants = await s.raw('GET', '/tenants?api-version=2019-11-01', { headers: bearer(res.body.access_token) });
  if (tenants.status === 200) assert.equal(tenants.body.value[0].tenantId, s.tenantId);
});

test('password grant at the v2 endpoint: id_token issuer is the v2 issuer; the user_impersonation scope form works', async () => {
  await createUser(db(), s.tenantId, { userPrincipalName: 'bob@amity.local', displayName: 'Bob', password: 'pw-bob-1' });
  const res = await passwordRequest(v2(), 'BOB@amity.local', 'pw-bob-1', { scope: 'https://management.azure.com/user_impersonation openid profile offline_access' });
  assert.equal(res.status, 200, res.text);
  assert.equal(decodeJwt(res.body.id_token).payload.iss, `${s.url}/${s.tenantId}/v2.0`);
  assert.equal(decodeJwt(res.body.access_token).payload.aud, 'https://management.azure.com');
  assert.equal(res.body.scope, 'https://management.azure.com/user_impersonation openid profile offline_access');
});

test('refresh_token grant: a new access token for the scope asked, a rotated refresh token, one-time use', async () => {
  const user = await createUser(db(), s.tenantId, { userPrincipalName: 'carol@amity.local', displayName: 'Carol', password: 'pw-carol-1' });
  const first = await passwordRequest(adfs, 'carol@amity.local', 'pw-carol-1');
  assert.equal(first.status, 200, first.text);
  // What az sends per tenant after login.
  const refreshed = await postForm(
    s,
    adfs,
    { client_id: AZ_CLIENT, grant_type: 'refresh_token', refresh_token: first.body.refresh_token, scope: azScope(), client_info: '1' },
    { 'x-anchormailbox': `Oid:${user.object_id}@${s.tenantId}` },
  );
  assert.equal(refreshed.status, 200, refreshed.text);
  assert.notEqual(refreshed.body.refresh_token, first.body.refresh_token, 'rotated');
  assert.equal(decodeJwt(refreshed.body.access_token).payload.oid, user.object_id);
  assert.equal(decodeJwt(refreshed.body.id_token).payload.preferred_username, 'carol@amity.local');
  assert.equal(typeof refreshed.body.client_info, 'string');

  // Another resource from the same refresh token family.
  const vault = await postForm(s, adfs, { client_id: AZ_CLIENT, grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token, scope: 'https://vault.azure.net/.default' });
  assert.equal(vault.status, 200, vault.text);
  assert.equal(decodeJwt(vault.body.access_token).payload.aud, 'https://vault.azure.net');

  // The used one is refused, and its replay revokes the family (the newest token stops working too).
  const replay = await postForm(s, adfs, { client_id: AZ_CLIENT, grant_type: 'refresh_token', refresh_token: first.body.refresh_token, scope: azScope() });
  assertEntraError(replay, { status: 400, error: 'invalid_grant', code: 9002313 });
  const afterReplay = await postForm(s, adfs, { client_id: AZ_CLIENT, grant_type: 'refresh_token', refresh_token: vault.body.refresh_token, scope: azScope() });
  assertEntraError(afterReplay, { status: 400, error: 'invalid_grant', code: 9002313 });

  // Another client cannot use a refresh token; nor can anyone use a made-up one.
  const fresh = await passwordRequest(adfs, 'carol@amity.local', 'pw-carol-1');
  const otherClient = await postForm(s, adfs, { client_id: '11111111-1111-1111-1111-111111111111', grant_type: 'refresh_token', refresh_token: fresh.body.refresh_token });
  assertEntraError(otherClient, { status: 400, error: 'invalid_grant', code: 70000 });
  const bogus = await postForm(s, adfs, { client_id: AZ_CLIENT, grant_type: 'refresh_token', refresh_token: 'ar.not-a-token' });
  assertEntraError(bogus, { status: 400, error: 'invalid_grant', code: 9002313 });

  // Only hashes are stored.
  const rows = await db().selectFrom('refresh_tokens').selectAll().execute();
  assert.ok(rows.length > 0);
  for (const row of rows) assert.ok(!JSON.stringify(row).includes(fresh.body.refresh_token.slice(3)), 'no refresh token in clear');
});

test('wrong password is AADSTS50126; unknown user AADSTS50034; disabled user AADSTS50057', async () => {
  await createUser(db(), s.tenantId, { userPrincipalName: 'dave@amity.local', displayName: 'Dave', password: 'pw-dave-1' });
  const wrong = await passwordRequest(adfs, 'dave@amity.local', 'nope');
  assertEntraError(wrong, { status: 400, error: 'invalid_grant', code: 50126, mentions: 'Error validating credentials due to invalid username or password.' });
  assert.equal(wrong.body.id_token, undefined);

  const unknown = await passwordRequest(adfs, 'nobody@amity.local', 'x');
  assertEntraError(unknown, { status: 400, error: 'invalid_grant', code: 50034, mentions: `The user account nobody@amity.local does not exist in the ${s.tenantId} directory.` });

  await createUser(db(), s.tenantId, { userPrincipalName: 'erin@amity.local', displayName: 'Erin', password: 'pw-erin-1', accountEnabled: false });
  const disabled = await passwordRequest(adfs, 'erin@amity.local', 'pw-erin-1');
  assertEntraError(disabled, { status: 400, error: 'invalid_grant', code: 50057, mentions: 'disabled' });

  // A service principal is not a user.
  const sp = await passwordRequest(adfs, s.clientId, s.clientSecret);
  assertEntraError(sp, { status: 400, error: 'invalid_grant', code: 50034 });
});

test(`${LOCKOUT_THRESHOLD} consecutive wrong passwords lock the account (AADSTS50053, even with the right password); success resets the count`, async () => {
  const user = await createUser(db(), s.tenantId, { userPrincipalName: 'frank@amity.local', displayName: 'Frank', password: 'pw-frank-1' });
  // A success in between resets the count.
  for (let i = 0; i < LOCKOUT_THRESHOLD - 1; i++) assertEntraError(await passwordRequest(adfs, 'frank@amity.local', `bad-${i}`), { status: 400, error: 'invalid_grant', code: 50126 });
  assert.equal((await passwordRequest(adfs, 'frank@amity.local', 'pw-frank-1')).status, 200);
  for (let i = 0; i < LOCKOUT_THRESHOLD - 1; i++) assertEntraError(await passwordRequest(adfs, 'frank@amity.local', `bad-${i}`), { status: 400, error: 'invalid_grant', code: 50126 });
  assert.equal((await passwordRequest(adfs, 'frank@amity.local', 'pw-frank-1')).status, 200, 'not locked after threshold-1 failures');

  for (let i = 0; i < LOCKOUT_THRESHOLD; i++) assertEntraError(await passwordRequest(adfs, 'frank@amity.local', `bad-${i}`), { status: 400, error: 'invalid_grant', code: 50126 });
  const locked = await passwordRequest(v2(), 'frank@amity.local', 'pw-frank-1');
  assertEntraError(locked, { status: 400, error: 'invalid_grant', code: 50053, mentions: 'Your account is locked because' });
  assert.match(locked.body.error_description, /Try again in \d+ seconds?\./);

  // Once the lock has passed (moved into the past here rather than waiting), the right password works again.
  await db().updateTable('principals').set({ locked_until: new Date(Date.now() - 1000).toISOString() }).where('object_id', '=', user.object_id).execute();
  const unlocked = await passwordRequest(adfs, 'frank@amity.local', 'pw-frank-1');
  assert.equal(unlocked.status, 200, unlocked.text);
  const row = await db().selectFrom('principals').select(['failed_sign_ins', 'locked_until']).where('object_id', '=', user.object_id).executeTakeFirstOrThrow();
  assert.deepEqual(row, { failed_sign_ins: 0, locked_until: null });
});

test('password grant needs username, password and a resource scope', async () => {
  const noUser = await postForm(s, adfs, { client_id: AZ_CLIENT, grant_type: 'password', password: 'x', scope: azScope() });
  assertEntraError(noUser, { status: 400, error: 'invalid_request', code: 900144, mentions: "'username'" });
  const noScope = await postForm(s, adfs, { client_id: AZ_CLIENT, grant_type: 'password', username: 'a@b', password: 'x' });
  assertEntraError(noScope, { status: 400, error: 'invalid_request', code: 900144, mentions: "'scope'" });
  const twoResources = await postForm(s, adfs, { client_id: AZ_CLIENT, grant_type: 'password', username: 'a@b', password: 'x', scope: 'https://a.example/.default https://b.example/.default' });
  assertEntraError(twoResources, { status: 400, error: 'invalid_scope', code: 70011 });
});

test('discovery advertises only endpoints that exist', async () => {
  const docs = [(await s.raw('GET', `/${s.tenantId}/v2.0/.well-known/openid-configuration`)).body, (await s.raw('GET', '/adfs/.well-known/openid-configuration')).body];
  for (const doc of docs) {
    assert.ok(doc.grant_types_supported.includes('password'));
    assert.ok(doc.grant_types_supported.includes('urn:ietf:params:oauth:grant-type:device_code'));
    for (const key of ['authorization_endpoint', 'end_session_endpoint']) {
      const res = await s.raw('GET', new URL(doc[key]).pathname);
      assert.match(String(res.headers['content-type']), /^text\/html/, `${key}: ${res.status}`);
      assert.ok(res.status === 200 || res.status === 400, `${key}: ${res.status}`);
    }
    const dc = await postForm(s, new URL(doc.device_authorization_endpoint).pathname, { client_id: AZ_CLIENT, scope: azScope() });
    assert.equal(dc.status, 200, dc.text);
  }
});

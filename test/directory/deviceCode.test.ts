import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';
import { approveDeviceCode, openDevicePage, submitDeviceForm } from '../support/devicePage.js';
import { createUser, LOCKOUT_THRESHOLD } from '../../src/directory/users.js';
import { assertEntraError, bearer, decodeJwt, postForm, SUBSCRIPTIONS } from './support.js';

// The device-code flow over HTTP: `az login --use-device-code` against /adfs (and the v2 paths), approved on Amity's device page.

const AZ_CLIENT = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
let s: TestServer;
before(async () => {
  s = await startTestServer();
  await createUser(s.running.context.database.db, s.tenantId, { userPrincipalName: 'grace@amity.local', displayName: 'Grace Hopper', password: 'pw-grace-1' });
});
after(() => s?.close());

const db = () => s.running.context.database.db;
const azScope = () => `${s.url}//.default offline_access openid profile`;

async function requestCode(path = '/adfs/oauth2/devicecode') {
  const res = await postForm(s, path, { client_id: AZ_CLIENT, scope: azScope() });
  assert.equal(res.status, 200, res.text);
  return res.body as { device_code: string; user_code: string; verification_uri: string; expires_in: number; interval: number; message: string };
}

function poll(deviceCode: string, path = '/adfs/oauth2/token') {
  // As MSAL Python sends it: the code twice, client_info and the CP1 claims.
  return postForm(s, path, {
    client_id: AZ_CLIENT,
    grant_type: DEVICE_GRANT,
    code: deviceCode,
    device_code: deviceCode,
    client_info: '1',
    claims: JSON.stringify({ access_token: { xms_cc: { values: ['CP1'] } } }),
  });
}

test('device code flow end to end: code, pending, approval on the device page, tokens once', async () => {
  const dc = await requestCode();
  assert.match(dc.user_code, /^[A-Z]{8}$/);
  assert.equal(dc.verification_uri, `${s.url}/devicelogin`);
  assert.equal(dc.expires_in, 900);
  assert.equal(dc.interval, 5);
  assert.equal(dc.message, `To sign in, use a web browser to open the page ${s.url}/devicelogin and enter the code ${dc.user_code} to authenticate.`);
  assert.ok(dc.device_code.length >= 40);

  assertEntraError(await poll(dc.device_code), { status: 400, error: 'authorization_pending', code: 70016 });

  // The page asks for the code, then shows the sign-in form with an anti-forgery token.
  const start = await s.raw('GET', '/devicelogin');
  assert.equal(start.status, 200);
  assert.match(String(start.headers['content-type']), /^text\/html/);
  assert.match(start.text, /name="otc"/);
  assert.match(String(start.headers['content-security-policy']), /frame-ancestors 'none'/);

  // Lower case with a dash is accepted as typed.
  const typed = `${dc.user_code.slice(0, 4).toLowerCase()}-${dc.user_code.slice(4)}`;
  const form = await openDevicePage(s, typed);
  assert.equal(form.page.status, 200, form.page.text);
  assert.match(form.page.text, /Microsoft Azure CLI/);
  assert.match(form.page.text, /name="password"/);
  assert.ok(form.formToken.length >= 40);
  assert.match(form.cookie, /^amity_device_form=/);

  const approved = await submitDeviceForm(s, form, { otc: typed, username: 'Grace@amity.local', password: 'pw-grace-1', decision: 'approve' });
  assert.equal(approved.status, 200, approved.text);
  assert.match(approved.text, /You have signed in as grace@amity\.local/);

  const tokens = await poll(dc.device_code);
  assert.equal(tokens.status, 200, tokens.text);
  const at = decodeJwt(tokens.body.access_token).payload;
  assert.equal(at.upn, 'grace@amity.local');
  assert.equal(at.aud, `${s.url}/`);
  assert.equal(at.appid, AZ_CLIENT);
  const id = decodeJwt(tokens.body.id_token).payload;
  assert.equal(id.iss, `${s.url}/adfs`);
  assert.equal(id.aud, AZ_CLIENT);
  assert.equal(id.preferred_username, 'grace@amity.local');
  assert.deepEqual(JSON.parse(Buffer.from(tokens.body.client_info, 'base64url').toString()), { uid: at.oid, utid: s.tenantId });
  assert.equal(typeof tokens.body.refresh_token, 'string');
  const arm = await s.raw('GET', SUBSCRIPTIONS, { headers: bearer(tokens.body.access_token) });
  assert.ok(arm.status === 200 || (arm.status === 403 && arm.body.error.code === 'AuthorizationFailed'), arm.text);

  // Single use: the code is refused afterwards, and the page no longer takes it.
  assertEntraError(await poll(dc.device_code), { status: 400, error: 'invalid_grant', code: 54005 });
  assert.equal((await openDevicePage(s, dc.user_code)).page.status, 400);

  // Refresh as az does next.
  const refreshed = await postForm(s, '/adfs/oauth2/token', { client_id: AZ_CLIENT, grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token, scope: azScope(), client_info: '1' });
  assert.equal(refreshed.status, 200, refreshed.text);

  // Only a hash of the device code is kept.
  const rows = await db().selectFrom('device_codes').selectAll().execute();
  assert.ok(rows.every((r) => !JSON.stringify(r).includes(dc.device_code.slice(3))));
});

test('the v2 endpoints serve the same flow, with the v2 id_token issuer', async () => {
  const dc = await requestCode(`/${s.tenantId}/oauth2/v2.0/devicecode`);
  assert.equal((await approveDeviceCode(s, dc.user_code, 'grace@amity.local', 'pw-grace-1')).status, 200);
  const tokens = await poll(dc.device_code, `/${s.tenantId}/oauth2/v2.0/token`);
  assert.equal(tokens.status, 200, tokens.text);
  assert.equal(decodeJwt(tokens.body.id_token).payload.iss, `${s.url}/${s.tenantId}/v2.0`);
});

test('a wrong password on the device page does not approve; the error is shown and the code still works', async () => {
  const dc = await requestCode();
  const form = await openDevicePage(s, dc.user_code);
  const wrong = await submitDeviceForm(s, form, { otc: dc.user_code, username: 'grace@amity.local', password: 'wrong', decision: 'approve' });
  assert.equal(wrong.status, 400);
  assert.match(wrong.text, /Error validating credentials due to invalid username or password\./);
  assertEntraError(await poll(dc.device_code), { status: 400, error: 'authorization_pending', code: 70016 });
  const unknown = await submitDeviceForm(s, await openDevicePage(s, dc.user_code), { otc: dc.user_code, username: 'nobody@amity.local', password: 'x', decision: 'approve' });
  assert.match(unknown.text, /does not exist/);
  // The re-rendered form carries a fresh token; with it the right password approves.
  const retry = /name="form_token" value="([^"]+)"/.exec(unknown.text)![1];
  const cookie = ([] as string[]).concat(unknown.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const ok = await submitDeviceForm(s, { page: unknown, formToken: retry, cookie }, { otc: dc.user_code, username: 'grace@amity.local', password: 'pw-grace-1', decision: 'approve' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await poll(dc.device_code)).status, 200);
});

test('the form is refused without its anti-forgery token, with a stale one, or without the cookie', async () => {
  const dc = await requestCode();
  const form = await openDevicePage(s, dc.user_code);
  const fields = { otc: dc.user_code, username: 'grace@amity.local', password: 'pw-grace-1', decision: 'approve' };
  assert.equal((await submitDeviceForm(s, { ...form, formToken: '' }, fields)).status, 403);
  assert.equal((await submitDeviceForm(s, { ...form, cookie: '' }, fields)).status, 403);
  assert.equal((await submitDeviceForm(s, { ...form, formToken: 'x'.repeat(43), cookie: `amity_device_form=${'x'.repeat(43)}` }, fields)).status, 403);
  // Showing the form again replaces the token: the first one no longer works.
  await openDevicePage(s, dc.user_code);
  assert.equal((await submitDeviceForm(s, form, fields)).status, 403);
  assertEntraError(await poll(dc.device_code), { status: 400, error: 'authorization_pending', code: 70016 });
});

test('declining answers authorization_declined', async () => {
  const dc = await requestCode();
  const res = await submitDeviceForm(s, await openDevicePage(s, dc.user_code), { otc: dc.user_code, decision: 'decline' });
  assert.equal(res.status, 200, res.text);
  assert.match(res.text, /declined/);
  assertEntraError(await poll(dc.device_code), { status: 400, error: 'authorization_declined', code: 70000 });
});

test('an expired code answers expired_token and the page refuses it; unknown codes are invalid_grant', async () => {
  const dc = await requestCode();
  const form = await openDevicePage(s, dc.user_code);
  await db().updateTable('device_codes').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('user_code', '=', dc.user_code).execute();
  assertEntraError(await poll(dc.device_code), { status: 400, error: 'expired_token', code: 70019 });
  const late = await submitDeviceForm(s, form, { otc: dc.user_code, username: 'grace@amity.local', password: 'pw-grace-1', decision: 'approve' });
  assert.equal(late.status, 400);
  assert.match(late.text, /expired/);
  assertEntraError(await poll('dc.unknown'), { status: 400, error: 'invalid_grant', code: 70000 });
  // A code belongs to the client that asked for it.
  const other = await requestCode();
  const wrongClient = await postForm(s, '/adfs/oauth2/token', { client_id: '11111111-1111-1111-1111-111111111111', grant_type: DEVICE_GRANT, device_code: other.device_code });
  assertEntraError(wrongClient, { status: 400, error: 'invalid_grant', code: 70000 });
});

test('the device page honours lockout with a clear message', async () => {
  await createUser(db(), s.tenantId, { userPrincipalName: 'heidi@amity.local', displayName: 'Heidi', password: 'pw-heidi-1' });
  const dc = await requestCode();
  for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
    await submitDeviceForm(s, await openDevicePage(s, dc.user_code), { otc: dc.user_code, username: 'heidi@amity.local', password: `bad${i}`, decision: 'approve' });
  }
  const locked = await submitDeviceForm(s, await openDevicePage(s, dc.user_code), { otc: dc.user_code, username: 'heidi@amity.local', password: 'pw-heidi-1', decision: 'approve' });
  assert.equal(locked.status, 400);
  assert.match(locked.text, /Your account is locked because/);
  assertEntraError(await poll(dc.device_code), { status: 400, error: 'authorization_pending', code: 70016 });
});

test('devicecode requests need a client id and one resource', async () => {
  assertEntraError(await postForm(s, '/adfs/oauth2/devicecode', { scope: azScope() }), { status: 400, error: 'invalid_request', code: 900144, mentions: "'client_id'" });
  assertEntraError(await postForm(s, '/adfs/oauth2/devicecode', { client_id: AZ_CLIENT, scope: 'openid profile' }), { status: 400, error: 'invalid_request', code: 900144, mentions: "'scope'" });
  assertEntraError(await postForm(s, '/00000000-0000-0000-0000-000000000001/oauth2/v2.0/devicecode', { client_id: AZ_CLIENT, scope: azScope() }), { status: 400, error: 'invalid_tenant', code: 90002 });
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { startTestServer, type TestServer } from '../support/server.js';
import { assertArm401, bearer, decodeJwt, freshToken, postForm, SUBSCRIPTIONS } from '../directory/support.js';

// The single-flaw cases (alg none, HS256 with the public key, wrong or missing kid, expired, not yet valid, wrong aud,
// wrong iss, tampered payload) are in test/directory/armAuthentication.test.ts; this file adds another tenant's tokens.

let a: TestServer;
let b: TestServer;
before(async () => {
  [a, b] = await Promise.all([startTestServer(), startTestServer()]);
});
after(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

test("another tenant's genuine ARM token is refused by ARM, with 401 and nothing revealed", async () => {
  const foreign = await freshToken(b, 'https://management.azure.com/.default');
  assert.equal((await b.raw('GET', SUBSCRIPTIONS, { headers: bearer(foreign) })).status, 200, 'genuine at home');
  const res = await a.raw('GET', `/subscriptions/${a.subscriptionId}?api-version=2022-12-01`, { headers: bearer(foreign) });
  // Its kid is not one of this server's keys: the signature cannot be checked, so the token is invalid.
  assertArm401(res, 'InvalidAuthenticationToken', /^The access token is invalid\. The signing key '.+' is not known\.$/);
  assert.ok(!res.text.includes(a.subscriptionId) && !res.text.includes(foreign.split('.')[1]!));
});

test("another tenant's claims signed with this server's key are refused as the wrong tenant", async () => {
  const foreign = decodeJwt(await freshToken(b)).payload;
  const key = a.running.context.keys.active()!;
  const t = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ ...foreign, iat: t, nbf: t, exp: t + 600 }).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid }).sign(key.privateKey!);
  assertArm401(await a.raw('GET', SUBSCRIPTIONS, { headers: bearer(token) }), 'InvalidAuthenticationTokenTenant', new RegExp(`wrong issuer '${b.url.replace(/[.]/g, '\\.')}/${b.tenantId}/'`));
});

test("another tenant's Graph token and user token are refused by this server's Graph and ARM", async () => {
  const graphToken = (await postForm(b, `/${b.tenantId}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: b.clientId, client_secret: b.clientSecret, scope: 'https://graph.microsoft.com/.default' })).body.access_token;
  const res = await a.raw('GET', '/msgraph/v1.0/users', { headers: bearer(graphToken) });
  assert.equal(res.status, 401, res.text);
  assert.equal(res.body.error.code, 'InvalidAuthenticationToken');
  // And this server's own token endpoint does not know the other tenant's client.
  const cross = await postForm(a, `/${b.tenantId}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: b.clientId, client_secret: b.clientSecret, scope: 'https://management.azure.com/.default' });
  assert.ok(cross.status === 400 || cross.status === 401, cross.text);
  assert.equal(cross.body.access_token, undefined);
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { startTestServer, type TestServer } from '../support/server.js';
import type { HttpResponse } from '../support/http.js';
import { adminTokenRequest, assertArm401, bearer, decodeJwt, freshToken, SUBSCRIPTIONS } from './support.js';

let s: TestServer;
let realClaims: Record<string, any>;
before(async () => {
  s = await startTestServer();
  realClaims = decodeJwt(await freshToken(s)).payload;
});
after(() => s?.close());

const get = (headers: Record<string, string> = {}) => s.raw('GET', SUBSCRIPTIONS, { headers });
const now = () => Math.floor(Date.now() / 1000);

/** The claims of a genuine admin token for ARM, freshly timed. */
function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  const t = now();
  const c: Record<string, unknown> = { ...realClaims, uti: crypto.randomBytes(8).toString('hex'), iat: t, nbf: t, exp: t + 3600, ...overrides };
  for (const [k, v] of Object.entries(c)) if (v === undefined) delete c[k];
  return c;
}

/** Signs with the server's own active key, as only the server can: for tokens whose signature is genuine but whose claims are not acceptable. */
function signWithServerKey(payload: JWTPayload, kid?: string): Promise<string> {
  const key = s.running.context.keys.active()!;
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: kid ?? key.kid }).sign(key.privateKey!);
}

/** A rejected request reveals nothing: only the error envelope, no data, no echo of the token. */
function assertNothingLeaked(res: HttpResponse, token: string): void {
  assert.ok(!res.text.includes(s.subscriptionId), 'no subscription data in a 401');
  assert.ok(!res.text.includes(token), 'the token is not echoed');
  assert.ok(!res.text.includes(token.split('.')[1] ?? '\u0000'), 'the token payload is not echoed');
}

/** Parses ARM's .NET `M/d/yyyy h:mm:ss tt` UTC time, strictly (no leading zeros, 12-hour clock). */
function parseDotNetTime(text: string): Date {
  const m = /^(1[0-2]|[1-9])\/(3[01]|[12]\d|[1-9])\/(\d{4}) (1[0-2]|[1-9]):([0-5]\d):([0-5]\d) (AM|PM)$/.exec(text);
  assert.ok(m, `'${text}' is not in M/d/yyyy h:mm:ss tt form`);
  const hour = (Number(m[4]) % 12) + (m[7] === 'PM' ? 12 : 0);
  return new Date(Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), hour, Number(m[5]), Number(m[6])));
}

test('a token the test signs with the server key and genuine claims is accepted (so the rejections below are about one flaw each)', async () => {
  const res = await get(bearer(await signWithServerKey(claims())));
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.value[0].subscriptionId, s.subscriptionId);
});

test('no Authorization header is 401 AuthenticationFailed with a Bearer challenge', async () => {
  const res = await get();
  assertArm401(res, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
  assert.ok(String(res.headers['www-authenticate']).includes(`authorization_uri="${s.url}/${s.tenantId}"`));
  assert.ok(res.headers['x-ms-request-id'], 'ARM tracing headers on errors too');
});

test('an Authorization header that is not "Bearer <token>" is 401 AuthenticationFailedInvalidHeader', async () => {
  const token = await freshToken(s);
  for (const value of [`Basic ${Buffer.from(`${s.clientId}:${s.clientSecret}`).toString('base64')}`, 'Bearer', 'Bearer    ', 'Token abc', `Bearer ${token} ${token}`, token]) {
    const res = await get({ authorization: value });
    assertArm401(res, 'AuthenticationFailedInvalidHeader', "Authentication failed. The 'Authorization' header is provided in an invalid format.");
    assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/);
  }
});

test('a token that is not a JWT is 401 InvalidAuthenticationToken', async () => {
  for (const garbage of ['garbage', 'a.b.c', 'eyJ.eyJ.sig', `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.%%%.x`]) {
    const res = await get(bearer(garbage));
    assertArm401(res, 'InvalidAuthenticationToken', /^The access token is invalid\./);
  }
});

test('forged tokens are 401 InvalidAuthenticationToken and reveal nothing', async () => {
  const kid = s.running.context.keys.active()!.kid;
  const payload = claims();
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const publicPem = s.running.context.keys.active()!.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const genuine = await signWithServerKey(payload);
  const [gh, , gs] = genuine.split('.');

  const forged: Record<string, string> = {
    'alg none': `${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(payload)}.`,
    'alg none, signature kept': `${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(payload)}.${gs}`,
    'HS256 keyed with the public key PEM': await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid }).sign(Buffer.from(publicPem)),
    'RS256 by another key claiming the same kid': await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(other.privateKey),
    'RS256 by another key with an unknown kid': await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'unknown-kid' }).sign(other.privateKey),
    'genuine signature, unknown kid': await signWithServerKey(payload, 'not-a-published-kid'),
    'no kid': await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(s.running.context.keys.active()!.privateKey!),
    'one payload claim altered, signature kept': `${gh}.${b64({ ...payload, oid: crypto.randomUUID() })}.${gs}`,
    'signature stripped': `${gh}.${b64(payload)}.`,
    'PS256 with the server key': await new SignJWT(payload).setProtectedHeader({ alg: 'PS256', typ: 'JWT', kid }).sign(s.running.context.keys.active()!.privateKey!),
  };
  // The altered payload differs from the signed one in the payload segment only.
  assert.notEqual(forged['one payload claim altered, signature kept'].split('.')[1], genuine.split('.')[1]);

  for (const [name, token] of Object.entries(forged)) {
    const res = await get(bearer(token));
    assert.equal(res.status, 401, `${name}: ${res.text}`);
    assertArm401(res, 'InvalidAuthenticationToken', /^The access token is invalid\./);
    assertNothingLeaked(res, token);
  }
  // The genuine token built from the same claims passes: the flaw, not the claims, caused each 401.
  assert.equal((await get(bearer(genuine))).status, 200);
});

test("an expired token is 401 ExpiredAuthenticationToken with ARM's .NET-formatted times", async () => {
  for (const [iso, shown] of [
    ['2024-05-13T18:05:58Z', '5/13/2024 6:05:58 PM'],
    ['2023-01-02T00:07:09Z', '1/2/2023 12:07:09 AM'],
  ]) {
    const exp = Date.parse(iso) / 1000;
    const token = await signWithServerKey(claims({ iat: exp - 3600, nbf: exp - 3600, exp }));
    const before = Date.now();
    const res = await get(bearer(token));
    assertArm401(res, 'ExpiredAuthenticationToken');
    const m = /^The access token expiry UTC time '([^']+)' is earlier than current UTC time '([^']+)'\.$/.exec(res.body.error.message);
    assert.ok(m, res.body.error.message);
    assert.equal(m[1], shown);
    assert.equal(parseDotNetTime(m[1]).getTime(), exp * 1000);
    const current = parseDotNetTime(m[2]).getTime();
    assert.ok(current >= Math.floor(before / 1000) * 1000 - 1000 && current <= Date.now() + 1000, `current time ${m[2]}`);
  }
  // Just expired, beyond the five-minute skew: refused too.
  const res = await get(bearer(await signWithServerKey(claims({ exp: now() - 301 - 5 }))));
  assertArm401(res, 'ExpiredAuthenticationToken');
});

test('clock skew of up to five minutes is tolerated, beyond it a not-yet-valid token is refused', async () => {
  assert.equal((await get(bearer(await signWithServerKey(claims({ exp: now() - 60 }))))).status, 200, 'expired a minute ago: within skew');
  assert.equal((await get(bearer(await signWithServerKey(claims({ nbf: now() + 60 }))))).status, 200, 'valid in a minute: within skew');
  const future = await signWithServerKey(claims({ nbf: now() + 3600, iat: now() + 3600, exp: now() + 7200 }));
  const res = await get(bearer(future));
  assertArm401(res, 'InvalidAuthenticationToken', /validity start UTC time '.+' is later than current UTC time '.+'/);
});

test('a token without exp, or without oid/tid, is refused', async () => {
  for (const payload of [claims({ exp: undefined }), claims({ oid: undefined }), claims({ tid: undefined })]) {
    const res = await get(bearer(await signWithServerKey(payload)));
    assertArm401(res, 'InvalidAuthenticationToken', /^The access token is invalid\./);
  }
});

test('a token for another resource is 401 InvalidAuthenticationTokenAudience listing the allowed audiences', async () => {
  const vault = await adminTokenRequest(s, 'https://vault.azure.net/.default');
  assert.equal(vault.status, 200);
  const res = await get(bearer(vault.body.access_token));
  assertArm401(res, 'InvalidAuthenticationTokenAudience');
  const message: string = res.body.error.message;
  assert.ok(message.startsWith("The access token has been obtained for wrong audience or resource 'https://vault.azure.net'. It should exactly match with one of the allowed audiences "), message);
  for (const aud of ['https://management.azure.com/', 'https://management.core.windows.net/', `${s.url}/`]) {
    assert.ok(message.includes(`'${aud}'`), `${aud} listed in: ${message}`);
  }
  assert.match(message, /audiences ('[^']+',)+'[^']+'\.$/, "quoted, comma-separated without spaces, as ARM writes them");

  const none = await get(bearer(await signWithServerKey(claims({ aud: undefined }))));
  assertArm401(none, 'InvalidAuthenticationTokenAudience');
});

test('a token from another issuer is 401 InvalidAuthenticationTokenTenant', async () => {
  for (const iss of [`https://sts.windows.net/${s.tenantId}/`, `${s.url}/${crypto.randomUUID()}/`, `${s.url}/${s.tenantId}/v2.0`]) {
    const res = await get(bearer(await signWithServerKey(claims({ iss }))));
    assertArm401(res, 'InvalidAuthenticationTokenTenant');
    assert.ok(res.body.error.message.includes(`'${iss}'`), res.body.error.message);
  }
});

test("tokens for Azure's ARM audiences and for this server's own endpoint are all accepted", async () => {
  const port = new URL(s.url).port;
  const cases: [scope: string, aud: string][] = [
    ['https://management.azure.com//.default', 'https://management.azure.com/'],
    ['https://management.azure.com/.default', 'https://management.azure.com'],
    ['https://management.core.windows.net//.default', 'https://management.core.windows.net/'],
    [`${s.url}//.default`, `${s.url}/`],
    [`${s.url}/.default`, s.url],
    [`https://localhost:${port}//.default`, `https://localhost:${port}/`],
  ];
  for (const [scope, aud] of cases) {
    const t = await adminTokenRequest(s, scope);
    assert.equal(t.status, 200, t.text);
    assert.equal(decodeJwt(t.body.access_token).payload.aud, aud);
    const res = await get(bearer(t.body.access_token));
    assert.equal(res.status, 200, `${aud}: ${res.text}`);
  }
  // A look-alike is not an allowed audience.
  const lookalike = await adminTokenRequest(s, 'https://management.azure.com.evil.example//.default');
  assertArm401(await get(bearer(lookalike.body.access_token)), 'InvalidAuthenticationTokenAudience');
});

test('a request that fails authentication changes nothing', async () => {
  const rgPath = `/subscriptions/${s.subscriptionId}/resourcegroups/auth-rg?api-version=2021-04-01`;
  assert.equal((await s.arm('PUT', rgPath, { location: 'westus' })).status, 201);
  const idPath = `/subscriptions/${s.subscriptionId}/resourceGroups/auth-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/forged-id?api-version=2024-11-30`;
  const newRgPath = `/subscriptions/${s.subscriptionId}/resourcegroups/forged-rg?api-version=2021-04-01`;

  const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forged = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: s.running.context.keys.active()!.kid }).sign(other.privateKey);
  const expired = await signWithServerKey(claims({ iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }));
  const json = { 'content-type': 'application/json' };
  for (const token of [forged, expired]) {
    assert.equal((await s.raw('PUT', idPath, { headers: { ...bearer(token), ...json }, body: JSON.stringify({ location: 'westus' }) })).status, 401);
    assert.equal((await s.raw('PUT', newRgPath, { headers: { ...bearer(token), ...json }, body: JSON.stringify({ location: 'westus' }) })).status, 401);
    assert.equal((await s.raw('DELETE', rgPath, { headers: bearer(token) })).status, 401);
  }
  assert.equal((await s.raw('PUT', idPath, { headers: json, body: JSON.stringify({ location: 'westus' }) })).status, 401, 'no header at all');

  assert.equal((await s.arm('GET', idPath)).status, 404, 'the identity was not created');
  assert.equal((await s.arm('GET', newRgPath)).status, 404, 'the resource group was not created');
  assert.equal((await s.arm('GET', rgPath)).status, 200, 'the existing resource group was not deleted');
  const principals = await s.running.context.database.db.selectFrom('principals').select('kind').execute();
  assert.deepEqual(principals.map((p) => p.kind), ['ServicePrincipal'], 'no service principal was created for an identity');
});

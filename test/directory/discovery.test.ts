import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import { startTestServer, type TestServer } from '../support/server.js';
import { adminTokenRequest, assertEntraError, decodeJwt, freshToken, postForm } from './support.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s?.close());

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

test('v2 OpenID configuration has the four endpoints MSAL requires, all at this server, and they work', async () => {
  const res = await s.raw('GET', `/${s.tenantId}/v2.0/.well-known/openid-configuration`);
  assert.equal(res.status, 200, res.text);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const doc = res.body;
  const base = `${s.url}/${s.tenantId}`;
  assert.equal(doc.token_endpoint, `${base}/oauth2/v2.0/token`);
  assert.equal(doc.authorization_endpoint, `${base}/oauth2/v2.0/authorize`);
  assert.equal(doc.issuer, `${base}/v2.0`);
  assert.equal(doc.jwks_uri, `${base}/discovery/v2.0/keys`);

  // MSAL uses token_endpoint exactly as given: a client-credentials request there must succeed.
  const token = await postForm(s, new URL(doc.token_endpoint).pathname, {
    grant_type: 'client_credentials',
    client_id: s.clientId,
    client_secret: s.clientSecret,
    scope: 'https://management.azure.com/.default',
  });
  assert.equal(token.status, 200, token.text);

  const jwks = await s.raw('GET', new URL(doc.jwks_uri).pathname);
  assert.equal(jwks.status, 200);
  assert.ok(jwks.body.keys.some((k: { kid: string }) => k.kid === decodeJwt(token.body.access_token).header.kid));
});

test('the v1 OpenID configuration points at the v1 token endpoint and names the issuer tokens carry', async () => {
  const res = await s.raw('GET', `/${s.tenantId}/.well-known/openid-configuration`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.token_endpoint, `${s.url}/${s.tenantId}/oauth2/token`);
  const token = await freshToken(s);
  assert.equal(res.body.issuer, decodeJwt(token).payload.iss);
  for (const key of ['authorization_endpoint', 'jwks_uri']) assert.ok(String(res.body[key]).startsWith(`${s.url}/`), key);
});

test('discovery for an unknown tenant is an Entra error, not a document', async () => {
  const other = crypto.randomUUID();
  for (const path of [`/${other}/v2.0/.well-known/openid-configuration`, `/${other}/.well-known/openid-configuration`]) {
    const res = await s.raw('GET', path);
    assertEntraError(res, { status: 400, error: 'invalid_tenant', code: 90002, mentions: other });
    assert.equal(res.body.token_endpoint, undefined);
  }
});

test('the ADFS configuration az reads has authorization, token and device endpoints under /adfs', async () => {
  const res = await s.raw('GET', '/adfs/.well-known/openid-configuration');
  assert.equal(res.status, 200, res.text);
  const doc = res.body;
  assert.equal(doc.authorization_endpoint, `${s.url}/adfs/oauth2/authorize`);
  assert.equal(doc.token_endpoint, `${s.url}/adfs/oauth2/token`);
  assert.equal(doc.device_authorization_endpoint, `${s.url}/adfs/oauth2/devicecode`);
  assert.equal(doc.issuer, `${s.url}/adfs`);
  // MSAL Python takes the "tenant" from the token endpoint's first path segment: it must be 'adfs'.
  assert.equal(new URL(doc.token_endpoint).pathname.split('/')[1], 'adfs');

  const jwks = await s.raw('GET', new URL(doc.jwks_uri).pathname);
  assert.equal(jwks.status, 200);
  assert.ok(jwks.body.keys.length >= 1);
});

test('/metadata/endpoints tells az to use ADFS mode at this server, also at the // path az builds', async () => {
  for (const path of ['/metadata/endpoints?api-version=2015-01-01', '//metadata/endpoints?api-version=2015-01-01']) {
    const res = await s.raw('GET', path);
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    assert.equal(res.body.authentication.loginEndpoint, `${s.url}/adfs`);
    assert.equal(res.body.authentication.audiences[0], `${s.url}/`);
    assert.equal(res.body.resourceManager, `${s.url}/`);
  }
});

test('the JWKS holds RSA public keys only, including the kid of issued tokens, and verifies them', async () => {
  const token = await freshToken(s);
  const { header } = decodeJwt(token);
  for (const path of [`/${s.tenantId}/discovery/v2.0/keys`, `/${s.tenantId}/discovery/keys`, '/adfs/discovery/keys']) {
    const res = await s.raw('GET', path);
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    assert.match(String(res.headers['cache-control']), /max-age=\d+/);
    const keys: Record<string, unknown>[] = res.body.keys;
    assert.ok(Array.isArray(keys) && keys.length >= 1);
    for (const key of keys) {
      assert.equal(key.kty, 'RSA');
      assert.equal(typeof key.n, 'string');
      assert.equal(key.e, 'AQAB');
      assert.equal(typeof key.kid, 'string');
      for (const member of PRIVATE_JWK_MEMBERS) assert.equal(key[member], undefined, `JWKS key must not carry '${member}'`);
      // Node agrees that it is a public key.
      assert.equal(crypto.createPublicKey({ key: key as crypto.JsonWebKey, format: 'jwk' }).type, 'public');
    }
    const jwk = keys.find((k) => k.kid === header.kid);
    assert.ok(jwk, `kid ${header.kid} is published at ${path}`);
    const { payload } = await jwtVerify(token, await importJWK(jwk as Record<string, string>, 'RS256'), {
      algorithms: ['RS256'],
      issuer: `${s.url}/${s.tenantId}/`,
      audience: 'https://management.azure.com/',
    });
    assert.equal(payload.appid, s.clientId);
  }
  // ...and a key from the JWKS does not verify a token whose signature was altered.
  const jwk = (await s.raw('GET', '/adfs/discovery/keys')).body.keys.find((k: { kid: string }) => k.kid === header.kid);
  const [h, p, sig] = token.split('.');
  const altered = `${h}.${p}.${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
  await assert.rejects(jwtVerify(altered, await importJWK(jwk, 'RS256')));
});

test('with a public URL, discovery, tokens and metadata name the public URL rather than the listening address', async () => {
  const publicUrl = 'https://amity.example.test:9443';
  const p = await startTestServer({ extra: { publicUrl: `${publicUrl}/` } });
  try {
    const v2 = (await p.raw('GET', `/${p.tenantId}/v2.0/.well-known/openid-configuration`)).body;
    for (const key of ['token_endpoint', 'authorization_endpoint', 'jwks_uri', 'issuer']) {
      assert.ok(String(v2[key]).startsWith(`${publicUrl}/${p.tenantId}/`), `${key} = ${v2[key]}`);
    }
    const adfs = (await p.raw('GET', '/adfs/.well-known/openid-configuration')).body;
    for (const key of ['token_endpoint', 'authorization_endpoint', 'device_authorization_endpoint']) {
      assert.ok(String(adfs[key]).startsWith(`${publicUrl}/adfs/`), `${key} = ${adfs[key]}`);
    }
    const res = await adminTokenRequest(p, `${publicUrl}//.default`);
    assert.equal(res.status, 200, res.text);
    const { payload } = decodeJwt(res.body.access_token);
    assert.equal(payload.iss, `${publicUrl}/${p.tenantId}/`);
    const arm = await p.raw('GET', '/subscriptions?api-version=2022-12-01', { headers: { authorization: `Bearer ${res.body.access_token}` } });
    assert.equal(arm.status, 200, 'a token for the public ARM endpoint is accepted');
    assert.equal(p.running.bootstrapFile!.authorityHost, publicUrl);
    assert.equal(p.running.bootstrapFile!.armEndpoint, `${publicUrl}/`);
  } finally {
    await p.close();
  }
});

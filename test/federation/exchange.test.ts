import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SignJWT, importJWK } from 'jose';
import { addCredential, assertAadsts, claimsOf, exchange, newIdentity, removeCredentials, startFederation } from './support.js';
import { EXCHANGE_AUDIENCE } from './issuerFixture.js';

describe('workload identity federation: the exchange against a real oidc-provider issuer', () => {
  let f: Awaited<ReturnType<typeof startFederation>>;
  let mi: { id: string; clientId: string; principalId: string };
  before(async () => {
    f = await startFederation();
    mi = await newIdentity(f.s, 'fedmi');
    await addCredential(f.s, mi.id, 'ci-cred', { issuer: f.issuer.issuer, subject: f.issuer.clientId });
  });
  after(() => f?.close());

  const signWith = async (jwk: any, claims: Record<string, unknown>, kid = jwk.kid, alg = 'RS256') =>
    new SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(await importJWK(jwk, alg));

  test('the external token is exchanged for a token of the identity (Entra v2 shape), on every token path', async () => {
    const assertion = await f.issuer.token();
    for (const path of [`/${f.s.tenantId}/oauth2/v2.0/token`, `/${f.s.tenantId}/oauth2/token`, '/adfs/oauth2/token']) {
      const res = await exchange(f.s, mi.clientId, assertion, { path });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.token_type, 'Bearer');
      assert.equal(typeof res.body.expires_in, 'number');
      assert.equal(typeof res.body.ext_expires_in, 'number');
      const claims = claimsOf(res.body.access_token);
      assert.equal(claims.oid, mi.principalId);
      assert.equal(claims.appid, mi.clientId);
      assert.equal(claims.xms_mirid, mi.id);
      assert.equal(claims.aud, 'https://management.azure.com');
    }
  });

  test('the exchanged token works on ARM once the identity holds Reader', async () => {
    const res = await exchange(f.s, mi.clientId, await f.issuer.token());
    const token = res.body.access_token;
    const rg = `/subscriptions/${f.s.subscriptionId}/resourceGroups/fed-fedmi?api-version=2021-04-01`;
    const before = await f.s.raw('GET', rg, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(before.status, 403, before.text);
    const assignment = await f.s.arm('PUT', `/subscriptions/${f.s.subscriptionId}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=2022-04-01`, {
      properties: { roleDefinitionId: `/subscriptions/${f.s.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`, principalId: mi.principalId, principalType: 'ServicePrincipal' },
    });
    assert.equal(assignment.status, 201, assignment.text);
    const read = await f.s.raw('GET', rg, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(read.status, 200, read.text);
  });

  test('mismatches answer Entra codes with the presented values', async () => {
    const other = await newIdentity(f.s, 'fedmi2');
    const assertion = await f.issuer.token();
    const iss = f.issuer.issuer;
    const sub = f.issuer.clientId;
    // No credential at all.
    assertAadsts(await exchange(f.s, other.clientId, assertion), 70021, 'invalid_request', [`Assertion Issuer: '${iss}'`, `Assertion Subject: '${sub}'`, `Assertion Audience: '${EXCHANGE_AUDIENCE}'`]);
    await addCredential(f.s, other.id, 'wrong-issuer', { issuer: 'https://issuer.example.com', subject: sub });
    assertAadsts(await exchange(f.s, other.clientId, assertion), 700211, 'invalid_client', [`issuer '${iss}'`]);
    await addCredential(f.s, other.id, 'wrong-audience', { issuer: iss, subject: sub, audiences: ['api://Other'] });
    assertAadsts(await exchange(f.s, other.clientId, assertion), 700212, 'invalid_client', [`audience '${EXCHANGE_AUDIENCE}'`]);
    await addCredential(f.s, other.id, 'wrong-subject', { issuer: iss, subject: 'someone-else' });
    assertAadsts(await exchange(f.s, other.clientId, assertion), 700213, 'invalid_client', [`subject '${sub}'`]);
    await addCredential(f.s, other.id, 'case-subject', { issuer: iss, subject: sub.toUpperCase() });
    assertAadsts(await exchange(f.s, other.clientId, assertion), 7002138, 'invalid_client', [`subject '${sub}'`, 'case-insensitive']);
    // Unknown client.
    const unknown = await exchange(f.s, crypto.randomUUID(), assertion);
    assertAadsts(unknown, 700016, 'unauthorized_client');
    assert.equal(unknown.status, 401);
    // Expired assertion signed by the issuer's own key.
    const now = Math.floor(Date.now() / 1000);
    const expired = await signWith(f.issuer.signingKey, { iss, sub, aud: EXCHANGE_AUDIENCE, iat: now - 7200, nbf: now - 7200, exp: now - 3600 });
    assertAadsts(await exchange(f.s, mi.clientId, expired), 700024, 'invalid_client', ['not within its valid time range']);
    // A claims-matching expression (flexible credential) matches where the subject did not.
    await removeCredentials(f.s, other.id, ['wrong-issuer', 'wrong-audience', 'wrong-subject', 'case-subject']);
    await addCredential(f.s, other.id, 'flex', { issuer: iss, claimsMatchingExpression: { value: `claims['sub'] matches 'workload-*' and claims['client_id'] eq '${sub}'`, languageVersion: 1 } });
    assert.equal((await exchange(f.s, other.clientId, assertion)).status, 200);
  });

  test('a token signed by an unknown key, or with a bad signature, is refused; rotation at the issuer (ES256, new kid) is picked up', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: f.issuer.issuer, sub: f.issuer.clientId, aud: EXCHANGE_AUDIENCE, iat: now, exp: now + 300 };
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const stranger = { ...privateKey.export({ format: 'jwk' }), kid: 'stranger' };
    assertAadsts(await exchange(f.s, mi.clientId, await signWith(stranger, claims)), 700027, 'invalid_client', ["'stranger' was not found"]);
    assertAadsts(await exchange(f.s, mi.clientId, await signWith(stranger, claims, f.issuer.signingKey.kid)), 700027, 'invalid_client', ['signature does not verify']);
    f.issuer.rotate('ES256');
    const rotated = await f.issuer.token();
    assert.equal(JSON.parse(Buffer.from(rotated.split('.')[0], 'base64url').toString()).alg, 'ES256');
    const res = await exchange(f.s, mi.clientId, rotated);
    assert.equal(res.status, 200, res.text);
  });

  test("a managed identity's own Amity token for api://AzureADTokenExchange is an assertion (identity-to-identity), verified locally", async () => {
    const source = await newIdentity(f.s, 'fedsource');
    const target = await newIdentity(f.s, 'fedtarget');
    const ctx = f.s.running.context;
    const own = ctx.issuer.issueWorkload({ tenantId: f.s.tenantId, principalId: source.principalId, clientId: source.clientId, managedIdentityResourceId: source.id }, EXCHANGE_AUDIENCE);
    await addCredential(f.s, target.id, 'from-source', { issuer: ctx.issuer.workloadIssuerFor(f.s.tenantId), subject: source.principalId });
    const res = await exchange(f.s, target.clientId, own.accessToken);
    assert.equal(res.status, 200, res.text);
    assert.equal(claimsOf(res.body.access_token).oid, target.principalId);
  });
});

describe('workload identity federation: outbound safety', () => {
  let f: Awaited<ReturnType<typeof startFederation>>;
  before(async () => {
    f = await startFederation({ federationAllowedIssuers: ['https://allowed.example.com'] });
  });
  after(() => f?.close());

  test('an issuer outside the allow-list is never fetched; unreachable and non-https issuers answer distinct errors', async () => {
    const mi = await newIdentity(f.s, 'safety');
    await addCredential(f.s, mi.id, 'external', { issuer: f.issuer.issuer, subject: f.issuer.clientId });
    assertAadsts(await exchange(f.s, mi.clientId, await f.issuer.token()), 50166, 'invalid_client', ['allow-list']);
  });
});

describe('workload identity federation: unreachable issuers', () => {
  let f: Awaited<ReturnType<typeof startFederation>>;
  before(async () => {
    f = await startFederation();
  });
  after(() => f?.close());

  test('unreachable issuer, http issuer and bad discovery each answer a clear error', async () => {
    const mi = await newIdentity(f.s, 'unreach');
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = Math.floor(Date.now() / 1000);
    const sign = (iss: string) => new SignJWT({ iss, sub: 's', aud: EXCHANGE_AUDIENCE, iat: now, exp: now + 300 }).setProtectedHeader({ alg: 'RS256', kid: 'k' }).sign(privateKey);
    await addCredential(f.s, mi.id, 'down', { issuer: 'https://127.0.0.1:9', subject: 's' });
    assertAadsts(await exchange(f.s, mi.clientId, await sign('https://127.0.0.1:9')), 50166, 'invalid_client', ['could not be fetched']);
    await addCredential(f.s, mi.id, 'plain', { issuer: 'http://127.0.0.1:9', subject: 's' });
    assertAadsts(await exchange(f.s, mi.clientId, await sign('http://127.0.0.1:9')), 50166, 'invalid_client', ['only https']);
    // Amity's tenant discovery names the issuer with a trailing slash: for this issuer (none) the document is refused.
    const badDoc = `${f.s.url}/${f.s.tenantId}`;
    await addCredential(f.s, mi.id, 'baddoc', { issuer: badDoc, subject: 's' });
    assertAadsts(await exchange(f.s, mi.clientId, await sign(badDoc)), 50166, 'invalid_client', ['is not valid']);
  });
});

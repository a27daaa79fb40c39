import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { startTestServer } from '../support/server.js';
import { runScenario, scenarioEnv } from '../support/sdkChild.js';
import { ARM_RESOURCE, createHost, createUami, ensureGroup, msiToken, rgPath, sleep, verifyWithJwks, vmId, MSI_API, VM_API } from './support.js';

const scenario = path.join(path.dirname(fileURLToPath(import.meta.url)), 'appServiceScenario.ts');
const notFound = { error: 'invalid_request', error_description: 'Identity not found' };

test('App Service endpoint: the unmodified ManagedIdentityCredential, claims, caches and denials', async (t) => {
  const s = await startTestServer({ extra: { hostRateLimit: false } });
  try {
    await ensureGroup(s);
    const u1 = await createUami(s, 'uami1');
    const u2 = await createUami(s, 'uami2');
    const host = await createHost(s, 'vm1', { system: true, user: [u1] });
    const service = s.running.context.workloadTokens;
    assert.equal(host.endpoint, `${s.url}/msi/token`);

    await t.test('ManagedIdentityCredential (App Service mode): system-assigned, by clientId, resourceId, objectId; second getToken from the SDK cache', async () => {
      const before = service.requests;
      const r = await runScenario(scenario, scenarioEnv(s, { IDENTITY_ENDPOINT: host.endpoint, IDENTITY_HEADER: host.header, AMITY_MI_CLIENT_ID: u1.clientId, AMITY_MI_RESOURCE_ID: u1.id, AMITY_MI_OBJECT_ID: u1.principalId }));
      assert.equal(service.requests - before, 4, 'one request per identity: the second getToken is served from the SDK cache');
      for (const k of ['system', 'clientId', 'resourceId', 'objectId']) {
        assert.equal(r[k].sameSecond, true, k);
        assert.ok(r[k].expiresOnTimestamp > Date.now() + 23 * 3600_000, `${k}: expires_on read (about 24 h)`);
      }
      const sys = await verifyWithJwks(s, r.system.token);
      assert.equal(sys.oid, host.systemPrincipalId);
      assert.equal(sys.sub, host.systemPrincipalId);
      assert.equal(sys.xms_mirid, host.id);
      assert.equal(sys.xms_az_rid, undefined);
      for (const k of ['clientId', 'resourceId', 'objectId']) {
        const c = await verifyWithJwks(s, r[k].token);
        assert.equal(c.oid, u1.principalId, k);
        assert.equal(c.sub, u1.principalId);
        assert.equal(c.appid, u1.clientId);
        assert.equal(c.xms_mirid, u1.id);
        assert.equal(c.xms_az_rid, host.id);
      }
      const c = await verifyWithJwks(s, r.clientId.token);
      assert.equal(c.aud, 'https://management.azure.com');
      assert.equal(c.iss, `${s.url}/${s.tenantId}/`);
      assert.equal(c.idp, c.iss);
      assert.equal(c.tid, s.tenantId);
      assert.equal(c.appidacr, '2');
      assert.equal(c.idtyp, 'app');
      assert.equal(c.ver, '1.0');
      assert.equal(typeof c.uti, 'string');
      assert.equal(c.exp! - c.iat!, 86_400);
      assert.equal(c.nbf, c.iat);
    });

    await t.test('response shape: string fields, expires_on as epoch seconds; a token works against ARM', async () => {
      const r = await msiToken(s, host.header, { client_id: u1.clientId });
      assert.equal(r.status, 200, r.text);
      for (const f of ['access_token', 'expires_on', 'resource', 'token_type', 'client_id', 'expires_in', 'not_before']) assert.equal(typeof r.body[f], 'string', f);
      assert.equal(r.body.token_type, 'Bearer');
      assert.equal(r.body.resource, ARM_RESOURCE);
      assert.equal(r.body.client_id, u1.clientId);
      assert.match(r.body.expires_on, /^\d{10}$/);
      const arm = await s.raw('GET', `/subscriptions/${s.subscriptionId}?api-version=2022-12-01`, { headers: { authorization: `Bearer ${r.body.access_token}` } });
      assert.notEqual(arm.status, 401, arm.text);
    });

    await t.test('server cache: a repeated request costs no signature; another resource is a new token', async () => {
      const a = await msiToken(s, host.header, { principal_id: u1.principalId, resource: 'https://vault.azure.net' });
      const signed = service.signatures;
      const b = await msiToken(s, host.header, { object_id: u1.principalId, resource: 'https://vault.azure.net' });
      assert.equal(b.body.access_token, a.body.access_token);
      assert.equal(service.signatures, signed, 'no signature for a cache hit');
      const c = await msiToken(s, host.header, { client_id: u1.clientId, resource: 'https://storage.azure.com' });
      assert.notEqual(c.body.access_token, a.body.access_token);
      assert.equal(service.signatures, signed + 1);
    });

    await t.test('legacy 2017-09-01: Secret header and clientid', async () => {
      const r = await msiToken(s, host.header, { clientid: u1.clientId }, { legacy: true });
      assert.equal(r.status, 200, r.text);
      assert.equal(decodeJwt(r.body.access_token).appid, u1.clientId);
      assert.match(r.body.expires_on, /^\d+$/);
    });

    await t.test('denials: missing or wrong header 401; unassigned identity 400 Identity not found; bad requests 400', async () => {
      for (const header of [undefined, 'wrong-secret']) {
        const r = await msiToken(s, header, {});
        assert.equal(r.status, 401);
        assert.equal(r.body.error, 'invalid_request');
      }
      // The legacy header does not authenticate a 2019-08-01 request.
      const legacyHeader = await s.raw('GET', `/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(ARM_RESOURCE)}`, { headers: { secret: host.header } });
      assert.equal(legacyHeader.status, 401);
      for (const q of [{ client_id: u2.clientId }, { principal_id: u2.principalId }, { mi_res_id: u2.id }, { client_id: '00000000-0000-0000-0000-000000000000' }] as Record<string, string>[]) {
        const r = await msiToken(s, host.header, q);
        assert.equal(r.status, 400);
        assert.deepEqual(r.body, notFound);
      }
      assert.equal((await msiToken(s, host.header, { resource: '' })).status, 400);
      assert.equal((await msiToken(s, host.header, { client_id: u1.clientId, mi_res_id: u1.id })).status, 400);
      const noVersion = await s.raw('GET', `/msi/token?resource=x`, { headers: { 'x-identity-header': host.header } });
      assert.equal(noVersion.status, 400);
    });

    await t.test('several user-assigned identities and no system-assigned: IMDS "Multiple user assigned identities" (one alone is chosen)', async () => {
      const multi = await createHost(s, 'vm-multi', { system: false, user: [u1, u2] });
      const r = await msiToken(s, multi.header, {});
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, { error: 'invalid_request', error_description: 'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request' });
      const single = await createHost(s, 'vm-single', { system: false, user: [u2] });
      const one = await msiToken(s, single.header, {});
      assert.equal(one.status, 200, one.text);
      assert.equal(decodeJwt(one.body.access_token).oid, u2.principalId);
    });

    await t.test('revoked tokens: never served from the cache, refused by ARM; /msi/state changes', async () => {
      const u3 = await createUami(s, 'uami3');
      const h = await createHost(s, 'vm-revoke', { system: false, user: [u3] });
      const state0 = await s.raw('GET', '/msi/state', { headers: { 'x-identity-header': h.header } });
      assert.equal(state0.status, 200);
      assert.equal(typeof state0.body.version, 'string');
      const before = await msiToken(s, h.header, {});
      assert.equal(before.status, 200);
      const armWith = (token: string) => s.raw('GET', `/subscriptions/${s.subscriptionId}?api-version=2022-12-01`, { headers: { authorization: `Bearer ${token}` } });
      assert.notEqual((await armWith(before.body.access_token)).status, 401);
      await sleep(1100); // iat has whole seconds
      const revoke = await s.arm('POST', `${u3.id}/revokeTokens?api-version=2023-07-31-preview`);
      assert.ok(revoke.status === 200 || revoke.status === 204, revoke.text);
      const state1 = await s.raw('GET', '/msi/state', { headers: { 'x-identity-header': h.header } });
      assert.notEqual(state1.body.version, state0.body.version);
      const after = await msiToken(s, h.header, {});
      assert.equal(after.status, 200);
      assert.notEqual(after.body.access_token, before.body.access_token, 'not served from the cache');
      await sleep(1100); // the verifier reads revocations at most once a second
      assert.equal((await armWith(before.body.access_token)).status, 401, 'a revoked token is refused by ARM');
      assert.notEqual((await armWith(after.body.access_token)).status, 401, 'a token issued after the revocation works');
    });

    await t.test('deleted identity: 400 Identity not found, the dangling reference stays visible on the host', async () => {
      const u4 = await createUami(s, 'uami4');
      const h = await createHost(s, 'vm-dangling', { system: true, user: [u4] });
      assert.equal((await msiToken(s, h.header, { client_id: u4.clientId })).status, 200);
      const del = await s.arm('DELETE', `${u4.id}?api-version=${MSI_API}`);
      assert.ok(del.status === 200 || del.status === 204, del.text);
      for (const q of [{ client_id: u4.clientId }, { mi_res_id: u4.id }, { principal_id: u4.principalId }] as Record<string, string>[]) {
        const r = await msiToken(s, h.header, q);
        assert.equal(r.status, 400, 'never a cached token');
        assert.deepEqual(r.body, notFound);
      }
      const vm = await s.arm('GET', `${vmId(s, 'vm-dangling')}?api-version=${VM_API}`);
      assert.ok(Object.keys(vm.body.identity.userAssignedIdentities ?? {}).some((k) => k.toLowerCase() === u4.id.toLowerCase()), 'dangling id visible');
      assert.equal((await msiToken(s, h.header, {})).status, 200, 'the system-assigned identity still works');
    });

    await t.test('host deleted: 401, and /msi/state 401', async () => {
      const h = await createHost(s, 'vm-gone', { system: true, user: [] });
      assert.equal((await msiToken(s, h.header, {})).status, 200);
      const del = await s.arm('DELETE', `${vmId(s, 'vm-gone')}?api-version=${VM_API}`);
      assert.ok(del.status === 200 || del.status === 204 || del.status === 202, del.text);
      const r = await msiToken(s, h.header, {});
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'invalid_request');
      assert.equal((await s.raw('GET', '/msi/state', { headers: { 'x-identity-header': h.header } })).status, 401);
    });

    await t.test("deleting the host's resource group removes its workload credential and assignments", async () => {
      await ensureGroup(s, 'doomed');
      const u = await createUami(s, 'doomed-id', 'doomed');
      const h = await createHost(s, 'vm-doomed', { system: true, user: [u] }, 'doomed');
      assert.equal((await msiToken(s, h.header, {})).status, 200);
      const del = await s.arm('DELETE', `${rgPath(s, 'doomed')}?api-version=2021-04-01`);
      assert.equal(del.status, 200, del.text);
      assert.equal((await msiToken(s, h.header, {})).status, 401);
      const db = s.running.context.database.db;
      const left = await db.selectFrom('identity_assignments').select('host_key').where('host_key', '=', h.id.toLowerCase()).execute();
      assert.deepEqual(left, []);
      const creds = await db.selectFrom('host_credentials').select('host_key').where('host_key', '=', h.id.toLowerCase()).execute();
      assert.deepEqual(creds, []);
    });

    await t.test('a regenerated credential invalidates the previous one', async () => {
      const h = await createHost(s, 'vm-regen', { system: true, user: [] });
      const again = await s.arm('POST', `${vmId(s, 'vm-regen')}/regenerateIdentityCredential?api-version=${VM_API}`);
      assert.equal((await msiToken(s, h.header, {})).status, 401);
      assert.equal((await msiToken(s, again.body.identityHeader, {})).status, 200);
    });
  } finally {
    await s.close();
  }
});

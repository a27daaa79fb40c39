import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { runScenario, scenarioEnv } from '../support/sdkChild.js';
import { get } from './fakeUpstream.js';
import fs from 'node:fs';
import { startAgent } from '../../src/agent/server.js';
import { startAgentHost, VM_API } from './support.js';

const scenario = path.join(path.dirname(fileURLToPath(import.meta.url)), 'imdsScenario.ts');
const TOKEN = '/metadata/identity/oauth2/token';

test('ManagedIdentityCredential, unmodified, through amity agent (AZURE_POD_IDENTITY_AUTHORITY_HOST) against the server', async (t) => {
  const h = await startAgentHost();
  try {
    const { s, agent } = h;
    const env = scenarioEnv(s, {
      AZURE_POD_IDENTITY_AUTHORITY_HOST: agent.url,
      AGENT_IDENTITIES: JSON.stringify([
        { label: 'system', options: {} },
        { label: 'clientId', options: { clientId: h.a.clientId } },
        { label: 'resourceId', options: { resourceId: h.b.id } },
        { label: 'objectId', options: { objectId: h.a.principalId } },
      ]),
    });
    const r = await runScenario(scenario, env);
    const jwks = createLocalJWKSet((await s.raw('GET', `/${s.tenantId}/discovery/v2.0/keys`)).body);
    const verify = async (token: string): Promise<JWTPayload & Record<string, any>> => (await jwtVerify(token, jwks, { audience: 'https://management.azure.com' })).payload as any;

    await t.test('system-assigned, by clientId, by resourceId, by objectId: tokens verify against the JWKS with the right claims', async () => {
      assert.deepEqual(r.errors, {});
      const expected: Record<string, { oid: string; mirid: string; appid?: string }> = {
        system: { oid: h.system.principalId, mirid: h.vmId },
        clientId: { oid: h.a.principalId, mirid: h.a.id, appid: h.a.clientId },
        resourceId: { oid: h.b.principalId, mirid: h.b.id, appid: h.b.clientId },
        objectId: { oid: h.a.principalId, mirid: h.a.id, appid: h.a.clientId },
      };
      for (const [label, want] of Object.entries(expected)) {
        const c = await verify(r.tokens[label].first);
        assert.equal(c.aud, 'https://management.azure.com', label);
        assert.equal(c.tid, s.tenantId, label);
        assert.equal(c.oid, want.oid, label);
        assert.equal(c.sub, want.oid, label);
        assert.equal(String(c.xms_mirid).toLowerCase(), want.mirid.toLowerCase(), label);
        if (want.appid) assert.equal(c.appid, want.appid, label);
        else assert.match(String(c.appid), /^[0-9a-f-]{36}$/);
        assert.equal(c.idtyp, 'app');
        assert.equal(c.ver, '1.0');
        assert.ok(r.tokens[label].expiresOnTimestamp > Date.now() + 3600_000, `${label}: expires_on honoured`);
      }
    });

    await t.test('the second getToken came from the SDK cache: one agent request per identity', () => {
      for (const label of ['system', 'clientId', 'resourceId', 'objectId']) assert.equal(r.tokens[label].second, r.tokens[label].first);
      assert.equal(agent.handler.stats.tokenRequests, 4);
    });

    await t.test("the agent's cache: a second process asking again costs no upstream call", async () => {
      // objectId and clientId name the same identity but are different selectors: 4 upstream calls.
      assert.equal(agent.upstream.tokenCalls, 4);
      const r2 = await runScenario(scenario, env);
      assert.deepEqual(r2.errors, {});
      assert.equal(agent.handler.stats.tokenRequests, 8);
      assert.equal(agent.upstream.tokenCalls, 4);
      assert.equal(r2.tokens.clientId.first, r.tokens.clientId.first);
    });

    await t.test('an unknown identity is 400 Identity not found (never 404); /metadata/identity/info answers the tenant', async () => {
      const missing = await get(`${agent.url}${TOKEN}?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com&client_id=00000000-0000-0000-0000-000000000001`);
      assert.equal(missing.status, 400);
      assert.deepEqual(missing.body, { error: 'invalid_request', error_description: 'Identity not found' });
      const info = await get(`${agent.url}/metadata/identity/info?api-version=2018-02-01`);
      assert.deepEqual(info.body, { tenantId: s.tenantId });
    });

    await t.test('a host with only user-assigned identities and no selector: "Multiple user assigned identities exist" (400); deleting the host stops the agent serving within seconds', async () => {
      const vmPath = `/subscriptions/${s.subscriptionId}/resourceGroups/rg-agent/providers/Microsoft.Compute/virtualMachines/vm-ua`;
      const put = await s.arm('PUT', `${vmPath}?api-version=${VM_API}`, { location: 'westus', identity: { type: 'UserAssigned', userAssignedIdentities: { [h.a.id]: {}, [h.b.id]: {} } }, properties: {} });
      assert.ok(put.status < 300, `${put.status} ${put.text}`);
      const cred = (await s.arm('POST', `${vmPath}/regenerateIdentityCredential?api-version=${VM_API}`)).body;
      const agent2 = await startAgent({ identityEndpoint: cred.identityEndpoint, identityHeader: cred.identityHeader, port: 0, ca: fs.readFileSync(s.caCertPath) });
      try {
        const base = `${agent2.url}${TOKEN}?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com`;
        const none = await get(base);
        assert.equal(none.status, 400);
        assert.deepEqual(none.body, {
          error: 'invalid_request',
          error_description: 'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request',
        });
        const byClient = await get(`${base}&client_id=${h.a.clientId}`);
        assert.equal(byClient.status, 200);
        assert.equal((await verify(byClient.body.access_token)).xms_az_rid?.toLowerCase(), vmPath.toLowerCase());
        const del = await s.arm('DELETE', `${vmPath}?api-version=${VM_API}`);
        assert.ok(del.status < 300, `delete host: ${del.status}`);
        const t0 = Date.now();
        let after = await get(`${base}&client_id=${h.a.clientId}`);
        while (after.status === 200 && Date.now() - t0 < 6000) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          after = await get(`${base}&client_id=${h.a.clientId}`);
        }
        t.diagnostic(`host deletion reached the agent in ${Date.now() - t0} ms: ${after.status} ${after.text}`);
        assert.notEqual(after.status, 200);
        assert.notEqual(after.status, 404);
      } finally {
        await agent2.close();
      }
    });

    const q = (sel: string) => `${agent.url}${TOKEN}?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com&${sel}`;
    const waitFor = async (what: string, until: () => Promise<boolean>, ms = 6000) => {
      const t0 = Date.now();
      while (!(await until())) {
        if (Date.now() - t0 > ms) assert.fail(`${what}: not within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return Date.now() - t0;
    };

    await t.test('revokeTokens reaches the agent within seconds: the cached token is no longer served', async () => {
      const before = (await get(q(`client_id=${h.a.clientId}`))).body.access_token;
      assert.equal(before, r.tokens.clientId.first);
      const rev = await s.arm('POST', `${h.a.id}/revokeTokens?api-version=2023-07-31-preview`);
      assert.ok(rev.status < 300, `revokeTokens: ${rev.status} ${rev.text}`);
      const took = await waitFor('a fresh token after revocation', async () => (await get(q(`client_id=${h.a.clientId}`))).body.access_token !== before);
      t.diagnostic(`revocation reached the agent in ${took} ms`);
      const fresh = await get(q(`client_id=${h.a.clientId}`));
      assert.equal(fresh.status, 200);
      await verify(fresh.body.access_token);
    });

    await t.test('deleting an identity reaches the agent within seconds: Identity not found (400, never 404)', async () => {
      const ok = await get(q(`msi_res_id=${encodeURIComponent(h.b.id)}`));
      assert.equal(ok.status, 200);
      const del = await s.arm('DELETE', `${h.b.id}?api-version=2023-01-31`);
      assert.ok(del.status < 300, `delete: ${del.status}`);
      const took = await waitFor('Identity not found after deletion', async () => (await get(q(`msi_res_id=${encodeURIComponent(h.b.id)}`))).status === 400);
      t.diagnostic(`deletion reached the agent in ${took} ms`);
      const gone = await get(q(`msi_res_id=${encodeURIComponent(h.b.id)}`));
      assert.deepEqual(gone.body, { error: 'invalid_request', error_description: 'Identity not found' });
    });
  } finally {
    await h.close();
  }
});

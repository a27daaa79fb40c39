import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgent, type RunningAgent } from '../../src/agent/server.js';
import { normalizePath } from '../../src/agent/imds.js';
import { FAKE_TENANT, get, startFakeUpstream, type FakeUpstream } from './fakeUpstream.js';

const TOKEN = '/metadata/identity/oauth2/token';
const Q = 'api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com';

async function withAgent(fn: (agent: RunningAgent, fake: FakeUpstream) => Promise<void>, statePollMs = 2000): Promise<void> {
  const fake = await startFakeUpstream();
  const agent = await startAgent({ identityEndpoint: fake.identityEndpoint, identityHeader: fake.secret, port: 0, statePollMs });
  try {
    await fn(agent, fake);
  } finally {
    await agent.close();
    await fake.close();
  }
}

test('paths: trailing slash and leading double slash are the token path', () => {
  assert.equal(normalizePath('/metadata/identity/oauth2/token'), TOKEN);
  assert.equal(normalizePath('/metadata/identity/oauth2/token/'), TOKEN);
  assert.equal(normalizePath('//metadata/identity/oauth2/token/'), TOKEN);
  assert.equal(normalizePath('/'), '/');
});

test('the agent answers IMDS requests', async (t) => {
  await withAgent(async (agent, fake) => {
    await t.test('Metadata: true is required (400, IMDS body); the probe (no query, no header) gets 400', async () => {
      for (const headers of [{}, { metadata: 'True' }, { metadata: 'false' }] as Record<string, string>[]) {
        const r = await get(`${agent.url}${TOKEN}?${Q}`, headers);
        assert.equal(r.status, 400);
        assert.deepEqual(r.body, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
      }
      const probe = await get(`${agent.url}${TOKEN}`, { accept: 'application/json' });
      assert.equal(probe.status, 400);
      assert.equal(probe.body.error, 'invalid_request');
      assert.equal(fake.calls.length, 0);
    });

    await t.test('api-version and resource are required; selectors are mutually exclusive; bypass_cache only true', async () => {
      assert.equal((await get(`${agent.url}${TOKEN}?resource=x`)).status, 400);
      const noResource = await get(`${agent.url}${TOKEN}?api-version=2018-02-01`);
      assert.equal(noResource.status, 400);
      assert.equal(noResource.body.error, 'invalid_request');
      assert.equal((await get(`${agent.url}${TOKEN}?${Q}&client_id=a&object_id=b`)).status, 400);
      assert.equal((await get(`${agent.url}${TOKEN}?${Q}&client_id=a&msi_res_id=b`)).status, 400);
      assert.equal((await get(`${agent.url}${TOKEN}?${Q}&bypass_cache=false`)).status, 400);
      assert.equal(fake.calls.length, 0);
    });

    await t.test('a token: every field a string, expires_on in the future, from the three path forms', async () => {
      for (const p of [TOKEN, `${TOKEN}/`, `/${TOKEN}/`]) {
        const r = await get(`${agent.url}${p}?${Q}`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
        for (const f of ['access_token', 'client_id', 'expires_in', 'expires_on', 'ext_expires_in', 'not_before', 'resource', 'token_type']) {
          assert.equal(typeof r.body[f], 'string', `${f} is a string`);
        }
        assert.equal(r.body.resource, 'https://management.azure.com');
        assert.equal(r.body.token_type, 'Bearer');
        const now = Date.now() / 1000;
        assert.ok(Number(r.body.expires_on) > now + 80_000);
        assert.ok(Math.abs(Number(r.body.expires_in) - (Number(r.body.expires_on) - now)) <= 2);
        assert.ok(Number(r.body.not_before) <= now + 1);
      }
      // One upstream call: the other two came from the cache.
      assert.equal(fake.calls.length, 1);
      assert.equal(fake.calls[0].get('api-version'), '2019-08-01');
      assert.equal(fake.calls[0].get('resource'), 'https://management.azure.com');
      assert.equal([...fake.calls[0].keys()].sort().join(','), 'api-version,resource');
    });

    await t.test('selectors map to the App Service names; each (selector, resource) is cached apart', async () => {
      fake.calls.length = 0;
      await get(`${agent.url}${TOKEN}?${Q}&client_id=C1`);
      const byObject = await get(`${agent.url}${TOKEN}?${Q}&object_id=O1`);
      const byRes = await get(`${agent.url}${TOKEN}?${Q}&msi_res_id=%2Fsubscriptions%2Fs%2Fx`);
      await get(`${agent.url}${TOKEN}?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net&client_id=C1`);
      assert.deepEqual(
        fake.calls.map((c) => [...c.entries()].filter(([k]) => k !== 'api-version')),
        [
          [['resource', 'https://management.azure.com'], ['client_id', 'C1']],
          [['resource', 'https://management.azure.com'], ['principal_id', 'O1']],
          [['resource', 'https://management.azure.com'], ['mi_res_id', '/subscriptions/s/x']],
          [['resource', 'https://vault.azure.net'], ['client_id', 'C1']],
        ],
      );
      // IMDS echoes the selector it was given.
      assert.equal(byObject.body.object_id, 'O1');
      assert.equal(byRes.body.msi_res_id, '/subscriptions/s/x');
      // Again, client id in another case: cached.
      await get(`${agent.url}${TOKEN}?${Q}&client_id=c1`);
      await get(`${agent.url}${TOKEN}?${Q}&object_id=O1`);
      assert.equal(fake.calls.length, 4);
      // bypass_cache=true goes upstream.
      await get(`${agent.url}${TOKEN}?${Q}&client_id=C1&bypass_cache=true`);
      assert.equal(fake.calls.length, 5);
    });

    await t.test('concurrent misses for one key share one upstream call', async () => {
      fake.calls.length = 0;
      fake.delayMs = 150;
      const rs = await Promise.all(Array.from({ length: 10 }, () => get(`${agent.url}${TOKEN}?api-version=2018-02-01&resource=urn%3Aconcurrent`)));
      fake.delayMs = 0;
      assert.ok(rs.every((r) => r.status === 200));
      assert.equal(new Set(rs.map((r) => r.body.access_token)).size, 1);
      assert.equal(fake.calls.length, 1);
    });

    await t.test('upstream errors pass through with their status and body; 404 becomes 400; 429 keeps Retry-After', async () => {
      fake.override = { status: 400, body: { error: 'invalid_request', error_description: 'Identity not found' } };
      const missing = await get(`${agent.url}${TOKEN}?${Q}&client_id=missing`);
      assert.equal(missing.status, 400);
      assert.deepEqual(missing.body, { error: 'invalid_request', error_description: 'Identity not found' });
      const multiple = 'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request';
      fake.override = { status: 400, body: { error: 'invalid_request', error_description: multiple } };
      const m = await get(`${agent.url}${TOKEN}?api-version=2018-02-01&resource=urn%3Anothing-cached`);
      assert.deepEqual(m.body, { error: 'invalid_request', error_description: multiple });
      fake.override = { status: 404, body: { error: 'not_found', error_description: 'Identity not found' } };
      const notFound = await get(`${agent.url}${TOKEN}?${Q}&client_id=missing`);
      assert.equal(notFound.status, 400);
      assert.equal(notFound.body.error_description, 'Identity not found');
      fake.override = { status: 429, body: { error: 'too_many_requests', error_description: 'slow down' }, headers: { 'retry-after': '1' } };
      const throttled = await get(`${agent.url}${TOKEN}?${Q}&client_id=missing`);
      assert.equal(throttled.status, 429);
      assert.equal(throttled.headers['retry-after'], '1');
      fake.override = { status: 500, body: { error: { code: 'InternalServerError', message: 'boom' } } };
      const boom = await get(`${agent.url}${TOKEN}?${Q}&client_id=missing`);
      assert.equal(boom.status, 500);
      assert.deepEqual(boom.body, { error: 'server_error', error_description: 'boom' });
      fake.override = undefined;
    });

    await t.test('/metadata/identity/info answers the tenant', async () => {
      assert.equal((await get(`${agent.url}/metadata/identity/info?api-version=2018-02-01`, {})).status, 400);
      const r = await get(`${agent.url}/metadata/identity/info?api-version=2018-02-01`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { tenantId: FAKE_TENANT });
    });

    await t.test('other paths 404, other methods 405', async () => {
      assert.equal((await get(`${agent.url}/metadata/instance?api-version=2021-02-01`)).status, 404);
      const post = await new Promise<number>((resolve, reject) => {
        const req = (globalThis as any).fetch(`${agent.url}${TOKEN}?${Q}`, { method: 'POST', headers: { metadata: 'true' } });
        req.then((r: Response) => resolve(r.status), reject);
      });
      assert.equal(post, 405);
    });
  });
});

test('the cache is cleared when the host state version changes, and on 401 from the server', async () => {
  await withAgent(async (agent, fake) => {
    const first = await get(`${agent.url}${TOKEN}?${Q}`);
    const again = await get(`${agent.url}${TOKEN}?${Q}`);
    assert.equal(again.body.access_token, first.body.access_token);
    assert.equal(fake.calls.length, 1);
    fake.version++;
    const t0 = Date.now();
    let after = again;
    while (after.body.access_token === first.body.access_token && Date.now() - t0 < 5000) {
      await new Promise((r) => setTimeout(r, 100));
      after = await get(`${agent.url}${TOKEN}?${Q}`);
    }
    assert.notEqual(after.body.access_token, first.body.access_token, 'a new token after the state changed');
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
    assert.ok(fake.stateCalls >= 2);

    // The secret was regenerated: the server answers 401 and the agent drops what it had.
    fake.secret = 'rotated';
    await agent.pollState();
    assert.equal(agent.handler.cache.size, 0);
    const denied = await get(`${agent.url}${TOKEN}?${Q}`);
    assert.equal(denied.status, 401);
    assert.equal(denied.body.error, 'unauthorized_client');
  }, 300);
});

test('tokens near expiry are not served from the cache', async () => {
  await withAgent(async (agent, fake) => {
    fake.lifetime = 200; // under the 5-minute margin: never cached
    await get(`${agent.url}${TOKEN}?${Q}`);
    await get(`${agent.url}${TOKEN}?${Q}`);
    assert.equal(fake.calls.length, 2);
  });
});

test('an unreachable identity endpoint gives a 500 server_error, not a hang', async () => {
  const agent = await startAgent({ identityEndpoint: 'http://127.0.0.1:9/msi/token', identityHeader: 'x', port: 0 });
  try {
    const r = await get(`${agent.url}${TOKEN}?${Q}`);
    assert.equal(r.status, 500);
    assert.equal(r.body.error, 'server_error');
  } finally {
    await agent.close();
  }
});

test('ManagedIdentityCredential (unmodified, child process) gets tokens through the agent, and caches them', async () => {
  const { runScenario } = await import('../support/sdkChild.js');
  const scenario = new URL('./imdsScenario.ts', import.meta.url).pathname;
  await withAgent(async (agent, fake) => {
    const env = {
      AMITY_URL: fake.url,
      AMITY_TENANT_ID: FAKE_TENANT,
      AMITY_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000',
      AZURE_POD_IDENTITY_AUTHORITY_HOST: agent.url,
      AGENT_IDENTITIES: JSON.stringify([
        { label: 'system', options: {} },
        { label: 'clientId', options: { clientId: 'C1' } },
        { label: 'resourceId', options: { resourceId: '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x' } },
        { label: 'objectId', options: { objectId: 'O1' } },
      ]),
      HTTPS_PROXY: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1,localhost',
    };
    const r = await runScenario(scenario, env);
    assert.deepEqual(r.errors, {});
    for (const label of ['system', 'clientId', 'resourceId', 'objectId']) {
      assert.ok(r.tokens[label], label);
      assert.equal(r.tokens[label].second, r.tokens[label].first, `${label}: the second getToken came from the SDK cache`);
      assert.ok(r.tokens[label].expiresOnTimestamp > Date.now() + 3600_000);
    }
    // One request per identity reached the agent (the SDK cached the rest), and one upstream call each.
    assert.equal(agent.handler.stats.tokenRequests, 4);
    assert.deepEqual(
      fake.calls.map((c) => [...c.keys()].filter((k) => k !== 'api-version' && k !== 'resource').join()),
      ['', 'client_id', 'mi_res_id', 'principal_id'],
    );
    // A second process: the SDK asks again, the agent answers from its cache.
    const r2 = await runScenario(scenario, env);
    assert.equal(agent.handler.stats.tokenRequests, 8);
    assert.equal(fake.calls.length, 4);
    assert.equal(r2.tokens.clientId.first, r.tokens.clientId.first);
  });
});

test('the cache: entries expire 5 minutes early, and a fetch that began before a clear is not stored', async () => {
  const { TokenCache } = await import('../../src/agent/cache.js');
  const c = new TokenCache();
  const entry = { upstream: {}, expiresOn: 10_000, notBefore: 0 };
  assert.equal(c.set('k', entry, c.generation, 1000), true);
  assert.equal(c.get('k', 9_699), entry);
  assert.equal(c.get('k', 9_700), undefined);
  const gen = c.generation;
  c.clear();
  assert.equal(c.set('k', entry, gen, 1000), false, 'stale generation');
  assert.equal(c.size, 0);
});

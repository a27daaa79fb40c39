import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostRateLimiter } from '../../src/tokens/rateLimit.js';
import { startTestServer } from '../support/server.js';
import { createHost, ensureGroup, msiToken, sleep } from './support.js';

test('the token bucket: a burst of 20, then 20/s; at most 5 at once', async () => {
  const limiter = new HostRateLimiter({ ratePerSecond: 20, burst: 20, maxConcurrent: 5 });
  const held = [];
  for (let i = 0; i < 5; i++) {
    const a = limiter.admit('h');
    assert.ok(a.ok);
    held.push(a);
  }
  const sixth = limiter.admit('h');
  assert.deepEqual(sixth, { ok: false, retryAfterSeconds: 1 }, 'a sixth concurrent request is refused');
  assert.ok(limiter.admit('other').ok, 'hosts are counted apart');
  for (const a of held) if (a.ok) a.release();
  let admitted = 5;
  for (let i = 0; i < 30; i++) {
    const a = limiter.admit('h');
    if (!a.ok) {
      assert.ok(a.retryAfterSeconds >= 1);
      break;
    }
    a.release();
    admitted++;
  }
  assert.ok(admitted >= 20 && admitted <= 21, `burst of 20 (got ${admitted})`);
  await sleep(200);
  const refilled = limiter.admit('h');
  assert.ok(refilled.ok, 'the bucket refills at 20/s');
});

test('the endpoint answers 429 with Retry-After and too_many_requests past the host limit; the flag turns it off', async () => {
  const s = await startTestServer();
  try {
    await ensureGroup(s);
    const host = await createHost(s, 'vm-rl', { system: true, user: [] });
    const replies = await Promise.all(Array.from({ length: 40 }, () => msiToken(s, host.header, {})));
    const limited = replies.filter((r) => r.status === 429);
    assert.ok(limited.length > 0, 'some requests throttled');
    assert.ok(replies.filter((r) => r.status === 200).length >= 5);
    for (const r of limited) {
      assert.match(String(r.headers['retry-after']), /^\d+$/);
      assert.equal(r.body.error, 'too_many_requests');
    }
    await sleep(1500);
    assert.equal((await msiToken(s, host.header, {})).status, 200, 'admitted again after the delay');
  } finally {
    await s.close();
  }
  const off = await startTestServer({ extra: { hostRateLimit: false } });
  try {
    await ensureGroup(off);
    const host = await createHost(off, 'vm-rl', { system: true, user: [] });
    const replies = await Promise.all(Array.from({ length: 40 }, () => msiToken(off, host.header, {})));
    assert.deepEqual([...new Set(replies.map((r) => r.status))], [200]);
  } finally {
    await off.close();
  }
});

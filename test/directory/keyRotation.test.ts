import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importJWK, jwtVerify } from 'jose';
import { startTestServer } from '../support/server.js';
import { bearer, decodeJwt, freshToken, SUBSCRIPTIONS } from './support.js';

test('after rotation, tokens signed by the old key still work, new tokens use the new kid, and both survive a restart', async () => {
  const s = await startTestServer();
  try {
    const jwksKids = async () => ((await s.raw('GET', `/${s.tenantId}/discovery/v2.0/keys`)).body.keys as { kid: string }[]).map((k) => k.kid);
    const armStatus = async (token: string) => (await s.raw('GET', SUBSCRIPTIONS, { headers: bearer(token) })).status;

    const usedBefore = await freshToken(s);
    assert.equal(await armStatus(usedBefore), 200);
    // Not presented to ARM before the rotation: it must verify against the retired key, not a cache.
    const unusedBefore = await freshToken(s);
    const oldKid = decodeJwt(unusedBefore).header.kid;
    assert.deepEqual(await jwksKids(), [oldKid]);

    const rotated = await s.running.context.keys.rotate();
    assert.notEqual(rotated.kid, oldKid);

    const after = await freshToken(s);
    const newKid = decodeJwt(after).header.kid;
    assert.equal(newKid, rotated.kid, 'new tokens are signed with the new key');
    assert.notEqual(newKid, oldKid);
    assert.equal(await armStatus(unusedBefore), 200, 'a token from before the rotation is still accepted');
    assert.equal(await armStatus(usedBefore), 200);
    assert.equal(await armStatus(after), 200);
    assert.deepEqual((await jwksKids()).sort(), [oldKid, newKid].sort(), 'the JWKS publishes both keys');

    // Each token verifies against its own key from the JWKS, and not against the other one.
    const keys: Record<string, string>[] = (await s.raw('GET', `/${s.tenantId}/discovery/v2.0/keys`)).body.keys;
    const jwk = (kid: string) => importJWK(keys.find((k) => k.kid === kid)!, 'RS256');
    await jwtVerify(unusedBefore, await jwk(oldKid));
    await jwtVerify(after, await jwk(newKid));
    await assert.rejects(jwtVerify(after, await jwk(oldKid)));

    await s.restart();
    for (const token of [unusedBefore, after]) assert.equal(await armStatus(token), 200, 'both keys verify after a restart');
    assert.deepEqual((await jwksKids()).sort(), [oldKid, newKid].sort());
    assert.equal(s.running.context.keys.active()!.kid, newKid, 'the restart keeps the new key active rather than rotating again');
    assert.equal(decodeJwt(await freshToken(s)).header.kid, newKid);

    // A second rotation retires the second key; the first stays published while its tokens can live.
    const third = await s.running.context.keys.rotate();
    assert.deepEqual((await jwksKids()).sort(), [oldKid, newKid, third.kid].sort());
    assert.equal(await armStatus(unusedBefore), 200);
  } finally {
    await s.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startTestServer } from '../support/server.js';
import { createHost, ensureGroup, msiToken, sleep, verifyWithJwks } from './support.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const kidOf = (token: string) => decodeProtectedHeader(token).kid!;

test('key rotation: the next key is published before it signs; tokens from before and after both verify', async () => {
  const s = await startTestServer({ extra: { hostRateLimit: false } });
  try {
    await ensureGroup(s);
    const host = await createHost(s, 'vm-keys', { system: true, user: [] });
    const jwksKids = async () => ((await s.raw('GET', `/${s.tenantId}/discovery/v2.0/keys`)).body.keys as { kid: string }[]).map((k) => k.kid);
    const armStatus = async (token: string) => (await s.raw('GET', `/subscriptions/${s.subscriptionId}?api-version=2022-12-01`, { headers: { authorization: `Bearer ${token}` } })).status;

    const before = (await msiToken(s, host.header, {})).body.access_token as string;
    const oldKid = kidOf(before);
    const next = await s.running.context.keys.rotate({ publishDelaySeconds: 2 });
    assert.ok((await jwksKids()).includes(next.kid), 'published at once');
    const during = (await msiToken(s, host.header, { resource: 'https://vault.azure.net' })).body.access_token as string;
    assert.equal(kidOf(during), oldKid, 'the new key does not sign yet');
    const clientToken = await s.raw('POST', `/${s.tenantId}/oauth2/v2.0/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret, scope: 'https://management.azure.com/.default' }).toString(),
    });
    assert.equal(kidOf(clientToken.body.access_token), oldKid);

    await sleep(2200);
    const after = (await msiToken(s, host.header, { resource: 'https://storage.azure.com' })).body.access_token as string;
    assert.equal(kidOf(after), next.kid, 'the new key signs once its time has come');
    assert.deepEqual((await jwksKids()).sort(), [oldKid, next.kid].sort(), 'the retired key stays published');
    for (const token of [before, during, after]) await verifyWithJwks(s, token);
    // The server's cache still hands out the token signed before (it is valid): the key change needs no re-issue.
    assert.equal((await msiToken(s, host.header, {})).body.access_token, before);

    // A reload (the schedule's) keeps the retired key published: tokens it signed live another 24 h.
    await s.running.context.keys.reload();
    assert.ok((await jwksKids()).includes(oldKid));
    // ARM tokens signed by either key are accepted.
    const armAfter = await s.raw('POST', `/${s.tenantId}/oauth2/v2.0/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret, scope: 'https://management.azure.com/.default' }).toString(),
    });
    assert.equal(kidOf(armAfter.body.access_token), next.kid);
    assert.equal(await armStatus(clientToken.body.access_token), 200);
    assert.equal(await armStatus(armAfter.body.access_token), 200);

    // A restart keeps the schedule: no rotation, the new key signs.
    await s.restart();
    assert.equal(s.running.context.keys.active()!.kid, next.kid);
    assert.deepEqual((await jwksKids()).sort(), [oldKid, next.kid].sort());
  } finally {
    await s.close();
  }
});

test('retired keys are kept at least the longest token lifetime, and the schedule rotates an old key with a publish delay', async () => {
  const s = await startTestServer({ extra: { tokenLifetimeSeconds: 5 * 86_400, keyRotationDays: 0, keyPublishDelaySeconds: 3600 } });
  try {
    const keys = s.running.context.keys;
    const first = keys.active()!.kid;
    // rotateAfterDays 0: the key is due; the schedule publishes the next one and keeps signing with the current one.
    await keys.tick();
    const pending = keys.pending();
    assert.equal(pending.length, 1);
    assert.equal(keys.active()!.kid, first);
    assert.ok(pending[0].createdAt.getTime() > Date.now() + 3500_000);
    await keys.tick();
    assert.equal(keys.pending().length, 1, 'no second key while one waits');
    // Immediately rotated keys retire the others; they stay published though 2 days (the default) have "passed" for
    // a 5-day token lifetime: nothing is deleted before the longest token can expire.
    await keys.rotate();
    const db = s.running.context.database.db;
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
    await db.updateTable('signing_keys').set({ retired_at: threeDaysAgo }).where('kid', '=', first).execute();
    await keys.reload();
    assert.ok(keys.jwks().keys.some((k) => k.kid === first), 'kept: a 5-day token signed by it may still be live');
    const sixDaysAgo = new Date(Date.now() - 6 * 86_400_000).toISOString();
    await db.updateTable('signing_keys').set({ retired_at: sixDaysAgo }).where('kid', '=', first).execute();
    await keys.reload();
    assert.ok(!keys.jwks().keys.some((k) => k.kid === first), 'dropped once every token it signed has expired');
  } finally {
    await s.close();
  }
});

test('`amity keys rotate` works on the database: the running server publishes the key, which signs after the delay', async () => {
  const s = await startTestServer({ extra: { hostRateLimit: false } });
  try {
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '-e', `import('./src/cli/main.ts').then((m) => m.main(${JSON.stringify(['node', 'amity', 'keys', 'rotate', '--data', s.dataDir, '--publish-delay', '1'])}))`],
        { cwd: ROOT, env: { ...process.env, AMITY_KEY_ENCRYPTION_KEY: '' } },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      );
    });
    const kid = /new signing key (\S+):/.exec(out)?.[1];
    assert.ok(kid, out);
    const keys = s.running.context.keys;
    await keys.reload(); // what the schedule does every minute
    assert.ok(keys.jwks().keys.some((k) => k.kid === kid));
    await sleep(1100);
    await ensureGroup(s);
    const host = await createHost(s, 'vm-cli', { system: true, user: [] });
    const token = (await msiToken(s, host.header, {})).body.access_token as string;
    assert.equal(kidOf(token), kid);
    assert.equal(decodeJwt(token).ver, '1.0');
    await verifyWithJwks(s, token);
  } finally {
    await s.close();
  }
});

test('options: token lifetime, and the sts issuer style (ARM accepts it)', async () => {
  const s = await startTestServer({ extra: { hostRateLimit: false, tokenLifetimeSeconds: 3600, issuerStyle: 'sts' } });
  try {
    await ensureGroup(s);
    const host = await createHost(s, 'vm-sts', { system: true, user: [] });
    const r = await msiToken(s, host.header, {});
    const claims = decodeJwt(r.body.access_token);
    assert.equal(claims.iss, `https://sts.windows.net/${s.tenantId}/`);
    assert.equal(claims.idp, claims.iss);
    assert.equal(claims.exp! - claims.iat!, 3600);
    assert.equal(Number(r.body.expires_on), claims.exp);
    const arm = await s.raw('GET', `/subscriptions/${s.subscriptionId}?api-version=2022-12-01`, { headers: { authorization: `Bearer ${r.body.access_token}` } });
    assert.notEqual(arm.status, 401, arm.text);
  } finally {
    await s.close();
  }
});

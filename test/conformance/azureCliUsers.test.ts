import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../support/server.js';
import { approveDeviceCode } from '../support/devicePage.js';
import { AZ_TIMEOUT_MS, Az, claimsOf, useCloud, withAzServer } from '../support/azureCli.js';
import { createUser } from '../../src/directory/users.js';

// The real Azure CLI (Debian azure-cli 2.45), unmodified, signing in users against the ADFS endpoints:
// `az login -u -p` (resource owner password) and `az login --use-device-code` approved on Amity's device page.

/** After a user login: az's view of the account and a token ARM accepts (or, once RBAC decides, answers 403 rather than 401). */
async function checkSignedIn(az: Az, s: TestServer, upn: string, objectId: string): Promise<void> {
  const token = await az.ok('account', 'get-access-token');
  assert.equal(token.tenant, s.tenantId);
  assert.equal(token.tokenType, 'Bearer');
  const claims = claimsOf(token.accessToken);
  assert.equal(claims.aud, `${s.url}/`);
  assert.equal(claims.oid, objectId);
  assert.equal(claims.upn, upn);
  assert.equal(claims.idtyp, 'user');
  const res = await s.raw('GET', `/subscriptions?api-version=2022-12-01`, { headers: { authorization: `Bearer ${token.accessToken}` } });
  assert.ok(res.status === 200 || (res.status === 403 && res.body.error.code === 'AuthorizationFailed'), res.text);
  const account = await az.ok('account', 'show');
  assert.equal(account.user.name, upn);
  assert.equal(account.user.type, 'user');
  assert.equal(account.tenantId, s.tenantId);
}

test('az login -u -p signs a user in; a wrong password fails with AADSTS50126', (t) =>
  withAzServer(t, async (az, s) => {
    const user = await createUser(s.running.context.database.db, s.tenantId, { userPrincipalName: 'ada@amity.local', displayName: 'Ada Lovelace', password: 'Engine-1843!' });
    await useCloud(az, s, 'Amity');

    const wrong = await az.fails('login', '-u', 'ada@amity.local', '-p', 'not-it', '--allow-no-subscriptions');
    assert.match(wrong.stderr, /AADSTS50126/);

    const r = await az.run('login', '-u', 'ada@amity.local', '-p', 'Engine-1843!', '--allow-no-subscriptions');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Array.isArray(r.json) && r.json.length >= 1, r.stdout);
    for (const entry of r.json) {
      assert.equal(entry.tenantId, s.tenantId);
      assert.deepEqual(entry.user, { name: 'ada@amity.local', type: 'user' });
    }
    await checkSignedIn(az, s, 'ada@amity.local', user.object_id);
  }),
);

test('az login --use-device-code: the code az prints is approved on the device page and az finishes signed in', (t) =>
  withAzServer(t, async (az, s) => {
    const user = await createUser(s.running.context.database.db, s.tenantId, { userPrincipalName: 'linus@amity.local', displayName: 'Linus', password: 'Kernel-1991!' });
    await useCloud(az, s, 'Amity');

    const child = az.spawn('login', '--use-device-code', '--allow-no-subscriptions');
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    const timer = setTimeout(() => child.kill('SIGKILL'), AZ_TIMEOUT_MS * 2);
    try {
      const code = await new Promise<string>((resolve, reject) => {
        const look = () => {
          const m = /open the page (\S+) and enter the code ([A-Z]{8}) to authenticate/.exec(stderr + stdout);
          if (m) {
            assert.equal(m[1], `${s.url}/devicelogin`);
            resolve(m[2]);
          }
        };
        child.stderr!.on('data', (d: Buffer) => {
          stderr += d.toString('utf8');
          look();
        });
        child.stdout!.on('data', look);
        void exited.then((c) => reject(new Error(`az exited (${c}) before printing a code:\n${stderr}\n${stdout}`)));
      });
      const approved = await approveDeviceCode(s, code, 'linus@amity.local', 'Kernel-1991!');
      assert.equal(approved.status, 200, approved.text);
      const exitCode = await exited;
      assert.equal(exitCode, 0, stderr);
    } finally {
      clearTimeout(timer);
    }
    const entries = JSON.parse(stdout);
    assert.ok(entries.length >= 1, stdout);
    assert.deepEqual(entries[0].user, { name: 'linus@amity.local', type: 'user' });
    await checkSignedIn(az, s, 'linus@amity.local', user.object_id);
  }),
);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Az, registerCloud, servicePrincipalLogin, useCloud, withAzServer } from '../support/azureCli.js';

// The real Azure CLI (Debian azure-cli 2.45), unmodified, against Amity's Microsoft Graph subset: `az ad user`,
// `az ad sp create-for-rbac`, `az ad sp list/show`, once the cloud's microsoftGraphResourceId is set with
// `az cloud update --cloud-config '{"endpoints":{"microsoftGraphResourceId":"<url>/msgraph/"}}'`.

test('az ad (Debian azure-cli) manages users and service principals through the Graph endpoint', (t) =>
  withAzServer(t, async (az, s) => {
    await t.test('cloud register, microsoftGraphResourceId via cloud update, login', async () => {
      await registerCloud(az, s, 'AmityGraph');
      await az.ok('cloud', 'update', '-n', 'AmityGraph', '--cloud-config', JSON.stringify({ endpoints: { microsoftGraphResourceId: `${s.url}/msgraph/` } }));
      await az.ok('cloud', 'set', '-n', 'AmityGraph');
      const cloud = await az.ok('cloud', 'show', '-n', 'AmityGraph');
      assert.equal(cloud.endpoints.microsoftGraphResourceId, `${s.url}/msgraph/`);
      const r = await az.run(...servicePrincipalLogin(s.clientId, s.clientSecret, s.tenantId));
      assert.equal(r.code, 0, r.stderr);
    });

    let userId = '';
    await t.test('ad user create, list, show, delete', async () => {
      const created = await az.ok('ad', 'user', 'create', '--display-name', 'Ada Lovelace', '--user-principal-name', 'ada@amity.example', '--password', 'Analytical-Engine-1843');
      assert.match(created.id, /^[0-9a-f-]{36}$/);
      assert.equal(created.userPrincipalName, 'ada@amity.example');
      assert.equal(created.displayName, 'Ada Lovelace');
      userId = created.id;
      await az.ok('ad', 'user', 'create', '--display-name', 'Grace Hopper', '--user-principal-name', 'grace@amity.example', '--password', 'Cobol-1959-Navy');

      const listed = await az.ok('ad', 'user', 'list');
      assert.deepEqual(listed.map((u: any) => u.userPrincipalName).sort(), ['ada@amity.example', 'grace@amity.example']);
      const byUpn = await az.ok('ad', 'user', 'list', '--upn', 'grace@amity.example');
      assert.deepEqual(byUpn.map((u: any) => u.displayName), ['Grace Hopper']);
      const byName = await az.ok('ad', 'user', 'list', '--display-name', 'Ada');
      assert.deepEqual(byName.map((u: any) => u.id), [userId]);

      const shown = await az.ok('ad', 'user', 'show', '--id', 'ada@amity.example');
      assert.equal(shown.id, userId);
      const shownById = await az.ok('ad', 'user', 'show', '--id', userId);
      assert.equal(shownById.userPrincipalName, 'ada@amity.example');

      await az.ok('ad', 'user', 'update', '--id', userId, '--display-name', 'Augusta Ada King');
      assert.equal((await az.ok('ad', 'user', 'show', '--id', userId)).displayName, 'Augusta Ada King');

      await az.ok('ad', 'user', 'delete', '--id', userId);
      const gone = await az.fails('ad', 'user', 'show', '--id', userId);
      assert.match(gone.stderr, /does not exist/);
      assert.deepEqual((await az.ok('ad', 'user', 'list')).map((u: any) => u.userPrincipalName), ['grace@amity.example']);
    });

    let sp: { appId: string; password: string; tenant: string; displayName: string } | undefined;
    await t.test('ad sp create-for-rbac prints credentials that sign in', async () => {
      sp = await az.ok('ad', 'sp', 'create-for-rbac', '-n', 'amity-ci');
      assert.match(sp!.appId, /^[0-9a-f-]{36}$/);
      assert.equal(sp!.displayName, 'amity-ci');
      assert.equal(sp!.tenant, s.tenantId);
      assert.ok(sp!.password.length >= 32);

      const second = new Az(s.caBundlePath);
      try {
        await useCloud(second, s, 'AmityGraph');
        // The new principal holds no role yet: a login with --allow-no-subscriptions proves the secret works.
        const r = await second.run(...servicePrincipalLogin(sp!.appId, sp!.password, sp!.tenant, '--allow-no-subscriptions'));
        assert.equal(r.code, 0, r.stderr);
        const token = await second.ok('account', 'get-access-token');
        const claims = JSON.parse(Buffer.from(token.accessToken.split('.')[1], 'base64url').toString('utf8'));
        assert.equal(claims.appid, sp!.appId);
        const wrong = await second.fails(...servicePrincipalLogin(sp!.appId, `${sp!.password}x`, sp!.tenant, '--allow-no-subscriptions'));
        assert.match(wrong.stderr, /AADSTS7000215/);
      } finally {
        second.dispose();
      }

      // Run again with the same name: az patches the application and rotates its secret; the old one stops working.
      const again = await az.ok('ad', 'sp', 'create-for-rbac', '-n', 'amity-ci');
      assert.equal(again.appId, sp!.appId);
      assert.notEqual(again.password, sp!.password);
      const third = new Az(s.caBundlePath);
      try {
        await useCloud(third, s, 'AmityGraph');
        const old = await third.fails(...servicePrincipalLogin(sp!.appId, sp!.password, sp!.tenant, '--allow-no-subscriptions'));
        assert.match(old.stderr, /AADSTS7000215/);
        const r = await third.run(...servicePrincipalLogin(again.appId, again.password, again.tenant, '--allow-no-subscriptions'));
        assert.equal(r.code, 0, r.stderr);
      } finally {
        third.dispose();
      }
    });

    await t.test('ad sp list --display-name, ad sp show --id, ad app list', async () => {
      const listed = await az.ok('ad', 'sp', 'list', '--display-name', 'amity-ci');
      assert.equal(listed.length, 1);
      assert.equal(listed[0].appId, sp!.appId);
      assert.equal(listed[0].servicePrincipalType, 'Application');
      const byAppId = await az.ok('ad', 'sp', 'show', '--id', sp!.appId);
      assert.equal(byAppId.id, listed[0].id);
      const byObjectId = await az.ok('ad', 'sp', 'show', '--id', listed[0].id);
      assert.equal(byObjectId.appId, sp!.appId);
      const apps = await az.ok('ad', 'app', 'list', '--app-id', sp!.appId);
      assert.equal(apps.length, 1);
      assert.equal(apps[0].displayName, 'amity-ci');
      assert.equal(apps[0].passwordCredentials.length, 1, 'the rerun replaced the first secret');
    });

    await t.test('ad sp delete, ad app delete', async () => {
      await az.ok('ad', 'sp', 'delete', '--id', sp!.appId);
      assert.deepEqual(await az.ok('ad', 'sp', 'list', '--display-name', 'amity-ci'), []);
      assert.equal((await az.ok('ad', 'app', 'list', '--app-id', sp!.appId)).length, 1, 'the application outlives its service principal');
      await az.ok('ad', 'app', 'delete', '--id', sp!.appId);
      assert.deepEqual(await az.ok('ad', 'app', 'list', '--app-id', sp!.appId), []);
    });

    await t.test('managed identities show up as ManagedIdentity service principals', async () => {
      await az.ok('group', 'create', '-n', 'rg-graph', '-l', 'westus');
      const id = await az.ok('identity', 'create', '-g', 'rg-graph', '-n', 'graph-id');
      const shown = await az.ok('ad', 'sp', 'show', '--id', id.principalId);
      assert.equal(shown.servicePrincipalType, 'ManagedIdentity');
      assert.equal(shown.appId, id.clientId);
      const byName = await az.ok('ad', 'sp', 'list', '--display-name', 'graph-id');
      assert.deepEqual(byName.map((x: any) => x.id), [id.principalId]);
    });
  }),
);

import assert from 'node:assert/strict';
import test from 'node:test';
import { launchBrowser, skipWithoutChromium, step, type BrowserSession } from '../support/browser.js';
import { startTestServer } from '../support/server.js';
import { assignRole, createUser, ensurePortalBuilt, signInThroughPage, signOutThroughPage } from './support.js';

/**
 * The identity journey of issue 8 in Debian's chromium, as a Contributor on the subscription: sign in (a wrong
 * password first), create an identity through the pane (Create new resource group, a rejected name on the way),
 * find it in the list, open it, edit its tags, delete it with confirmation, delete several from the list, sign
 * out; plus what the browser can check about security: cookie flags, CSRF, CSP, nothing in web storage.
 */
const MSI_API = '2023-01-31';
const USER = 'ada@amity.example';
const PASSWORD = 'Analytical-Engine-1843';

test('portal: managed identities end to end', { skip: skipWithoutChromium() }, async (t) => {
  ensurePortalBuilt();
  const s = await startTestServer();
  t.after(() => s.close());
  const userId = await createUser(s, USER, PASSWORD, 'Ada Lovelace');
  await assignRole(s, userId, 'Contributor', `/subscriptions/${s.subscriptionId}`);
  const browser: BrowserSession = await launchBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  // Each stage needs the ones before it: after a failure the rest are skipped rather than timing out one by one.
  let failed = false;
  const stage = (name: string, fn: () => Promise<void>) =>
    t.test(name, { skip: failed ? 'an earlier stage failed' : false }, async () => {
      try {
        await fn();
      } catch (e) {
        failed = true;
        throw e;
      }
    });
  const identityPath = (rg: string, name: string) => `/subscriptions/${s.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?api-version=${MSI_API}`;

  await stage('the page is served with a strict CSP and the right caching', () =>
    step(browser, 'headers', async () => {
      const res = await page.goto(`${s.url}/`);
      assert.ok(res);
      await page.waitForURL((u) => u.pathname === '/portal/signin');
      const headers = res.headers();
      const csp = headers['content-security-policy'];
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
      assert.match(headers['cache-control'], /no-cache/);
      const script = await page.locator('script[type=module]').getAttribute('src');
      assert.match(script!, /^\/portal\/assets\/[\w-]+\.js$/);
      const asset = await s.raw('GET', script!);
      assert.equal(asset.status, 200);
      assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script');
    }),
  );

  await stage('sign in: a wrong password is refused with the reason, then the right one gets in', () =>
    step(browser, 'sign-in', async () => {
      await page.getByLabel('User name').fill(USER);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Sign-in failed' }).waitFor();
      assert.match(await page.getByRole('alert').innerText(), /invalid username or password|AADSTS50126/i);
      await page.getByRole('link', { name: 'device sign-in page' }).waitFor();
      await signInThroughPage(page, s, USER, PASSWORD);
      await page.getByRole('heading', { name: 'Managed Identities', level: 1 }).waitFor();
      assert.match(await page.getByTestId('account-button').innerText(), /Ada Lovelace/);
    }),
  );

  await stage('the session cookie is __Host-, HttpOnly, Secure, SameSite=Strict; web storage holds no token', () =>
    step(browser, 'cookie', async () => {
      const cookies = await browser.context.cookies();
      assert.equal(cookies.length, 1, JSON.stringify(cookies));
      const c = cookies[0];
      assert.equal(c.name, '__Host-amity-session');
      assert.equal(c.httpOnly, true);
      assert.equal(c.secure, true);
      assert.equal(c.sameSite, 'Strict');
      assert.equal(c.path, '/');
      assert.equal(c.expires, -1, 'a browser-session cookie');
      assert.equal(await page.evaluate(() => document.cookie), '', 'invisible to scripts');
      const stored = await page.evaluate(() => JSON.stringify([{ ...window.localStorage }, { ...window.sessionStorage }]));
      assert.doesNotMatch(stored, /eyJ[\w-]+\.[\w-]+\./, 'no JWT in web storage');
      assert.ok(!stored.includes(c.value), 'no session id in web storage');
      // Only the hash of the session id is in the database.
      const rows = await s.running.context.database.db.selectFrom('portal_sessions').selectAll().execute();
      assert.equal(rows.length, 1);
      assert.notEqual(rows[0].id_hash, c.value);
      assert.ok(!JSON.stringify(rows).includes(c.value));
    }),
  );

  await stage('create through the pane: Create new resource group, a rejected name, Review + create, Create', () =>
    step(browser, 'create', async () => {
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      const pane = page.getByRole('dialog', { name: 'Create User Assigned Managed Identity' });
      await pane.waitFor();
      await pane.getByRole('button', { name: 'Create new' }).click();
      await pane.getByLabel('New resource group name').fill('portal-rg');
      await pane.getByLabel('Region').selectOption('westeurope');
      // A rejected name: the rule is shown while typing and Review + create does not proceed.
      await pane.getByLabel(/^Name/).fill('-portal identity');
      await pane.getByText('The name must start with a letter or a number.').waitFor();
      await pane.getByRole('button', { name: 'Review + create' }).click();
      assert.equal(await pane.getByRole('heading', { name: 'Review + create' }).count(), 0);
      // Long but valid: a warning only.
      await pane.getByLabel(/^Name/).fill('portal-identity-with-a-long-name');
      await pane.getByText(/longer than 24 characters/).waitFor();
      await pane.getByLabel(/^Name/).fill('portal-identity-1');
      await pane.getByRole('button', { name: 'Add tag' }).click();
      await pane.getByLabel('Tag 1 name').fill('env');
      await pane.getByLabel('Tag 1 value').fill('test');
      await pane.getByRole('button', { name: 'Review + create' }).click();
      await pane.getByRole('heading', { name: 'Review + create' }).waitFor();
      const summary = await pane.locator('dl').innerText();
      for (const expected of ['portal-rg (new)', 'West Europe', 'portal-identity-1', 'env: test']) assert.ok(summary.includes(expected), `${expected} in ${summary}`);
      await pane.getByRole('button', { name: 'Create', exact: true }).click();
      await pane.getByText('Deployment complete').waitFor();
      await pane.getByRole('button', { name: 'Close' }).last().click();
      const res = await s.arm('GET', identityPath('portal-rg', 'portal-identity-1'));
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.tags, { env: 'test' });
      assert.equal(res.body.location, 'westeurope');
    }),
  );

  await stage('find it in the list by name, resource group and location', () =>
    step(browser, 'list', async () => {
      // Another identity elsewhere, made by the admin, that the filters must hide.
      await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/other-rg?api-version=2021-04-01`, { location: 'westus' });
      await s.arm('PUT', identityPath('other-rg', 'other-identity'), { location: 'westus' });
      await page.getByRole('button', { name: 'Refresh' }).click();
      const table = page.getByRole('table', { name: 'Managed identities' });
      await table.getByRole('link', { name: 'other-identity' }).waitFor();
      await page.getByLabel('Filter by name').fill('portal-identity');
      await table.getByRole('link', { name: 'other-identity' }).waitFor({ state: 'detached' });
      await table.getByRole('link', { name: 'portal-identity-1' }).waitFor();
      await page.getByLabel('Filter by name').fill('');
      await page.getByLabel('Resource group').selectOption('other-rg');
      await table.getByRole('link', { name: 'portal-identity-1' }).waitFor({ state: 'detached' });
      await page.getByLabel('Resource group').selectOption('');
      await page.getByLabel('Location').selectOption('westeurope');
      await table.getByRole('link', { name: 'other-identity' }).waitFor({ state: 'detached' });
      await table.getByRole('link', { name: 'portal-identity-1' }).waitFor();
      await page.getByLabel('Location').selectOption('');
    }),
  );

  await stage('a server error appears next to the field it concerns', () =>
    step(browser, 'server-error', async () => {
      // other-identity exists in westus: the same name in another region is refused by ARM (InvalidResourceLocation).
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      const pane = page.getByRole('dialog', { name: 'Create User Assigned Managed Identity' });
      await pane.getByLabel('Resource group').selectOption('other-rg');
      await pane.getByLabel('Region').selectOption('westeurope');
      await pane.getByLabel(/^Name/).fill('other-identity');
      await pane.getByRole('button', { name: 'Review + create' }).click();
      await pane.getByRole('button', { name: 'Create', exact: true }).click();
      await pane.getByText(/InvalidResourceLocation/).waitFor();
      // Tied to the Region control for assistive technology: invalid, and described by the server's message.
      const region = pane.getByLabel('Region');
      assert.equal(await region.getAttribute('aria-invalid'), 'true');
      const description = await region.evaluate((el) => (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' '));
      assert.match(description, /already exists in location 'westus'.*InvalidResourceLocation/);
      await pane.getByRole('button', { name: 'Cancel' }).click();
      await pane.waitFor({ state: 'detached' });
      assert.equal((await s.arm('GET', identityPath('other-rg', 'other-identity'))).body.location, 'westus', 'unchanged');
    }),
  );

  await stage('open the details: every identifier shown with a copy button; tags editable', () =>
    step(browser, 'details', async () => {
      await page.getByRole('table', { name: 'Managed identities' }).getByRole('link', { name: 'portal-identity-1' }).click();
      await page.getByRole('heading', { name: 'portal-identity-1', level: 1 }).waitFor();
      const arm = (await s.arm('GET', identityPath('portal-rg', 'portal-identity-1'))).body;
      const expected: Record<string, string> = {
        Name: 'portal-identity-1',
        'Resource group': 'portal-rg',
        Location: 'westeurope',
        'Subscription ID': s.subscriptionId,
        'Client ID': arm.properties.clientId,
        'Object (principal) ID': arm.properties.principalId,
        'Tenant ID': s.tenantId,
        'Resource ID': arm.id,
      };
      for (const [label, value] of Object.entries(expected)) {
        assert.equal(await page.getByLabel(label, { exact: true }).inputValue(), value, label);
        await page.getByRole('button', { name: `Copy ${label}` }).waitFor();
      }
      for (const tab of ['Overview', 'Federated credentials', 'Associated resources', 'Access control (IAM)']) await page.getByRole('tab', { name: tab }).waitFor();

      await page.getByRole('button', { name: 'Add tag' }).click();
      await page.getByLabel('Tag 2 name').fill('owner');
      await page.getByLabel('Tag 2 value').fill('ada');
      await page.getByRole('button', { name: 'Save tags' }).click();
      await page.getByText('Tags saved.').waitFor();
      const after = await s.arm('GET', identityPath('portal-rg', 'portal-identity-1'));
      assert.deepEqual(after.body.tags, { env: 'test', owner: 'ada' });
    }),
  );

  await stage('CSRF: a write without the token is refused and changes nothing; a cross-site one too', () =>
    step(browser, 'csrf', async () => {
      const put = (headers: Record<string, string>) =>
        page.evaluate(
          async ({ path, headers }) => {
            const r = await fetch(path, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ location: 'westus' }) });
            return { status: r.status, body: await r.text() };
          },
          { path: `/portal/api/arm/subscriptions/${s.subscriptionId}/resourcegroups/csrf-rg?api-version=2021-04-01`, headers },
        );
      const without = await put({});
      assert.equal(without.status, 403, without.body);
      assert.match(without.body, /CsrfTokenInvalid/);
      const wrong = await put({ 'x-amity-csrf': 'not-the-token' });
      assert.equal(wrong.status, 403, wrong.body);
      assert.equal((await s.arm('GET', `/subscriptions/${s.subscriptionId}/resourcegroups/csrf-rg?api-version=2021-04-01`)).status, 404, 'nothing was created');
    }),
  );

  await stage('delete from the details page, with confirmation', () =>
    step(browser, 'delete-one', async () => {
      await page.getByRole('toolbar', { name: 'Identity actions' }).getByRole('button', { name: 'Delete' }).click();
      const dialog = page.getByRole('alertdialog', { name: 'Delete portal-identity-1?' });
      await dialog.waitFor();
      // Cancel first: nothing happens.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.equal((await s.arm('GET', identityPath('portal-rg', 'portal-identity-1'))).status, 200);
      await page.getByRole('toolbar', { name: 'Identity actions' }).getByRole('button', { name: 'Delete' }).click();
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('heading', { name: 'Managed Identities', level: 1 }).waitFor();
      assert.equal((await s.arm('GET', identityPath('portal-rg', 'portal-identity-1'))).status, 404);
    }),
  );

  await stage('select several in the list and delete them', () =>
    step(browser, 'delete-many', async () => {
      for (const name of ['bulk-1', 'bulk-2', 'bulk-3']) assert.equal((await s.arm('PUT', identityPath('other-rg', name), { location: 'westus' })).status, 201);
      await page.getByRole('button', { name: 'Refresh' }).click();
      const table = page.getByRole('table', { name: 'Managed identities' });
      await table.getByRole('link', { name: 'bulk-3' }).waitFor();
      await page.getByRole('checkbox', { name: 'Select bulk-1' }).click();
      await page.getByRole('checkbox', { name: 'Select bulk-2' }).click();
      await page.getByRole('button', { name: 'Delete (2)' }).click();
      const dialog = page.getByRole('alertdialog', { name: 'Delete 2 managed identities?' });
      assert.match(await dialog.getByRole('list', { name: 'Identities to delete' }).innerText(), /bulk-1\s+bulk-2/);
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await dialog.waitFor({ state: 'detached' });
      await table.getByRole('link', { name: 'bulk-1' }).waitFor({ state: 'detached' });
      assert.equal((await s.arm('GET', identityPath('other-rg', 'bulk-1'))).status, 404);
      assert.equal((await s.arm('GET', identityPath('other-rg', 'bulk-2'))).status, 404);
      assert.equal((await s.arm('GET', identityPath('other-rg', 'bulk-3'))).status, 200);
    }),
  );

  await stage('sign out ends the session on the server too', () =>
    step(browser, 'sign-out', async () => {
      const cookie = (await browser.context.cookies())[0];
      await signOutThroughPage(page);
      assert.deepEqual(await browser.context.cookies(), []);
      const replay = await s.raw('GET', `/portal/api/arm/subscriptions?api-version=2022-12-01`, { headers: { cookie: `${cookie.name}=${cookie.value}` } });
      assert.equal(replay.status, 401, 'the old cookie no longer works');
      assert.equal((await s.running.context.database.db.selectFrom('portal_sessions').selectAll().execute()).length, 0);
    }),
  );

  await t.test('no CSP violation or script error in the whole journey', () => {
    const problems = browser.consoleErrors.filter((m) => /Content Security Policy|Refused to|pageerror/i.test(m));
    assert.deepEqual(problems, []);
  });
});

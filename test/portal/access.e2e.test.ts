import assert from 'node:assert/strict';
import test from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, skipWithoutChromium, step, type BrowserSession } from '../support/browser.js';
import { startTestServer } from '../support/server.js';
import { assignRole, createUser, ensurePortalBuilt, signInThroughPage } from './support.js';

/**
 * Federated credentials, associated resources and access control in Debian's chromium. Alice (Owner on the
 * subscription) adds a federated credential through the GitHub Actions preset (checked through REST), sees the
 * virtual machine using the identity (also listed by the delete confirmation), gives Bob Reader on the identity's
 * resource group through the Add role assignment wizard; Bob, signed in in a second browser, cannot read the
 * identity before and can after; Check access explains both answers; Alice removes the assignment, Bob loses
 * access again; the activity log shows the writes.
 */
const MSI_API = '2023-01-31';
const ALICE = { upn: 'alice@amity.example', password: 'Correct-Horse-Battery-1', name: 'Alice Admin' };
const BOB = { upn: 'bob@amity.example', password: 'Tr0ub4dor-and-3-more', name: 'Bob Builder' };
const RG = 'rg-team';
const IDENTITY = 'app-identity';
const VM = 'build-vm';
const READ = 'Microsoft.ManagedIdentity/userAssignedIdentities/read';
const WRITE = 'Microsoft.ManagedIdentity/userAssignedIdentities/write';

test('portal: federated credentials, associated resources and access control end to end', { skip: skipWithoutChromium() }, async (t) => {
  ensurePortalBuilt();
  const s = await startTestServer();
  const browsers: BrowserSession[] = [];
  t.after(async () => {
    for (const b of browsers) await b.close();
    await s.close();
  });
  const sub = `/subscriptions/${s.subscriptionId}`;
  const rgId = `${sub}/resourceGroups/${RG}`;
  const aliceId = await createUser(s, ALICE.upn, ALICE.password, ALICE.name);
  const bobId = await createUser(s, BOB.upn, BOB.password, BOB.name);
  await assignRole(s, aliceId, 'Owner', sub);
  assert.equal((await s.arm('PUT', `${rgId}?api-version=2021-04-01`, { location: 'westus' })).status, 201);
  const identity = (await s.arm('PUT', `${rgId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${IDENTITY}?api-version=${MSI_API}`, { location: 'westus' })).body;
  const vm = await s.arm('PUT', `${rgId}/providers/Microsoft.Compute/virtualMachines/${VM}?api-version=2022-08-01`, {
    location: 'westus',
    identity: { type: 'UserAssigned', userAssignedIdentities: { [identity.id]: {} } },
  });
  assert.ok(vm.status === 200 || vm.status === 201, vm.text);

  const a = await launchBrowser();
  browsers.push(a);
  const b = await launchBrowser();
  browsers.push(b);
  const alice = a.page;
  const bob = b.page;
  const identityPage = (tab?: string) => `${s.url}/portal/resource${identity.id}${tab ? `?tab=${tab}` : ''}`;
  const groupPage = (tab?: string) => `${s.url}/portal/subscriptions/${s.subscriptionId}/resourcegroups/${RG}${tab ? `?tab=${tab}` : ''}`;

  let failed = false;
  const stage = (name: string, browser: BrowserSession, fn: () => Promise<void>) =>
    t.test(name, { skip: failed ? 'an earlier stage failed' : false }, async () => {
      try {
        await step(browser, name, fn);
      } catch (e) {
        failed = true;
        throw e;
      }
    });

  /** Bob opens the identity: either its overview (with the client id) or the authorization error. */
  async function bobSeesIdentity(page: Page): Promise<boolean> {
    await page.goto(identityPage());
    const overview = page.getByTestId('field-Client ID');
    const denied = page.getByRole('alert').filter({ hasText: 'AuthorizationFailed' });
    await overview.or(denied).first().waitFor();
    if (await denied.isVisible()) return false;
    assert.equal(await overview.inputValue(), identity.properties.clientId);
    return true;
  }

  await stage('both users sign in', a, async () => {
    await signInThroughPage(alice, s, ALICE.upn, ALICE.password);
    await step(b, 'bob signs in', () => signInThroughPage(bob, s, BOB.upn, BOB.password));
  });

  await stage('Alice adds a federated credential through the GitHub Actions preset', a, async () => {
    await alice.goto(identityPage('federated'));
    await alice.getByRole('button', { name: 'Add credential' }).click();
    const pane = alice.getByRole('dialog', { name: 'Add federated credential' });
    await pane.getByLabel('Federated credential scenario').selectOption('github');
    await pane.getByLabel('Organization').fill('contoso');
    await pane.getByLabel('Repository').fill('web');
    await pane.getByLabel('Entity').selectOption('environment');
    await pane.getByLabel('Environment').fill('production');
    assert.equal(await pane.getByLabel('Subject identifier').inputValue(), 'repo:contoso/web:environment:production');
    assert.equal(await pane.getByLabel('Issuer').inputValue(), 'https://token.actions.githubusercontent.com');
    assert.equal(await pane.getByLabel('Audience').inputValue(), 'api://AzureADTokenExchange');
    // A rejected name, explained next to the field while typing.
    await pane.getByLabel('Name').fill('deploy prod');
    await pane.getByText("can contain only letters, numbers, hyphens and underscores (not ' ')").waitFor();
    await pane.getByLabel('Name').fill('github-production');
    await pane.getByRole('button', { name: 'Add' }).click();
    await pane.waitFor({ state: 'detached' });
    const row = alice.getByRole('row').filter({ hasText: 'github-production' });
    await row.waitFor();
    assert.match(await row.innerText(), /GitHub Actions: contoso\/web, environment production/);
    const fic = await s.arm('GET', `${identity.id}/federatedIdentityCredentials/github-production?api-version=${MSI_API}`);
    assert.equal(fic.status, 200, fic.text);
    assert.deepEqual(fic.body.properties, { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:contoso/web:environment:production', audiences: ['api://AzureADTokenExchange'] });
  });

  await stage('the Associated resources tab and the delete confirmation list the virtual machine', a, async () => {
    await alice.getByRole('tab', { name: 'Associated resources' }).click();
    const row = alice.getByRole('table', { name: 'Associated resources' }).getByRole('row').filter({ hasText: VM });
    await row.waitFor();
    assert.match(await row.innerText(), /Virtual machine/);
    await alice.getByRole('toolbar', { name: 'Identity actions' }).getByRole('button', { name: 'Delete' }).click();
    const dialog = alice.getByRole('alertdialog');
    await dialog.getByRole('list', { name: 'Resources using the identity' }).getByText(VM).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  await stage('before any assignment, Bob cannot read the identity', b, async () => {
    assert.equal(await bobSeesIdentity(bob), false);
  });

  await stage("Alice gives Bob Reader on the identity's resource group through the wizard", a, async () => {
    await alice.goto(groupPage('iam'));
    await alice.getByRole('heading', { name: RG }).waitFor();
    await alice.getByRole('button', { name: 'Add role assignment' }).click();
    const wizard = alice.getByRole('dialog', { name: 'Add role assignment' });
    await wizard.getByLabel('Search by role name or description').fill('reader');
    await wizard.getByRole('radio', { name: 'Reader' }).click();
    // The selected role's description and permissions.
    await wizard.getByText('View all resources, but does not allow you to make any changes.').first().waitFor();
    await wizard.getByRole('list', { name: 'Reader: Actions' }).getByText('*/read').waitFor();
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByLabel('Search by name').fill('bob');
    await wizard.getByRole('checkbox', { name: `${BOB.name} (User)` }).check();
    await wizard.getByRole('list', { name: 'Selected members' }).getByText(BOB.name).waitFor();
    await wizard.getByRole('button', { name: 'Next' }).click();
    const review = wizard.getByRole('region', { name: 'Review + assign' });
    await review.getByText(`${BOB.name} (User)`).waitFor();
    await wizard.getByRole('button', { name: 'Review + assign' }).click();
    await wizard.waitFor({ state: 'detached' });
    const row = alice.getByRole('table', { name: 'Role assignments' }).getByRole('row').filter({ hasText: BOB.name });
    await row.waitFor();
    assert.match(await row.innerText(), /Reader[\s\S]*This resource/);
    const listed = await s.arm('GET', `${rgId}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent(`principalId eq '${bobId}'`)}`);
    assert.equal(listed.body.value.length, 1, listed.text);
    assert.equal(listed.body.value[0].properties.scope, rgId);
    assert.match(listed.body.value[0].properties.roleDefinitionId, /acdd72a7-3385-48ef-bd42-f606fba81ae7$/);
    // On the identity, the same assignment is inherited from the group.
    await alice.goto(identityPage('iam'));
    const inherited = alice.getByRole('table', { name: 'Role assignments' }).getByRole('row').filter({ hasText: BOB.name });
    await inherited.waitFor();
    assert.match(await inherited.innerText(), /Resource group \(Inherited\)/);
    // Inherited assignments are removed where they are assigned: the row links to the group's IAM tab.
    assert.equal(await inherited.getByRole('button', { name: /Remove/ }).count(), 0);
    await inherited.getByRole('link', { name: `Manage Reader for ${BOB.name} at its scope` }).click();
    await alice.getByRole('heading', { name: RG }).waitFor();
    await alice.waitForURL((u) => u.pathname.endsWith(`/resourcegroups/${RG}`) && u.search === '?tab=iam');
  });

  await stage('Bob can now read the identity', b, async () => {
    assert.equal(await bobSeesIdentity(bob), true);
  });

  await stage('Check access explains why Bob may read and may not write', a, async () => {
    await alice.goto(groupPage('iam'));
    await alice.getByRole('tab', { name: 'Check access' }).click();
    await alice.getByLabel('Principal: search by name').fill('bob');
    await alice.getByRole('radio', { name: `${BOB.name} (User)` }).check();
    const result = alice.getByTestId('check-access-result');
    await alice.getByLabel('Action', { exact: true }).fill(READ);
    await alice.getByRole('button', { name: 'Check access' }).click();
    await result.filter({ hasText: 'Allowed' }).waitFor();
    assert.match(await result.innerText(), new RegExp(`Allowed by 'Reader' at '${rgId}'`));
    await alice.getByLabel('Action', { exact: true }).fill(WRITE);
    await alice.getByRole('button', { name: 'Check access' }).click();
    await result.filter({ hasText: 'Denied' }).waitFor();
    assert.match(await result.innerText(), /none of these roles grants/);
  });

  await stage('Alice removes the assignment and Bob loses access again', a, async () => {
    await alice.getByRole('tab', { name: 'Role assignments' }).click();
    await alice.getByRole('button', { name: `Remove Reader for ${BOB.name}` }).click();
    const dialog = alice.getByRole('alertdialog');
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await dialog.waitFor({ state: 'detached' });
    await alice.getByRole('table', { name: 'Role assignments' }).getByRole('row').filter({ hasText: BOB.name }).waitFor({ state: 'detached' });
    await step(b, 'bob denied again', async () => assert.equal(await bobSeesIdentity(bob), false));
  });

  await stage('the activity log shows the writes, with their caller', a, async () => {
    await alice.getByRole('link', { name: 'Activity log' }).click();
    await alice.getByRole('heading', { name: 'Activity log' }).waitFor();
    await alice.getByLabel('Resource group').selectOption(RG);
    const table = alice.getByRole('table', { name: 'Activity log' });
    for (const op of ['Add/Update Federated Identity Credential', 'Create role assignment', 'Delete role assignment']) {
      const row = table.getByRole('row').filter({ hasText: op }).first();
      await row.waitFor();
      assert.match(await row.innerText(), new RegExp(`Succeeded[\\s\\S]*${ALICE.upn.replace('.', '\\.')}`));
    }
  });

  await stage('the resource group and subscription pages navigate; a group is created and deleted', a, async () => {
    await alice.getByRole('link', { name: 'Resource groups' }).click();
    await alice.getByRole('link', { name: RG }).click();
    await alice.getByRole('heading', { name: RG }).waitFor();
    const resources = alice.getByRole('table', { name: 'Resources' });
    await resources.getByRole('link', { name: IDENTITY }).waitFor();
    await resources.getByText(VM).waitFor();
    // Create a group through the dialog (a rejected name first), then delete it by typing its name.
    await alice.getByRole('link', { name: 'Resource groups' }).click();
    await alice.getByRole('heading', { name: 'Resource groups' }).waitFor();
    await alice.getByRole('toolbar', { name: 'Resource group actions' }).getByRole('button', { name: 'Create' }).click();
    const create = alice.getByRole('alertdialog');
    await create.getByLabel('Resource group name').fill('bad/name');
    await create.getByText('can contain only letters, numbers').waitFor();
    await create.getByLabel('Resource group name').fill('rg-scratch');
    await create.getByRole('button', { name: 'Create' }).click();
    await create.waitFor({ state: 'detached' });
    await alice.getByRole('link', { name: 'rg-scratch' }).waitFor();
    assert.equal((await s.arm('GET', `${sub}/resourceGroups/rg-scratch?api-version=2021-04-01`)).status, 200);
    await alice.getByRole('button', { name: 'Delete rg-scratch' }).click();
    const del = alice.getByRole('alertdialog');
    await del.getByLabel('Type the resource group name to confirm').fill('rg-scratch');
    await del.getByRole('button', { name: 'Delete' }).click();
    await del.waitFor({ state: 'detached' });
    for (let i = 0; i < 50 && (await s.arm('GET', `${sub}/resourceGroups/rg-scratch?api-version=2021-04-01`)).status !== 404; i++) await new Promise((r) => setTimeout(r, 200));
    assert.equal((await s.arm('GET', `${sub}/resourceGroups/rg-scratch?api-version=2021-04-01`)).status, 404);

    await alice.getByRole('link', { name: 'Subscriptions' }).click();
    await alice.getByRole('heading', { name: 'Subscriptions' }).waitFor();
    await alice.getByRole('table', { name: 'Subscriptions' }).getByRole('link').first().click();
    await alice.getByRole('tab', { name: 'Access control (IAM)' }).click();
    const own = alice.getByRole('table', { name: 'Role assignments' }).getByRole('row').filter({ hasText: ALICE.name });
    await own.waitFor();
    assert.match(await own.innerText(), /Owner[\s\S]*This resource/);
    assert.deepEqual(a.consoleErrors.filter((e) => !/status of 403/.test(e)), []);
  });
});

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import test from 'node:test';
import { launchBrowser, skipWithoutChromium, step } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { assignRole, createUser, ensurePortalBuilt, signInThroughPage } from './support.js';

/**
 * The list with 100,000 identities: it reads one server page ($top) and follows nextLink only when asked, so the
 * first screen and each "Load more" cost one page, however many identities there are; name and location filters
 * go to the server (the generic resource list's $filter), so a match anywhere among them costs one request.
 */
const COUNT = 100_000;
const USER = 'lin@amity.example';
const PASSWORD = 'Many-Identities-100k';

/** Writes the rows straight into the store (the ARM path would take minutes for 100,000). */
async function seedIdentities(s: TestServer, group: string, count: number): Promise<void> {
  const db = s.running.context.database.db;
  const sub = s.subscriptionId.toLowerCase();
  const now = new Date().toISOString();
  const CHUNK = 500;
  for (let start = 0; start < count; start += CHUNK) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + CHUNK); i++) {
      const name = `id-${String(i).padStart(6, '0')}`;
      const id = `/subscriptions/${s.subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
      rows.push({
        key: id.toLowerCase(),
        id,
        type: 'microsoft.managedidentity/userassignedidentities',
        subscription_id: sub,
        resource_group: group.toLowerCase(),
        parent_key: '',
        name,
        location: i % 2 ? 'westus' : 'eastus',
        tags: '{}',
        properties: JSON.stringify({ tenantId: s.tenantId, principalId: crypto.randomUUID(), clientId: crypto.randomUUID() }),
        etag: `"${crypto.randomUUID()}"`,
        created_at: now,
        changed_at: now,
        created_by: 'seed',
        changed_by: 'seed',
      });
    }
    await db.insertInto('resources').values(rows).execute();
  }
}

test('portal: the identities list pages through 100,000 identities', { skip: skipWithoutChromium(), timeout: 600_000 }, async (t) => {
  ensurePortalBuilt();
  const s = await startTestServer();
  t.after(() => s.close());
  const userId = await createUser(s, USER, PASSWORD);
  await assignRole(s, userId, 'Reader', `/subscriptions/${s.subscriptionId}`);
  assert.equal((await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/bulk?api-version=2021-04-01`, { location: 'westus' })).status, 201);
  await seedIdentities(s, 'bulk', COUNT);

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  const listCalls: string[] = [];
  const filterCalls: string[] = [];
  page.on('request', (r) => {
    if (/\/userAssignedIdentities\?/i.test(r.url())) listCalls.push(decodeURIComponent(r.url()));
    if (/\/resources\?/i.test(r.url())) filterCalls.push(decodeURIComponent(r.url()));
  });

  await step(browser, 'first screen: one page', async () => {
    const started = Date.now();
    await signInThroughPage(page, s, USER, PASSWORD);
    const table = page.getByRole('table', { name: 'Managed identities' });
    await table.getByRole('link', { name: 'id-000049' }).waitFor();
    const elapsed = Date.now() - started;
    assert.equal(await table.getByRole('row').count(), 51, 'a header and 50 rows');
    assert.equal(listCalls.length, 1, listCalls.join('\n'));
    assert.match(listCalls[0], /\$top=200/);
    await page.getByText(/Showing 50 of 200 matching \(200 loaded, more on the server\)/).waitFor();
    assert.ok(elapsed < 15_000, `first screen in ${elapsed} ms`);
  });

  await step(browser, 'Load more shows loaded rows first, then follows nextLink once', async () => {
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText(/Showing 200 of 200 matching/).waitFor();
    assert.equal(listCalls.length, 1, 'rows already loaded need no request');
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText(/Showing 250 of 400 matching \(400 loaded/).waitFor();
    assert.equal(listCalls.length, 2);
    assert.match(listCalls[1], /\$skiptoken=/);
  });

  await step(browser, 'a name filter asks the server, which finds an identity far beyond the loaded pages', async () => {
    const table = page.getByRole('table', { name: 'Managed identities' });
    await page.getByLabel('Filter by name').fill('id-099998');
    await table.getByRole('link', { name: 'id-099998' }).waitFor();
    await page.getByText(/Showing 1 of 1 matching \(1 loaded\)/).waitFor();
    assert.equal(await table.getByRole('row').count(), 2, 'a header and the one match');
    // One request to the generic resource list: the server filtered all 100,000 identities.
    assert.equal(filterCalls.length, 1, filterCalls.join('\n'));
    assert.match(filterCalls[0], /\/resources\?/);
    assert.match(filterCalls[0], /resourceType eq 'Microsoft\.ManagedIdentity\/userAssignedIdentities' and substringof\('id-099998', name\)/);
    assert.equal(listCalls.length, 2, 'no page of the identities list was scanned');
  });

  await step(browser, 'location joins the name on the server', async () => {
    const table = page.getByRole('table', { name: 'Managed identities' });
    await page.getByLabel('Location').selectOption('westus');
    await page.getByText(/No managed identities match the filters/).waitFor();
    assert.match(filterCalls.at(-1) ?? '', /substringof\('id-099998', name\) and location eq 'westus'/);
    await page.getByLabel('Location').selectOption('eastus');
    await table.getByRole('link', { name: 'id-099998' }).waitFor();
    await page.getByLabel('Filter by name').fill('');
    await page.getByLabel('Location').selectOption('');
    await table.getByRole('link', { name: 'id-000049' }).waitFor();
  });
});

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { TestServer } from '../support/server.js';
import {
  assertArmError,
  assertOk,
  createGroup,
  createIdentities,
  forEachBackend,
  groupIdentitiesPath,
  pathOfLink,
  subscriptionIdentitiesPath,
} from './helpers.js';

const COUNT = 250;
const API = '2023-01-31';

/** Follows nextLinks from `first` to the end; returns every page. */
async function allPages(s: TestServer, first: string): Promise<any[]> {
  const pages: any[] = [];
  let path: string | undefined = first;
  while (path) {
    assert.ok(pages.length < 50, 'too many pages: the nextLinks do not end');
    const res = await s.arm('GET', path);
    assertOk(res);
    assert.ok(Array.isArray(res.body.value));
    pages.push(res.body);
    if (res.body.nextLink === undefined) break;
    const link = new URL(res.body.nextLink);
    assert.equal(link.protocol, 'https:');
    assert.ok(res.body.nextLink.startsWith(`${s.url}/`), `nextLink ${res.body.nextLink} is under ${s.url}`);
    assert.equal(link.searchParams.get('api-version'), API, 'nextLink carries the api-version');
    path = pathOfLink(s, res.body.nextLink);
  }
  return pages;
}

function assertAllOnce(pages: any[], prefix: string): void {
  assert.ok(pages.length > 1, `expected several pages, got ${pages.length}`);
  for (const page of pages.slice(0, -1)) assert.ok(page.value.length > 0, 'a page before the last is not empty');
  const names = pages.flatMap((p) => p.value.map((i: any) => i.name)).filter((n: string) => n.startsWith(prefix));
  assert.equal(names.length, COUNT, 'every identity listed');
  assert.equal(new Set(names).size, COUNT, 'no identity listed twice');
  const expected = Array.from({ length: COUNT }, (_, i) => `${prefix}${i}`).sort();
  assert.deepEqual([...names].sort(), expected);
}

await forEachBackend((server) => {
  const group = 'rg-paging';
  before(async () => {
    const s = server();
    await createGroup(s, group);
    await createIdentities(s, group, 'page-', COUNT);
    // Neighbours that must not leak into the group's list.
    await createGroup(s, 'rg-paging-other');
    await createIdentities(s, 'rg-paging-other', 'other-', 3);
  });

  test('list by resource group is paged with absolute nextLinks that yield every identity once', async () => {
    const s = server();
    const pages = await allPages(s, groupIdentitiesPath(s, group, API));
    assertAllOnce(pages, 'page-');
    const all = pages.flatMap((p) => p.value);
    assert.equal(all.length, COUNT, 'nothing from other groups');
    for (const identity of all) {
      assert.equal(identity.type, 'Microsoft.ManagedIdentity/userAssignedIdentities');
      assert.deepEqual(Object.keys(identity.properties).sort(), ['clientId', 'principalId', 'tenantId']);
    }
  });

  test('list by subscription is paged the same way', async () => {
    const s = server();
    const pages = await allPages(s, subscriptionIdentitiesPath(s, API));
    assertAllOnce(pages, 'page-');
    const others = pages.flatMap((p) => p.value).filter((i: any) => i.name.startsWith('other-'));
    assert.equal(others.length, 3);
  });

  test('a nextLink can be followed again and gives the same page', async () => {
    const s = server();
    const first = await s.arm('GET', groupIdentitiesPath(s, group, API));
    const next = pathOfLink(s, first.body.nextLink);
    const a = await s.arm('GET', next);
    const b = await s.arm('GET', next);
    assert.deepEqual(a.body, b.body);
  });

  test('a garbage $skiptoken is 400', async () => {
    const s = server();
    for (const token of ['garbage', '%%%', 'eyJ4IjoxfQ']) {
      assertArmError(await s.arm('GET', `${groupIdentitiesPath(s, group, API)}&$skiptoken=${token}`), 400, 'InvalidSkipToken');
      assertArmError(await s.arm('GET', `${subscriptionIdentitiesPath(s, API)}&$skiptoken=${token}`), 400, 'InvalidSkipToken');
    }
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGroup, forEachBackend, identityPath } from './helpers.js';

const VM_API = '2024-07-01';
const vmPath = (sub: string, group: string, name: string, api = VM_API) =>
  `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${name}?api-version=${api}`;

await forEachBackend((server) => {
  test('identities carry an ETag header (no body etag, as in Azure) and honour If-Match on PUT, PATCH and DELETE', async () => {
    const s = server();
    await createGroup(s, 'rg-etag');
    const path = identityPath(s, 'rg-etag', 'etag-id');
    const created = await s.arm('PUT', path, { location: 'westus' });
    assert.equal(created.status, 201);
    const etag = created.headers.etag as string;
    assert.match(etag, /^"[0-9a-f-]{36}"$/);
    assert.equal(created.body.etag, undefined);
    assert.equal((await s.arm('GET', path)).headers.etag, etag);

    const stale = await s.arm('PUT', path, { location: 'westus', tags: { a: '1' } }, { 'if-match': '"not-the-etag"' });
    assert.equal(stale.status, 412, stale.text);
    assert.equal(stale.body.error.code, 'PreconditionFailed');
    assert.match(stale.body.error.message, /does not match etag/);

    const updated = await s.arm('PUT', path, { location: 'westus', tags: { a: '1' } }, { 'if-match': etag });
    assert.equal(updated.status, 200, updated.text);
    const etag2 = updated.headers.etag as string;
    assert.notEqual(etag2, etag);
    // The old version no longer matches, for PATCH and DELETE alike; a bare (unquoted) tag and `*` do.
    assert.equal((await s.arm('PATCH', path, { tags: { b: '2' } }, { 'if-match': etag })).status, 412);
    assert.equal((await s.arm('PATCH', path, { tags: { b: '2' } }, { 'if-match': etag2.slice(1, -1) })).status, 200);
    assert.equal((await s.arm('PUT', path, { location: 'westus' }, { 'if-none-match': '*' })).status, 412);
    assert.equal((await s.arm('DELETE', path, undefined, { 'if-match': etag2 })).status, 412);
    assert.equal((await s.arm('DELETE', path, undefined, { 'if-match': '*' })).status, 200);
    assert.equal((await s.arm('GET', path)).status, 404);
    // Absent: If-Match fails, If-None-Match: * creates.
    assert.equal((await s.arm('PUT', path, { location: 'westus' }, { 'if-match': '*' })).status, 412);
    assert.equal((await s.arm('DELETE', path, undefined, { 'if-match': '*' })).status, 412);
    assert.equal((await s.arm('PUT', path, { location: 'westus' }, { 'if-none-match': '*' })).status, 201);
  });

  test('virtual machines show etag in the body from 2023-09-01, equal to the ETag header', async () => {
    const s = server();
    await createGroup(s, 'rg-etag-vm');
    const put = await s.arm('PUT', vmPath(s.subscriptionId, 'rg-etag-vm', 'vm1'), { location: 'westus' });
    assert.equal(put.status, 201, put.text);
    assert.equal(put.body.etag, put.headers.etag);
    const old = await s.arm('GET', vmPath(s.subscriptionId, 'rg-etag-vm', 'vm1', '2023-07-01'));
    assert.equal(old.body.etag, undefined);
    const conflict = await s.arm('PATCH', vmPath(s.subscriptionId, 'rg-etag-vm', 'vm1'), { tags: { x: '1' } }, { 'if-match': '"0"' });
    assert.equal(conflict.status, 412);
  });

  test('concurrent PUTs of one identity never interleave: the final state is one writer’s whole body', async () => {
    const s = server();
    await createGroup(s, 'rg-race');
    const path = identityPath(s, 'rg-race', 'race-id');
    assert.equal((await s.arm('PUT', path, { location: 'westus' })).status, 201);
    const writers = 24;
    // Each writer's tag set is all-or-nothing: a mix of two writers' tags would be a state neither wrote.
    const bodies = Array.from({ length: writers }, (_, w) => ({ location: 'westus', tags: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, `w${w}`])) }));
    const results = await Promise.all(bodies.map((b) => s.arm('PUT', path, b)));
    for (const r of results) assert.ok(r.status === 200 || r.status === 409, `${r.status} ${r.text}`);
    const final = await s.arm('GET', path);
    const values = new Set(Object.values(final.body.tags as Record<string, string>));
    assert.equal(values.size, 1, `interleaved tags: ${JSON.stringify(final.body.tags)}`);
    assert.equal(Object.keys(final.body.tags).length, 8);
    // And with If-Match read-modify-write, no update is lost.
    const adds = 20;
    await Promise.all(
      Array.from({ length: adds }, async (_, i) => {
        for (;;) {
          const cur = await s.arm('GET', path);
          const tags = { ...(cur.body.tags as Record<string, string>), [`n${i}`]: '1' };
          const r = await s.arm('PUT', path, { location: 'westus', tags }, { 'if-match': cur.headers.etag as string });
          if (r.status === 200) return;
          assert.equal(r.status, 412, r.text);
        }
      }),
    );
    const end = await s.arm('GET', path);
    for (let i = 0; i < adds; i++) assert.equal(end.body.tags[`n${i}`], '1', `update ${i} lost`);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkloadTokenCache, type CachedToken } from '../../src/tokens/tokenCache.js';
import { selectIdentity, selectorFromQuery, IDENTITY_NOT_FOUND, MULTIPLE_USER_ASSIGNED } from '../../src/tokens/selectIdentity.js';
import type { HostIdentity, HostRecord } from '../../src/providers/compute/hostIdentities.js';

const now = () => Math.floor(Date.now() / 1000);
const token = (lifetime: number, issuedAgo = 0): CachedToken => ({ accessToken: `t${Math.random()}`, notBefore: now() - issuedAgo, expiresOn: now() - issuedAgo + lifetime, issuedAtMs: Date.now() - issuedAgo * 1000, clientId: 'c' });

test('the cache: per host and (identity, resource); until 5 minutes before expiry; a version change or a revocation drops entries', () => {
  const c = new WorkloadTokenCache();
  const t = token(86_400);
  c.set('h1', 'v1', 'P', 'r', t);
  assert.equal(c.get('h1', 'v1', 'p', 'r', 0), t, 'principal ids compare case-insensitively');
  assert.equal(c.get('h1', 'v1', 'p', 'other', 0), undefined);
  assert.equal(c.get('h2', 'v1', 'p', 'r', 0), undefined, 'per host');
  assert.equal(c.get('h1', 'v1', 'p', 'r', Date.now() + 1), undefined, 'signed before the revocation: never served');
  c.set('h1', 'v1', 'p', 'r', t);
  assert.equal(c.get('h1', 'v2', 'p', 'r', 0), undefined, 'a new state version clears the host');
  assert.equal(c.entries, 0);
  c.set('h1', 'v1', 'p', 'near', token(86_400, 86_400 - 200));
  assert.equal(c.get('h1', 'v1', 'p', 'near', 0), undefined, 'within 5 minutes of expiry: signed again');
  c.set('h1', 'v1', 'p', 'short', token(120, 70));
  assert.equal(c.get('h1', 'v1', 'p', 'short', 0), undefined, 'a short token is kept half its life');
  const bounded = new WorkloadTokenCache(2);
  for (const r of ['a', 'b', 'c']) bounded.set('h', 'v', 'p', r, token(3600));
  assert.equal(bounded.entries, 2);
});

test('selecting the identity as IMDS does', () => {
  const id = (kind: HostIdentity['kind'], n: string): HostIdentity => ({ kind, principalId: `p-${n}`, clientId: `c-${n}`, resourceId: `/x/${n}`, revokedBefore: 0 });
  const host = (system: boolean, user: string[], dangling: string[] = []): HostRecord => ({ hostKey: 'h', hostId: '/x/host', tenantId: 't', location: 'westus', system: system ? id('SystemAssigned', 'sys') : undefined, user: user.map((u) => id('UserAssigned', u)), dangling });
  const pick = (h: HostRecord, q: string) => {
    const sel = selectorFromQuery(new URLSearchParams(q));
    assert.ok(!('error' in sel));
    return selectIdentity(h, sel);
  };
  assert.deepEqual(pick(host(true, ['a']), ''), { ok: true, identity: id('SystemAssigned', 'sys') });
  assert.deepEqual(pick(host(false, ['a']), ''), { ok: true, identity: id('UserAssigned', 'a') });
  assert.deepEqual(pick(host(false, ['a', 'b']), ''), { ok: false, description: MULTIPLE_USER_ASSIGNED });
  assert.deepEqual(pick(host(false, []), ''), { ok: false, description: IDENTITY_NOT_FOUND });
  assert.deepEqual(pick(host(true, ['a']), 'client_id=C-A'), { ok: true, identity: id('UserAssigned', 'a') });
  assert.deepEqual(pick(host(true, ['a']), 'clientid=c-a'), { ok: true, identity: id('UserAssigned', 'a') });
  assert.deepEqual(pick(host(true, ['a']), 'object_id=p-a'), { ok: true, identity: id('UserAssigned', 'a') });
  assert.deepEqual(pick(host(true, ['a']), 'principal_id=p-sys'), { ok: true, identity: id('SystemAssigned', 'sys') });
  assert.deepEqual(pick(host(true, ['a']), 'mi_res_id=/X/A'), { ok: true, identity: id('UserAssigned', 'a') });
  assert.deepEqual(pick(host(true, ['a']), 'msi_res_id=/x/a'), { ok: true, identity: id('UserAssigned', 'a') });
  assert.deepEqual(pick(host(true, ['a'], ['/x/gone']), 'mi_res_id=/x/gone'), { ok: false, description: IDENTITY_NOT_FOUND });
  assert.deepEqual(pick(host(true, ['a']), 'client_id=nope'), { ok: false, description: IDENTITY_NOT_FOUND });
  assert.ok('error' in selectorFromQuery(new URLSearchParams('client_id=a&object_id=b')));
});

import assert from 'node:assert/strict';
import test from 'node:test';
import { checkIdentityName, checkResourceGroupName, checkTag, NAME_MAX, NAME_WARN_AFTER } from '../../portal/src/pages/identities/namingRules.js';
import { fieldOfServerError, validateCreateForm, emptyCreateForm } from '../../portal/src/pages/identities/createForm.js';
import { matches, sortRows, type Row } from '../../portal/src/pages/identities/identityList.js';

// The Create pane's rules, as pure functions (portal/src/pages/identities/*.ts).

test('identity names: 3–128, a letter or digit first, then letters, digits, - and _', () => {
  for (const ok of ['abc', 'a1-', '1ab', 'my_identity-01', 'A'.repeat(24)]) assert.deepEqual(checkIdentityName(ok), {}, ok);
  assert.match(checkIdentityName('').error!, /required/);
  assert.match(checkIdentityName('ab').error!, /at least 3/);
  assert.match(checkIdentityName('-abc').error!, /start with a letter or a number/);
  assert.match(checkIdentityName('_abc').error!, /start with a letter or a number/);
  assert.match(checkIdentityName('my identity').error!, /' '/);
  assert.match(checkIdentityName('a.b/c').error!, /'\.', '\/'/);
  assert.match(checkIdentityName('a'.repeat(NAME_MAX + 1)).error!, /at most 128/);
  assert.equal(checkIdentityName('a'.repeat(NAME_MAX)).error, undefined);
});

test('identity names past 24 characters are valid with a warning', () => {
  assert.equal(checkIdentityName('a'.repeat(NAME_WARN_AFTER)).warning, undefined);
  const long = checkIdentityName('a'.repeat(NAME_WARN_AFTER + 1));
  assert.equal(long.error, undefined);
  assert.match(long.warning!, /longer than 24/);
});

test('the rules agree with the server on every name the server accepts or rejects', () => {
  const server = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/; // src/providers/managedIdentity/userAssignedIdentities.ts
  for (const name of ['abc', 'ab', '-ab', 'a-b', 'a b', 'ä12', '1__', 'a'.repeat(128), 'a'.repeat(129), 'a*c', 'abc\n']) {
    assert.equal(checkIdentityName(name).error === undefined, server.test(name), name);
  }
});

test('resource group names and tags', () => {
  assert.deepEqual(checkResourceGroupName('my-rg_(1).x'), {});
  assert.match(checkResourceGroupName('').error!, /required/);
  assert.match(checkResourceGroupName('rg.').error!, /period/);
  assert.match(checkResourceGroupName('a/b').error!, /only letters/);
  assert.match(checkResourceGroupName('r'.repeat(91)).error!, /90/);
  assert.deepEqual(checkTag('env', 'prod'), {});
  assert.match(checkTag('a/b', 'x').error!, /cannot contain/);
  assert.match(checkTag(' ', 'x').error!, /needs a name/);
  assert.match(checkTag('k', 'v'.repeat(257)).error!, /256/);
});

test('the create form: required fields, the new group, and where server errors go', () => {
  const empty = validateCreateForm(emptyCreateForm('sub'));
  assert.deepEqual(Object.keys(empty.errors).sort(), ['location', 'name', 'resourceGroup']);
  const ok = validateCreateForm({ subscriptionId: 'sub', resourceGroup: '', newResourceGroup: 'new-rg', location: 'westus', name: 'id-1', tags: [{ name: 'env', value: 'test' }] });
  assert.deepEqual(ok.errors, {});
  const badNew = validateCreateForm({ subscriptionId: 'sub', resourceGroup: 'x', newResourceGroup: 'bad/rg', location: 'westus', name: 'id-1', tags: [] });
  assert.ok(badNew.errors.resourceGroup);
  const dupTags = validateCreateForm({ subscriptionId: 'sub', resourceGroup: 'rg', location: 'westus', name: 'id-1', tags: [{ name: 'a', value: '1' }, { name: 'A', value: '2' }] });
  assert.match(dupTags.errors.tags!, /twice/);

  assert.equal(fieldOfServerError('InvalidResourceName', 'identity'), 'name');
  assert.equal(fieldOfServerError('ResourceGroupNotFound', 'identity'), 'resourceGroup');
  assert.equal(fieldOfServerError('LocationNotAvailableForResourceType', 'identity'), 'location');
  assert.equal(fieldOfServerError('InvalidTagNameCharacters', 'identity'), 'tags');
  assert.equal(fieldOfServerError('InvalidResourceGroup', 'resourceGroup'), 'resourceGroup');
  assert.equal(fieldOfServerError('AuthorizationFailed', 'identity'), undefined);
});

test('the list: name and location filters and sorting over loaded rows', () => {
  const row = (name: string, resourceGroup: string, location: string): Row => ({ id: `/x/${name}`, name, resourceGroup, location, subscriptionId: 's', clientId: 'c' });
  const rows = [row('beta', 'rg2', 'westus'), row('Alpha', 'rg1', 'eastus'), row('alpha-2', 'rg1', 'westus'), row('id10', 'rg3', 'westus'), row('id9', 'rg3', 'westus')];
  assert.deepEqual(rows.filter((r) => matches(r, { name: 'ALPHA', location: '' })).map((r) => r.name), ['Alpha', 'alpha-2']);
  assert.deepEqual(rows.filter((r) => matches(r, { name: 'alpha', location: 'WestUS' })).map((r) => r.name), ['alpha-2']);
  assert.deepEqual(sortRows(rows, 'name', 'ascending').map((r) => r.name), ['Alpha', 'alpha-2', 'beta', 'id9', 'id10']);
  assert.deepEqual(sortRows(rows, 'resourceGroup', 'descending').map((r) => r.name), ['id10', 'id9', 'beta', 'alpha-2', 'Alpha']);
  assert.deepEqual(sortRows(rows, 'resourceGroup', 'ascending').map((r) => r.resourceGroup), ['rg1', 'rg1', 'rg2', 'rg3', 'rg3']);
});

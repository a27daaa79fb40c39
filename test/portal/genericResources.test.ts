import assert from 'node:assert/strict';
import test from 'node:test';
import { genericFilter, genericListPath } from '../../portal/src/api/genericResources.js';

const SUB = '00000000-0000-0000-0000-000000000001';
const UAMI = 'Microsoft.ManagedIdentity/userAssignedIdentities';

test('the generic list filter: type, name contains, location, joined by and; quotes doubled; blanks left out', () => {
  assert.equal(genericFilter({}), '');
  assert.equal(genericFilter({ resourceType: UAMI, nameContains: '  ', location: '' }), `resourceType eq '${UAMI}'`);
  assert.equal(genericFilter({ resourceType: UAMI, nameContains: " o'neil ", location: 'westus' }), `resourceType eq '${UAMI}' and substringof('o''neil', name) and location eq 'westus'`);
});

test('the generic list path: subscription or group scope, the filter encoded', () => {
  assert.equal(genericListPath(SUB, '', {}), `/subscriptions/${SUB}/resources`);
  assert.equal(genericListPath(SUB, 'my rg', { nameContains: 'a&b' }), `/subscriptions/${SUB}/resourceGroups/my%20rg/resources?$filter=${encodeURIComponent("substringof('a&b', name)")}`);
});

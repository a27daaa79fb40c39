import assert from 'node:assert/strict';
import { test } from 'node:test';
import { armGuid, uniqueString } from '../../../src/templates/language/hash.js';
import { ev } from './scope.js';

test('uniqueString matches values Azure produced', () => {
  // From a Microsoft repository's test that calls Azure's own expression library (Azure.Deployments.Expression).
  assert.equal(
    uniqueString(['/subscriptions/31e9f9a0-9fd2-4294-a0a3-0101246d9700/resourceGroups/rg-modm201-20230913120256/providers/Microsoft.Compute/virtualMachines/bobjacmodm201']),
    'yvjxno3je5on2',
  );
  // Published vectors "verified against Bicep uniqueString() output" (inputs of 1..70 bytes: every tail length).
  assert.equal(uniqueString(['test']), 'rbgf3xv4ufgzg');
  assert.equal(uniqueString(['hello', 'world']), 'a7wkljktk6wne');
  assert.equal(uniqueString(['abc']), 'cgtzqvhu4i23s');
  assert.equal(uniqueString(['/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg']), 'bmg7c6xu4tw46');
  assert.equal(uniqueString(['foo', 'bar', 'baz']), 'xzi4ioaxtmth4');
});

test('uniqueString() in an expression joins its arguments with -', async () => {
  assert.equal(await ev("[uniqueString('foo', 'bar', 'baz')]"), 'xzi4ioaxtmth4');
  assert.equal(await ev("[uniqueString('foo-bar-baz')]"), 'xzi4ioaxtmth4');
  assert.match(String(await ev('[uniqueString(resourceGroup().id)]')), /^[a-z2-7]{13}$/);
});

test('guid is a v5 UUID of the arguments joined by - in Azure namespace 11fb06fb-712d-4ddd-98c7-e71bbd588830', async () => {
  // Same as Python's uuid.uuid5(UUID('11fb06fb-712d-4ddd-98c7-e71bbd588830'), 'a-b-c').
  assert.equal(armGuid(['a', 'b', 'c']), 'a98fa280-e03f-5afa-8d8e-92d0a9c201e8');
  assert.equal(await ev("[guid('a', 'b', 'c')]"), 'a98fa280-e03f-5afa-8d8e-92d0a9c201e8');
  assert.equal(await ev("[guid('a-b-c')]"), 'a98fa280-e03f-5afa-8d8e-92d0a9c201e8');
  assert.notEqual(await ev("[guid('a', 'b', 'C')]"), 'a98fa280-e03f-5afa-8d8e-92d0a9c201e8');
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { login, useCloud, withAzServer } from '../support/azureCli.js';
import { SEED_TEMPLATE_PATH } from './support.js';

// Unmodified az (Debian azure-cli 2.45, Microsoft.Resources 2021-04-01): `az deployment group create/show/list/
// validate/what-if/delete` against the server. az sends the template spliced into a JSONC body (unquoted `template:`).

test('az deployment group create/show/list/validate/what-if/delete with the seed template', (t) =>
  withAzServer(t, async (az, s) => {
    await useCloud(az, s, 'AmityDeploy');
    const signIn = await login(az, s);
    assert.equal(signIn.code, 0, signIn.stderr);
    await az.ok('group', 'create', '-n', 'az-dep', '-l', 'westus');

    // The seed file as the article has it, plus a copy with comments (az reads JSONC template files).
    const seed = path.join(az.home, 'seed.json');
    fs.copyFileSync(SEED_TEMPLATE_PATH, seed);
    const commented = path.join(az.home, 'commented.json');
    fs.writeFileSync(commented, `// a user-assigned identity\n${fs.readFileSync(SEED_TEMPLATE_PATH, 'utf8').replace('"resources": [', '"resources": [ /* one identity */')}`);

    await t.test('validate', async () => {
      const v = await az.ok('deployment', 'group', 'validate', '-g', 'az-dep', '--template-file', seed, '--parameters', 'resourceName=az-validate');
      assert.equal(v.properties.provisioningState, 'Succeeded');
      assert.ok(v.properties.validatedResources.some((r: any) => r.id.endsWith('/az-validate')), JSON.stringify(v));
      const bad = await az.fails('deployment', 'group', 'validate', '-g', 'az-dep', '--template-file', seed);
      assert.match(bad.stderr, /resourceName/);
    });

    await t.test('create returns the outputs; show and list find it', async () => {
      const created = await az.ok('deployment', 'group', 'create', '-g', 'az-dep', '-n', 'az1', '--template-file', seed, '--parameters', 'resourceName=az-identity');
      assert.equal(created.properties.provisioningState, 'Succeeded', JSON.stringify(created));
      assert.equal(created.properties.outputs.identityName.value, 'az-identity');
      const identity = await az.ok('identity', 'show', '-g', 'az-dep', '-n', 'az-identity');
      assert.match(identity.principalId, /^[0-9a-f-]{36}$/);

      const shown = await az.ok('deployment', 'group', 'show', '-g', 'az-dep', '-n', 'az1');
      assert.equal(shown.name, 'az1');
      assert.equal(shown.properties.outputs.identityName.value, 'az-identity');
      // -n omitted: the deployment is named after the file; comments in the template are fine.
      const byFile = await az.ok('deployment', 'group', 'create', '-g', 'az-dep', '--template-file', commented, '--parameters', 'resourceName=az-commented');
      assert.equal(byFile.name, 'commented');
      assert.equal(byFile.properties.provisioningState, 'Succeeded');
      const listed = await az.ok('deployment', 'group', 'list', '-g', 'az-dep');
      assert.deepEqual(listed.map((d: any) => d.name).sort(), ['az1', 'commented']);
      const filtered = await az.ok('deployment', 'group', 'list', '-g', 'az-dep', '--filter', "provisioningState eq 'Failed'");
      assert.deepEqual(filtered, []);
    });

    await t.test('what-if', async () => {
      const result = await az.ok('deployment', 'group', 'what-if', '-g', 'az-dep', '--template-file', seed, '--parameters', 'resourceName=az-new', '--no-pretty-print');
      assert.equal(result.status, 'Succeeded', JSON.stringify(result));
      const change = result.changes.find((c: any) => c.resourceId.endsWith('/az-new'));
      assert.equal(change?.changeType, 'Create', JSON.stringify(result.changes));
      const same = await az.ok('deployment', 'group', 'what-if', '-g', 'az-dep', '--template-file', seed, '--parameters', 'resourceName=az-identity', '--no-pretty-print');
      assert.ok(['NoChange', 'Modify', 'Ignore'].includes(same.changes.find((c: any) => c.resourceId.endsWith('/az-identity'))?.changeType), JSON.stringify(same));
    });

    await t.test('delete removes the record only', async () => {
      await az.ok('deployment', 'group', 'delete', '-g', 'az-dep', '-n', 'az1');
      const listed = await az.ok('deployment', 'group', 'list', '-g', 'az-dep');
      assert.deepEqual(listed.map((d: any) => d.name), ['commented']);
      await az.ok('identity', 'show', '-g', 'az-dep', '-n', 'az-identity');
    });
  }, 'amity-az-deploy-'));

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login, useCloud, withAzServer } from '../support/azureCli.js';

// The real Azure CLI (Debian package azure-cli 2.45), unmodified: `az identity federated-credential create/list/show/delete`
// (api-version 2022-01-31-preview, shared/reference/azure-cli-protocol.md §5).

const FIC_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials';
const ISSUER = 'https://oidc.example.test/issuer';

test('az identity federated-credential create, list, show and delete', (t) =>
  withAzServer(t, async (az, s) => {
    await useCloud(az, s, 'Amity');
    const r = await login(az, s);
    assert.equal(r.code, 0, r.stderr);
    await az.ok('group', 'create', '-n', 'rg-fic-cli', '-l', 'westus');
    await az.ok('identity', 'create', '-g', 'rg-fic-cli', '-n', 'id-cli');
    const common = ['-g', 'rg-fic-cli', '--identity-name', 'id-cli'];

    const created = await az.ok('identity', 'federated-credential', 'create', ...common, '-n', 'fic-cli', '--issuer', ISSUER, '--subject', 'system:serviceaccount:ns:sa');
    assert.equal(created.name, 'fic-cli');
    assert.equal(created.type, FIC_TYPE);
    assert.equal(created.issuer, ISSUER);
    assert.equal(created.subject, 'system:serviceaccount:ns:sa');
    assert.deepEqual(created.audiences, ['api://AzureADTokenExchange']);
    assert.equal(created.resourceGroup, 'rg-fic-cli');

    await az.ok('identity', 'federated-credential', 'create', ...common, '-n', 'fic-cli-2', '--issuer', ISSUER, '--subject', 'other', '--audiences', 'api://custom');
    const dup = await az.fails('identity', 'federated-credential', 'create', ...common, '-n', 'fic-cli-3', '--issuer', ISSUER, '--subject', 'other');
    assert.match(dup.stderr, /Issuer and subject combination already exists for this Managed Identity\./);
    const badName = await az.fails('identity', 'federated-credential', 'create', ...common, '-n', 'x', '--issuer', ISSUER, '--subject', 's');
    assert.match(badName.stderr, /Federated Identity Credential name 'x' is invalid\./);

    const listed = await az.ok('identity', 'federated-credential', 'list', ...common);
    assert.deepEqual(listed.map((f: any) => f.name).sort(), ['fic-cli', 'fic-cli-2']);

    const shown = await az.ok('identity', 'federated-credential', 'show', ...common, '-n', 'fic-cli-2');
    assert.deepEqual(shown.audiences, ['api://custom']);
    assert.equal(shown.subject, 'other');

    await az.ok('identity', 'federated-credential', 'delete', ...common, '-n', 'fic-cli', '--yes');
    const missing = await az.fails('identity', 'federated-credential', 'show', ...common, '-n', 'fic-cli');
    assert.match(missing.stderr, /ResourceNotFound|not found/i);
    assert.deepEqual((await az.ok('identity', 'federated-credential', 'list', ...common)).map((f: any) => f.name), ['fic-cli-2']);
  }));

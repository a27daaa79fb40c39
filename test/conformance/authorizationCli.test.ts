import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer } from '../support/server.js';
import { createServicePrincipal } from '../rbac/support.js';

// The unmodified Debian az: `az rest --method put` creates a role assignment (the packaged
// `az role assignment create` crashes locally before sending anything) and `az role assignment delete --ids`
// deletes it; a second service principal's access follows.

const azAvailable = (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
  try {
    fs.accessSync(path.join(dir, 'az'), fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

function requireAz(t: TestContext): boolean {
  if (azAvailable) return true;
  if (process.env.CI === 'true') throw new Error('az is not installed: the CI machine needs the Debian package azure-cli');
  t.skip('az is not installed');
  return false;
}

function azRunner(caBundlePath: string) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-az-rbac-'));
  const configDir = path.join(home, '.azure');
  fs.mkdirSync(configDir);
  const deadProxy = 'http://127.0.0.1:9';
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    HOME: home,
    TMPDIR: home,
    AZURE_CONFIG_DIR: configDir,
    REQUESTS_CA_BUNDLE: caBundlePath,
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_NO_COLOR: '1',
    AZURE_CORE_SURVEY_MESSAGE: 'false',
    HTTP_PROXY: deadProxy,
    HTTPS_PROXY: deadProxy,
    http_proxy: deadProxy,
    https_proxy: deadProxy,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
  const run = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string; json: any }>((resolve) => {
      execFile('az', [...args, '--output', 'json'], { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        let json: any;
        try {
          json = stdout.trim() ? JSON.parse(stdout) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr, json });
      });
    });
  const ok = async (...args: string[]) => {
    const r = await run(...args);
    assert.equal(r.code, 0, `az ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
    return r.json;
  };
  return { run, ok, dispose: () => fs.rmSync(home, { recursive: true, force: true }) };
}

test('az rest --method put creates a role assignment and az role assignment delete --ids removes it', async (t) => {
  if (!requireAz(t)) return;
  const s = await startTestServer();
  const az = azRunner(s.caBundlePath);
  try {
    const sub = `/subscriptions/${s.subscriptionId}`;
    const rg = `${sub}/resourceGroups/cli-rbac`;
    await az.ok('cloud', 'register', '-n', 'AmityRbac', '--endpoint-resource-manager', `${s.url}/`, '--endpoint-active-directory', `${s.url}/adfs`, '--endpoint-active-directory-resource-id', `${s.url}/`, '--endpoint-active-directory-graph-resource-id', `${s.url}/graph/`);
    await az.ok('cloud', 'set', '-n', 'AmityRbac');
    await az.ok('login', '--service-principal', '-u', s.clientId, '-p', s.clientSecret, '--tenant', s.tenantId);
    await az.ok('group', 'create', '-n', 'cli-rbac', '-l', 'westus');

    const sp = await createServicePrincipal(s, 'cli-second-sp');
    const identity = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cli-sp-id?api-version=2024-11-30`;
    assert.equal((await sp.arm('PUT', identity, { location: 'westus' })).status, 403);

    const name = crypto.randomUUID();
    const body = JSON.stringify({
      properties: { roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/e40ec5ca-96e0-45a2-b4ff-59039f2c2b59`, principalId: sp.objectId, principalType: 'ServicePrincipal' },
    });
    const created = await az.ok('rest', '--method', 'put', '--url', `${rg}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`, '--body', body);
    assert.equal(created.name, name);
    assert.equal(created.properties.principalId, sp.objectId);
    assert.equal(created.properties.scope, rg);
    assert.equal((await sp.arm('PUT', identity, { location: 'westus' })).status, 201);

    // A second PUT of the same principal, role and scope: 409 RoleAssignmentExists, as az expects.
    const dup = await az.run('rest', '--method', 'put', '--url', `${rg}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=2022-04-01`, '--body', body);
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /RoleAssignmentExists|already exists/);

    const deleted = await az.run('role', 'assignment', 'delete', '--ids', created.id);
    assert.equal(deleted.code, 0, deleted.stderr);
    const gone = await s.arm('GET', `${created.id}?api-version=2022-04-01`);
    assert.equal(gone.status, 404);
    assert.equal((await sp.arm('DELETE', identity)).status, 403);
  } finally {
    az.dispose();
    await s.close();
  }
});

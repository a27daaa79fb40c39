import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withoutAzureSettings } from '../support/sdkChild.js';
import { get, startFakeUpstream } from './fakeUpstream.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `amity agent` from the command line (the TypeScript sources through tsx): settings from the environment, --port 0. */
function runAgent(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', `import('./src/cli/main.ts').then((m) => m.main(${JSON.stringify(['node', 'amity', 'agent', ...args])}))`], {
    cwd: REPO,
    env: { ...withoutAzureSettings(process.env), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

test('amity agent: IDENTITY_ENDPOINT / IDENTITY_HEADER from the environment, prints where it listens, stops on SIGTERM', async () => {
  const fake = await startFakeUpstream();
  const a = runAgent(['--port', '0'], { IDENTITY_ENDPOINT: fake.identityEndpoint, IDENTITY_HEADER: fake.secret });
  try {
    const t0 = Date.now();
    let m: RegExpExecArray | null = null;
    while (!(m = /AZURE_POD_IDENTITY_AUTHORITY_HOST=(http:\/\/127\.0\.0\.1:\d+)/.exec(a.output()))) {
      if (a.child.exitCode !== null || Date.now() - t0 > 30_000) assert.fail(`the agent did not start:\n${a.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await get(`${m[1]}/metadata/identity/oauth2/token/?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net`);
    assert.equal(r.status, 200);
    assert.equal(r.body.resource, 'https://vault.azure.net');
    a.child.kill('SIGTERM');
    assert.equal(await a.exited, 0);
  } finally {
    if (a.child.exitCode === null) a.child.kill('SIGKILL');
    await fake.close();
  }
});

test('amity agent without an identity endpoint fails with a clear message', async () => {
  const a = runAgent(['--port', '0'], {});
  assert.notEqual(await a.exited, 0);
  assert.match(a.output(), /identity-endpoint|IDENTITY_ENDPOINT/);
});

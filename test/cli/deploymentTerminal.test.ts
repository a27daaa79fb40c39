import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { CliUser, cliCommandLine } from '../support/cli.js';

// The interactive side of `amity deployment group create`, driven in a terminal (a pty made by util-linux
// `script`) as a person would: the what-if report, the confirmation prompt (-c), and the spinner while deploying.

let server: TestServer;
let user: CliUser;
let template: string;

before(async () => {
  server = await startTestServer();
  user = new CliUser('deploy-tty');
  await user.loginAdmin(server);
  await user.ok(['group', 'create', '-n', 'tty-rg', '-l', 'westus', '-o', 'none']);
  template = path.join(user.cwd, 'tty.json');
  fs.writeFileSync(
    template,
    JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { idName: { type: 'string' } },
      resources: [{ type: 'Microsoft.ManagedIdentity/userAssignedIdentities', apiVersion: '2023-01-31', name: "[parameters('idName')]", location: 'westus' }],
    }),
  );
});

after(async () => {
  user?.cleanup();
  await server?.close();
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI in a pty; `answer` is typed once `prompt` shows. Resolves with everything the terminal showed. */
function inTerminal(args: string[], prompt: RegExp, answer: string): Promise<{ code: number; screen: string }> {
  const command = [...cliCommandLine(), ...args].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: user.cwd, env: user.env({ COLUMNS: '200' }), stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let answered = false;
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString('utf8');
    if (!answered && prompt.test(screen)) {
      answered = true;
      child.stdin.write(answer);
    }
  });
  child.stderr.on('data', (d: Buffer) => (screen += d.toString('utf8')));
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, screen });
    }),
  );
}

const identity = (name: string) => server.arm('GET', `/subscriptions/${server.subscriptionId}/resourceGroups/tty-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?api-version=2023-01-31`);

test('create -c shows the what-if report, asks, and deploys with a spinner once confirmed', async () => {
  const r = await inTerminal(['deployment', 'group', 'create', '-g', 'tty-rg', '-f', template, '-p', 'idName=tty-id', '-c'], /Are you sure you want to execute the deployment\? \(y\/n\): /, 'y\n');
  assert.equal(r.code, 0, r.screen);
  assert.match(r.screen, /Resource and property changes are indicated with this symbol:/);
  assert.match(r.screen, /\+ Microsoft\.ManagedIdentity\/userAssignedIdentities\/tty-id \[2023-01-31\]/);
  assert.match(r.screen, /[|/\\-] Running \.\./, 'the spinner turned while deploying');
  assert.match(r.screen, /"provisioningState": "Succeeded"/);
  assert.equal((await identity('tty-id')).status, 200);
});

test('create -c answered no deploys nothing', async () => {
  const r = await inTerminal(['deployment', 'group', 'create', '-g', 'tty-rg', '-n', 'declined', '-f', template, '-p', 'idName=tty-no', '-c'], /\(y\/n\): /, 'n\n');
  assert.equal(r.code, 0, r.screen);
  assert.doesNotMatch(r.screen, /provisioningState/);
  assert.equal((await identity('tty-no')).status, 404);
  assert.equal((await server.arm('GET', `/subscriptions/${server.subscriptionId}/resourceGroups/tty-rg/providers/Microsoft.Resources/deployments/declined?api-version=2021-04-01`)).status, 404);
});

test('a parameter with no value is asked for on a terminal, as az does', async () => {
  const r = await inTerminal(['deployment', 'group', 'create', '-g', 'tty-rg', '-n', 'prompted', '-f', template], /Please provide string value for 'idName' \(\? for help\): /, 'tty-asked\n');
  assert.equal(r.code, 0, r.screen);
  assert.equal((await identity('tty-asked')).status, 200);
});

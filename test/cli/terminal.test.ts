import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';
import { CliUser, TerminalSession } from '../support/cli.js';
import { approveDeviceCode } from '../support/devicePage.js';
import { createUser } from '../../src/directory/users.js';
import crypto from 'node:crypto';

// The interactive bits driven through a real pseudo-terminal (util-linux `script`), as a person would: the
// confirmation prompt answered n and y, the device-code message while someone approves the code in a browser,
// and the spinner of a long operation (shown on a terminal, absent when piped).

const PROMPT = 'Are you sure you want to perform this operation? (y/n): ';
let s: TestServer;
let user: CliUser;

before(async () => {
  s = await startTestServer();
  user = new CliUser('terminal');
  await user.loginAdmin(s);
});

after(async () => {
  TerminalSession.closeAll();
  user?.cleanup();
  await s?.close();
});

test('federated-credential delete asks on the terminal: n keeps the credential, y deletes it', async () => {
  await user.json(['group', 'create', '-n', 'rg-tty', '-l', 'westus']);
  await user.json(['identity', 'create', '-g', 'rg-tty', '-n', 'tty-id']);
  const common = ['-g', 'rg-tty', '--identity-name', 'tty-id', '-n', 'tty-fic'];
  await user.json(['identity', 'federated-credential', 'create', ...common, '--issuer', 'https://issuer.example.test', '--subject', 's']);

  const no = user.terminal(['identity', 'federated-credential', 'delete', ...common]);
  await no.waitFor(new RegExp(PROMPT.replace(/[?()]/g, '\\$&')));
  no.type('n\r');
  assert.equal(await no.exited, 0, no.output());
  assert.equal((await user.run(['identity', 'federated-credential', 'show', ...common])).code, 0, 'kept after n');

  const yes = user.terminal(['identity', 'federated-credential', 'delete', ...common]);
  await yes.waitFor(/\(y\/n\): /);
  // Anything but y or n asks again, as az does.
  yes.type('maybe\r');
  await yes.waitFor(/Please enter Y or N\.\r?\n.*\(y\/n\): /s);
  yes.type('y\r');
  assert.equal(await yes.exited, 0, yes.output());
  assert.equal((await user.run(['identity', 'federated-credential', 'show', ...common])).code, 1, 'deleted after y');
});

test('group delete asks on the terminal and deletes after y', async () => {
  await user.json(['group', 'create', '-n', 'rg-tty-del', '-l', 'westus']);
  const session = user.terminal(['group', 'delete', '-n', 'rg-tty-del']);
  await session.waitFor(/\(y\/n\): /);
  session.type('y\r');
  assert.equal(await session.exited, 0, session.output());
  assert.equal(await user.json(['group', 'exists', '-n', 'rg-tty-del']), false);
});

test('login --use-device-code on a terminal shows az\'s message and finishes when a second person approves the code', async () => {
  await createUser(s.running.context.database.db, s.tenantId, { userPrincipalName: 'lin@amity.local', displayName: 'Lin', password: 'pw-lin-1' });
  const person = new CliUser('terminal-device');
  try {
    const session = person.terminal(['login', '--use-device-code', '--tenant', s.tenantId, '--server', s.url, '--ca-cert', s.caCertPath, '--allow-no-subscriptions']);
    const m = await session.waitFor(/WARNING: To sign in, use a web browser to open the page (\S+) and enter the code ([A-Z]{8}) to authenticate\./);
    assert.equal(m[1], `${s.url}/devicelogin`);
    assert.equal((await approveDeviceCode(s, m[2], 'lin@amity.local', 'pw-lin-1')).status, 200);
    assert.equal(await session.exited, 0, session.output());
    assert.match(session.output(), /"name": "lin@amity\.local"/);
  } finally {
    person.cleanup();
  }
});

test('a long operation shows a spinner on a terminal and nothing when piped', async () => {
  // A group of 500 resources or more is deleted in the background: 202, then polled until done.
  const big = async (name: string) => {
    await user.json(['group', 'create', '-n', name, '-l', 'westus']);
    const names = Array.from({ length: 500 }, (_, i) => `id-${i}-${crypto.randomUUID().slice(0, 6)}`);
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(names.slice(i, i + 25).map(async (n) => {
        const r = await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourceGroups/${name}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${n}?api-version=2023-01-31`, { location: 'westus' });
        assert.ok(r.status === 201 || r.status === 200, r.text);
      }));
    }
  };
  await big('rg-spin');
  const session = user.terminal(['group', 'delete', '-n', 'rg-spin', '--yes']);
  assert.equal(await session.exited, 0, session.output());
  assert.match(session.output(), /[|/\\-] Running \.\./);
  assert.equal(await user.json(['group', 'exists', '-n', 'rg-spin']), false);

  await big('rg-spin-piped');
  const piped = await user.run(['group', 'delete', '-n', 'rg-spin-piped', '--yes']);
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.stderr, '');
  assert.equal(piped.stdout, '');
});

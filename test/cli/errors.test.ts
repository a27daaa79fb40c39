import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { CliUser } from '../support/cli.js';

// Errors and exit codes as az's (1 failure, 2 usage error, the closest command on a typo), --debug with secrets
// redacted, --verbose, --only-show-errors.

let s: TestServer;
let user: CliUser;

before(async () => {
  s = await startTestServer();
  user = new CliUser('errors');
});

after(async () => {
  user?.cleanup();
  await s?.close();
});

test('a typo names the closest command, as az does, with exit code 2', async () => {
  const r = await user.run(['identit', 'list']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, "ERROR: 'identit' is misspelled or not recognized by the system.\nDid you mean 'identity' ?\n");
  const sub = await user.run(['identity', 'shwo']);
  assert.equal(sub.code, 2);
  assert.equal(sub.stderr, "ERROR: 'shwo' is misspelled or not recognized by the system.\nDid you mean 'show' ?\n");
  const option = await user.run(['identity', 'list', '--bogus']);
  assert.equal(option.code, 2);
  assert.equal(option.stderr, 'ERROR: unrecognized arguments: --bogus\n');
  const format = await user.run(['identity', 'list', '-o', 'xml']);
  assert.equal(format.code, 2);
  assert.match(format.stderr, /^ERROR: .*'xml' is invalid\. Allowed choices are json, jsonc, table, tsv, yaml, yamlc, none\.\n$/);
});

test('--help on every level exits 0; a failure exits 1', async () => {
  for (const args of [['--help'], ['identity', '--help'], ['identity', 'federated-credential', '--help'], ['identity', 'create', '--help'], ['account', 'get-access-token', '--help']]) {
    const r = await user.run(args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /Usage: amity/);
  }
  const r = await user.run(['identity', 'list']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "ERROR: Please run 'amity login' to setup account.\n");
});

test('--only-show-errors hides warnings; --verbose adds INFO lines', async () => {
  const warned = await user.run(['account', 'list']);
  assert.equal(warned.stderr, 'WARNING: Please run "amity login" to access your accounts.\n');
  assert.equal(warned.stdout, '[]\n');
  const quiet = await user.run(['account', 'list', '--only-show-errors']);
  assert.equal(quiet.stderr, '');
  assert.equal(quiet.stdout, '[]\n');
  await user.loginAdmin(s);
  const verbose = await user.run(['group', 'list', '--verbose', '-o', 'none']);
  assert.match(verbose.stderr, /^INFO: Command ran in \d+\.\d{3} seconds\n$/);
});

test('--debug logs requests and replies with every secret and token redacted', async () => {
  const debugUser = new CliUser('debug');
  try {
    const login = await debugUser.run(['login', '--service-principal', '-u', s.clientId, '-p', s.clientSecret, '--tenant', s.tenantId, '--server', s.url, '--ca-cert', s.caCertPath, '--debug']);
    assert.equal(login.code, 0, login.stderr);
    const list = await debugUser.run(['group', 'create', '-n', 'rg-debug', '-l', 'westus', '--debug']);
    assert.equal(list.code, 0, list.stderr);
    const token = await debugUser.json<{ accessToken: string }>(['account', 'get-access-token', '--debug']);
    const log = login.stderr + list.stderr;
    assert.match(log, /DEBUG: Request URL: 'POST https:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+\/oauth2\/v2\.0\/token'/);
    assert.match(log, /DEBUG: Request URL: 'PUT https:\/\/127\.0\.0\.1:\d+\/subscriptions\/[0-9a-f-]+\/resourcegroups\/rg-debug\?api-version=2021-04-01'/);
    assert.match(log, /DEBUG: Response status: 201/);
    assert.match(log, /client_secret=\*\*\*/);
    assert.match(log, /'authorization': '\*\*\*'/);
    assert.match(log, /"access_token": ?"\*\*\*"/);
    // Nothing secret appears anywhere: the client secret, any token the cache holds, or their JWT parts.
    const cached = Object.values<{ accessToken: string }>(JSON.parse(fs.readFileSync(path.join(debugUser.configDir, 'tokens.json'), 'utf8')).tokens).map((t) => t.accessToken);
    for (const secret of [s.clientSecret, encodeURIComponent(s.clientSecret), token.accessToken, ...cached, ...cached.map((t) => t.split('.')[2])]) {
      assert.ok(!log.includes(secret), `a secret appears in the --debug log: ${secret.slice(0, 12)}…`);
    }
  } finally {
    debugUser.cleanup();
  }
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Az, login, requireAz, useCloud } from '../support/azureCli.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { CliUser, runAzRaw } from '../support/cli.js';
import { renderResult } from '../../src/cli/runtime/output.js';

// Output formats and --query: amity's text compared byte for byte with the real az's for the same data.

let s: TestServer;
let user: CliUser;
let az: Az | undefined;

before(async () => {
  s = await startTestServer();
  user = new CliUser('output');
  await user.loginAdmin(s);
  await user.json(['group', 'create', '-n', 'rg-out', '-l', 'westus']);
  await user.json(['identity', 'create', '-g', 'rg-out', '-n', 'out-one', '--tags', 'env=dev', 'team=a b']);
  await user.json(['identity', 'create', '-g', 'rg-out', '-n', 'out-two-longer-name', '-l', 'eastus']);
  await user.json(['identity', 'federated-credential', 'create', '-g', 'rg-out', '--identity-name', 'out-one', '-n', 'fic-out', '--issuer', 'https://issuer.example.test', '--subject', 's1']);
});

after(async () => {
  az?.dispose();
  user?.cleanup();
  await s?.close();
});

const CASES: string[][] = [
  ['identity', 'list', '-g', 'rg-out', '-o', 'json'],
  ['identity', 'list', '-g', 'rg-out', '-o', 'table'],
  ['identity', 'list', '-g', 'rg-out', '-o', 'tsv'],
  ['identity', 'list', '-g', 'rg-out', '-o', 'yaml'],
  ['identity', 'list', '-g', 'rg-out', '-o', 'none'],
  ['identity', 'list', '-g', 'rg-out', '--query', '[].name', '-o', 'tsv'],
  ['identity', 'list', '-g', 'rg-out', '--query', '[].{n:name, loc:location, tags:tags}', '-o', 'table'],
  ['identity', 'list', '-g', 'rg-out', '--query', '[].{n:name, loc:location, tags:tags}', '-o', 'tsv'],
  ['identity', 'list', '-g', 'rg-out', '--query', "[?name=='out-one'] | [0]", '-o', 'table'],
  ['identity', 'list', '-g', 'rg-out', '--query', "[?name=='out-one'] | [0]", '-o', 'tsv'],
  ['identity', 'list', '-g', 'rg-out', '--query', "[?location=='westus'].tags", '-o', 'yaml'],
  ['identity', 'list', '-g', 'rg-out', '--query', 'length(@)', '-o', 'json'],
  ['identity', 'list', '-g', 'nothing-here-rg', '-o', 'table'],
  ['identity', 'federated-credential', 'list', '-g', 'rg-out', '--identity-name', 'out-one', '-o', 'yaml'],
  ['identity', 'federated-credential', 'list', '-g', 'rg-out', '--identity-name', 'out-one', '-o', 'tsv'],
  ['account', 'list', '-o', 'table'],
  ['account', 'show', '-o', 'tsv'],
  ['account', 'show', '-o', 'table'],
  ['group', 'exists', '-n', 'rg-out', '-o', 'tsv'],
];

test('json, table, tsv, yaml, none and --query print what az prints for the same data', async (t) => {
  if (!requireAz(t)) return;
  az = new Az(s.caBundlePath, 'amity-out-az-');
  await useCloud(az, s);
  assert.equal((await login(az, s)).code, 0);
  await runAzRaw(az, ['group', 'create', '-n', 'nothing-here-rg', '-l', 'westus', '-o', 'none']);
  for (const args of CASES) {
    const mine = await user.run(args);
    const theirs = await runAzRaw(az, args);
    assert.equal(theirs.code, 0, `az ${args.join(' ')}: ${theirs.stderr}`);
    assert.equal(mine.code, 0, `amity ${args.join(' ')}: ${mine.stderr}`);
    assert.equal(mine.stdout, theirs.stdout, `amity ${args.join(' ')}`);
  }
});

test('--query with a bad expression is a usage error', async () => {
  const r = await user.run(['identity', 'list', '--query', '[?']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^ERROR: argument --query: invalid jmespath_type value: '\[\?'/);
});

test('renderer details as knack: tabulate padding, bare booleans in tsv, None, ordered objects from a query', async () => {
  assert.equal(await renderResult([{ b: 1, a: 'x' }, { a: 'yyyy', c: true }], 'table', undefined, false), 'A     B    C\n----  ---  ----\nx     1\nyyyy       True\n');
  assert.equal(await renderResult(true, 'tsv', undefined, false), 'true\n');
  assert.equal(await renderResult({ z: true, a: null, m: [1, 2], o: {} }, 'tsv', undefined, false), 'None\t2\t\tTrue\n');
  assert.equal(await renderResult([{ z: 1, a: 2 }], 'tsv', '[].{z: z, a: a}', false), '1\t2\n');
  assert.equal(await renderResult([{ z: 1, a: 2 }], 'tsv', '[0]', false), '2\t1\n');
  assert.equal(await renderResult({ list: ['a'], m: { k: '' } }, 'yaml', undefined, false), "list:\n- a\nm:\n  k: ''\n");
  assert.equal(await renderResult([], 'table', undefined, false), '\n');
  assert.equal(await renderResult({ a: 1 }, 'none', undefined, false), '');
});

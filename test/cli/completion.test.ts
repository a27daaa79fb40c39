import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CliUser } from '../support/cli.js';

// `amity completion bash|zsh`, generated from the command tree: sourced into bash and asked to complete as
// bash does on <TAB> (COMP_WORDS / COMP_CWORD, then COMPREPLY).

const user = new CliUser('completion');
after(() => user.cleanup());

function complete(script: string, words: string[]): string[] {
  const program = `source ${JSON.stringify(script)}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _amity_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', program], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

test('bash completion completes commands, subgroups and options from the command tree', async () => {
  const r = await user.ok(['completion', 'bash']);
  const script = path.join(user.cwd, 'amity.bash');
  fs.writeFileSync(script, r.stdout);
  assert.deepEqual(complete(script, ['amity', 'ide']), ['identity']);
  assert.deepEqual(complete(script, ['amity', 'identity', '']).sort(), ['--help', 'create', 'delete', 'federated-credential', 'list', 'list-resources', 'show', 'update']);
  assert.deepEqual(complete(script, ['amity', 'identity', 'federated-credential', 'cr']), ['create']);
  // Option values (rg1) are skipped on the way down the tree.
  assert.deepEqual(complete(script, ['amity', 'identity', 'create', '-g', 'rg1', '--ta']), ['--tags']);
  assert.deepEqual(complete(script, ['amity', 'account', 'get-access-token', '--resource-t']), ['--resource-type']);
  assert.deepEqual(complete(script, ['amity', 'lo']).sort(), ['login', 'logout']);
  // The shell registers it for the command name.
  assert.match(execFileSync('bash', ['-c', `source ${script}; complete -p amity`], { encoding: 'utf8' }), /complete -F _amity_complete amity/);
});

test('zsh completion wraps the same function through bashcompinit', async () => {
  const r = await user.ok(['completion', 'zsh']);
  assert.match(r.stdout, /^#compdef amity\n/);
  assert.match(r.stdout, /bashcompinit/);
  assert.match(r.stdout, /complete -F _amity_complete amity/);
  const bad = await user.run(['completion', 'fish']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^ERROR: command-argument value 'fish' is invalid for argument 'shell'\. Allowed choices are bash, zsh\./);
});

#!/usr/bin/env node
// Runs every test file under test/ with Node's test runner (TypeScript through tsx).
// Node 20's runner takes no globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function find(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return find(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

// Files whose assertions are about latency run after the others, on their own: two test files at once on two cores
// would measure the scheduler as much as the server.
const ALONE = new Set(['test/hardening/overload.test.ts']);

const only = process.argv.slice(2);
const files = only.length ? only : find('test').sort();
const together = files.filter((f) => !ALONE.has(path.normalize(f)));
const alone = files.filter((f) => ALONE.has(path.normalize(f)));
let status = 0;
for (const [batch, concurrency] of [[together, 2], [alone, 1]]) {
  if (!batch.length) continue;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...batch], { stdio: 'inherit' });
  status ||= result.status ?? 1;
}
process.exit(status);

/**
 * CLI startup: `amity --version` through the built bin/amity.js (what `npm install -g` runs) against bare
 * `node -e 0`, alternating the two so load on the machine weighs on both alike; medians in milliseconds.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/amity.js');

export interface CliStartupResult {
  runs: number;
  amityMs: number;
  nodeMs: number;
}

function timed(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function measureCliStartup(runs = 21): CliStartupResult {
  const amity: number[] = [];
  const node: number[] = [];
  // One of each first, not counted: the disk cache warmed for both.
  timed([BIN, '--version']);
  timed(['-e', '0']);
  for (let i = 0; i < runs; i++) {
    amity.push(timed([BIN, '--version']));
    node.push(timed(['-e', '0']));
  }
  return { runs, amityMs: median(amity), nodeMs: median(node) };
}

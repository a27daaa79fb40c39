import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { test } from 'node:test';
import pg from 'pg';
import { startPostgres } from './postgres.js';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

async function selectOne(url: string): Promise<{ one: number; db: string; dataDir: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ one: number; db: string }>('select 1 as one, current_database() as db');
    const dir = await client.query<{ data_directory: string }>('show data_directory');
    return { one: rows[0]!.one, db: rows[0]!.db, dataDir: dir.rows[0]!.data_directory };
  } finally {
    await client.end();
  }
}

test('startPostgres runs a throwaway cluster and removes it on stop', async (t) => {
  const started = Date.now();
  const cluster = await startPostgres();
  if ('skip' in cluster) {
    t.skip(cluster.skip);
    return;
  }
  let stopped = false;
  t.after(async () => {
    if (!stopped) await cluster.stop();
  });
  t.diagnostic(`start took ${Date.now() - started} ms`);

  const url = new URL(cluster.url);
  assert.equal(url.hostname, '127.0.0.1');
  assert.match(url.pathname, /^\/amity_[0-9a-f]+$/);
  const port = Number(url.port);

  const first = await selectOne(cluster.url);
  assert.equal(first.one, 1);
  assert.equal(first.db, url.pathname.slice(1));
  assert.ok(existsSync(first.dataDir), 'data directory exists while running');

  const otherUrl = await cluster.createDatabase();
  assert.notEqual(otherUrl, cluster.url);
  const second = await selectOne(otherUrl);
  assert.equal(second.one, 1);
  assert.equal(second.db, new URL(otherUrl).pathname.slice(1));

  const named = await cluster.createDatabase('amity_named');
  assert.equal((await selectOne(named)).db, 'amity_named');

  const stopStarted = Date.now();
  await cluster.stop();
  stopped = true;
  t.diagnostic(`stop took ${Date.now() - stopStarted} ms`);
  await cluster.stop(); // idempotent

  assert.equal(existsSync(first.dataDir), false, 'cluster directory removed');
  assert.equal(await accepts(port), false, 'port no longer accepts connections');
  await assert.rejects(cluster.createDatabase(), /stopped/);
});

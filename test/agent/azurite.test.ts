import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { runScenario, scenarioEnv } from '../support/sdkChild.js';
import { request } from '../support/http.js';
import { startAgentHost } from './support.js';

const scenario = path.join(path.dirname(fileURLToPath(import.meta.url)), 'imdsScenario.ts');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Azurite's blob service on 127.0.0.1 over HTTPS (the server's generated certificate), OAuth basic. */
async function startAzurite(cert: string, key: string): Promise<{ url: string; log: () => string; stop(): Promise<void> }> {
  const main = path.join(path.dirname(createRequire(import.meta.url).resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  const location = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-azurite-'));
  const port = await freePort();
  const args = [main, '--oauth', 'basic', '--cert', cert, '--key', key, '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', location, '--skipApiVersionCheck', '--loose', '--disableTelemetry', '--silent'];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(location, { recursive: true, force: true });
  };
  const t0 = Date.now();
  while (!/successfully listens on/i.test(out)) {
    if (child.exitCode !== null || Date.now() - t0 > 30_000) {
      await stop();
      throw new Error(`Azurite did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `https://127.0.0.1:${port}/devstoreaccount1`, log: () => out, stop };
}

test('downstream: Azurite (--oauth basic, HTTPS) accepts a storage token from the agent; a blob is written and read with @azure/storage-blob', async () => {
  // Azurite only accepts issuers under https://sts.windows.net/: the server's `sts` issuer style.
  const h = await startAgentHost({ extra: { issuerStyle: 'sts' } });
  let azurite: Awaited<ReturnType<typeof startAzurite>> | undefined;
  try {
    azurite = await startAzurite(path.join(h.s.dataDir, 'tls', 'server.crt'), path.join(h.s.dataDir, 'tls', 'server.key'));
    const r = await runScenario(
      scenario,
      scenarioEnv(h.s, {
        AZURE_POD_IDENTITY_AUTHORITY_HOST: h.agent.url,
        AGENT_IDENTITIES: JSON.stringify([{ label: 'storage', options: {} }]),
        AGENT_SCOPE: 'https://storage.azure.com/.default',
        AGENT_BLOB_URL: azurite.url,
      }),
    );
    assert.deepEqual(r.errors, {});
    const claims = JSON.parse(Buffer.from(r.tokens.storage.first.split('.')[1], 'base64url').toString('utf8'));
    assert.equal(claims.aud, 'https://storage.azure.com');
    assert.equal(claims.iss, `https://sts.windows.net/${h.s.tenantId}/`);
    assert.equal(claims.oid, h.system.principalId);
    assert.equal(r.blob.downloaded, r.blob.content);
    assert.deepEqual(r.blob.names, ['hello.txt']);
    // The blob requests carried the agent's token: one agent call for storage (the scenario's getToken), the blob client reused the SDK cache.
    assert.equal(h.agent.upstream.tokenCalls, 1);
    // And Azurite does check: without a token, or with the server's own issuer, it refuses.
    const put = (headers: Record<string, string>) =>
      request(`${azurite!.url}/refused-${Date.now()}?restype=container`, { method: 'PUT', headers: { 'x-ms-version': '2021-08-06', ...headers }, ca: fs.readFileSync(h.s.caCertPath) });
    assert.ok((await put({})).status >= 400);
    const wrongIssuer = [r.tokens.storage.first.split('.')[0], Buffer.from(JSON.stringify({ ...claims, iss: `${h.s.url}/${h.s.tenantId}/` })).toString('base64url'), 'x'].join('.');
    const refused = await put({ authorization: `Bearer ${wrongIssuer}` });
    assert.ok(refused.status === 401 || refused.status === 403, `${refused.status} ${refused.text}`);
    assert.match(refused.text, /issuer/i);
    assert.equal((await put({ authorization: `Bearer ${r.tokens.storage.first}` })).status, 201);
  } catch (e) {
    if (azurite) process.stderr.write(`azurite output:\n${azurite.log()}\n`);
    throw e;
  } finally {
    await azurite?.stop();
    await h.close();
  }
});

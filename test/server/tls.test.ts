import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureLocalTls, type TlsMaterial } from '../../src/server/tls.js';

function mode(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

function sans(pem: string): string[] {
  return (new X509Certificate(pem).subjectAltName ?? '').split(', ');
}

function get(url: string, options: https.RequestOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ...options, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

async function withServer(tls: TlsMaterial, fn: (port: number) => Promise<void>): Promise<void> {
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await fn((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

test('ensureLocalTls issues a CA-signed leaf, reuses it, and reissues it when hostnames change', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-tls-'));
  try {
    const dir = path.join(tmp, 'tls');
    const tls = await ensureLocalTls(dir, ['myhost.example', '10.1.2.3']);

    assert.equal(mode(dir), 0o700);
    assert.equal(tls.caCertPath, path.join(dir, 'ca.crt'));
    assert.equal(tls.caBundlePath, path.join(dir, 'ca-bundle.pem'));
    assert.ok(path.isAbsolute(tls.caCertPath) && path.isAbsolute(tls.caBundlePath));
    assert.equal(mode(path.join(dir, 'ca.key')), 0o600);
    assert.equal(mode(path.join(dir, 'server.key')), 0o600);
    assert.equal(mode(path.join(dir, 'ca.crt')), 0o644);
    assert.equal(fs.readFileSync(path.join(dir, 'server.crt'), 'utf8'), tls.cert);
    assert.equal(fs.readFileSync(path.join(dir, 'server.key'), 'utf8'), tls.key);

    const caPem = fs.readFileSync(tls.caCertPath, 'utf8');
    const bundle = fs.readFileSync(tls.caBundlePath, 'utf8');
    assert.ok(bundle.endsWith(caPem), 'bundle ends with the local CA');
    if (fs.existsSync('/etc/ssl/certs/ca-certificates.crt')) {
      assert.ok(bundle.length > caPem.length, 'bundle includes the system roots');
    }

    const ca = new X509Certificate(caPem);
    const leaf = new X509Certificate(tls.cert);
    assert.ok(ca.ca);
    assert.equal(ca.subject, 'CN=Amity Local CA');
    assert.equal(leaf.ca, false);
    assert.equal(leaf.subject, 'CN=myhost.example');
    assert.ok(leaf.checkIssued(ca));
    assert.ok(leaf.verify(ca.publicKey));
    const leafSans = sans(tls.cert);
    for (const want of ['DNS:myhost.example', 'DNS:localhost', 'IP Address:10.1.2.3', 'IP Address:127.0.0.1']) {
      assert.ok(leafSans.includes(want), `SAN ${want} in ${leafSans.join(', ')}`);
    }
    assert.ok(leafSans.some((s) => /^IP Address:(::1|0:0:0:0:0:0:0:1)$/i.test(s)), 'SAN ::1');
    assert.equal(leafSans.length, 5);

    await withServer(tls, async (port) => {
      const ca = fs.readFileSync(tls.caCertPath);
      assert.equal(await get(`https://127.0.0.1:${port}/`, { ca, servername: 'localhost' }), 'ok');
      assert.equal(await get(`https://127.0.0.1:${port}/`, { ca }), 'ok');
      await assert.rejects(get(`https://127.0.0.1:${port}/`, { servername: 'localhost' }), 'untrusted without the CA');
    });

    const again = await ensureLocalTls(dir, ['MyHost.example', '10.1.2.3']);
    assert.equal(again.cert, tls.cert);
    assert.equal(again.key, tls.key);

    const more = await ensureLocalTls(dir, ['myhost.example', '10.1.2.3', 'other.example']);
    assert.notEqual(more.cert, tls.cert);
    assert.equal(fs.readFileSync(tls.caCertPath, 'utf8'), caPem, 'CA kept');
    const moreLeaf = new X509Certificate(more.cert);
    assert.ok(moreLeaf.checkIssued(ca) && moreLeaf.verify(ca.publicKey));
    assert.ok(sans(more.cert).includes('DNS:other.example'));
    assert.equal(mode(path.join(dir, 'server.key')), 0o600);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import https from 'node:https';
import path from 'node:path';
import type { HttpResponse } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Nodes on one database sharing one key-encryption key: the first bootstraps, the others join with empty data folders. */
export interface Cluster {
  nodes: TestServer[];
  keyEncryptionKey: string;
  close(): Promise<void>;
}

export async function startCluster(database: string, count: number): Promise<Cluster> {
  const keyEncryptionKey = crypto.randomBytes(32).toString('hex');
  const first = await startTestServer({ database, extra: { keyEncryptionKey } });
  const nodes = [first];
  const dirs: string[] = [];
  const close = async () => {
    for (const n of nodes.reverse()) await n.close().catch(() => undefined);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  };
  try {
    for (let i = 1; i < count; i++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `amity-node-${i}-`));
      dirs.push(dir);
      // Clients reach every node under the first one's URL, as behind a load balancer: one issuer, one audience.
      nodes.push(await startTestServer({ database, dataDir: dir, extra: { keyEncryptionKey, publicUrl: first.url }, joining: first }));
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { nodes: [...nodes], keyEncryptionKey, close };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns true; resolves to the milliseconds it took, or throws after `limitMs`. */
export async function within(limitMs: number, what: string, probe: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - start;
    if (Date.now() - start > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await sleep(20);
  }
}

export interface ArmClient {
  arm(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResponse>;
  close(): void;
}

/**
 * ARM requests over kept-alive TLS connections: test/support/http.ts opens one connection per request, whose
 * handshake would dominate a test that makes thousands of requests on two shared cores.
 */
export function armClient(baseUrl: string, ca: string | Buffer, token: () => Promise<string>, maxSockets = 64): ArmClient {
  const agent = new https.Agent({ keepAlive: true, ca, maxSockets });
  return {
    async arm(method, p, body, headers = {}) {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const h: Record<string, string> = { authorization: `Bearer ${await token()}`, ...(payload ? { 'content-type': 'application/json' } : {}), ...headers };
      return new Promise<HttpResponse>((resolve, reject) => {
        const req = https.request(`${baseUrl}${p}`, { method, headers: h, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        if (payload !== undefined) req.write(payload);
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}

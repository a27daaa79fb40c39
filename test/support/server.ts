import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/start.js';
import { request, type HttpResponse } from './http.js';

export interface TestServer {
  /** Base URL (no trailing slash), e.g. https://127.0.0.1:40123 */
  url: string;
  tenantId: string;
  subscriptionId: string;
  clientId: string;
  clientSecret: string;
  caCertPath: string;
  caBundlePath: string;
  dataDir: string;
  running: RunningServer;
  /** A token for ARM (audience https://management.azure.com/) from the token endpoint, cached. */
  token(): Promise<string>;
  /** An ARM request with the admin's token; `path` is absolute (`/subscriptions/...?api-version=...`). */
  arm(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResponse>;
  /** A raw request to this server with its CA trusted and no token added. */
  raw(method: string, path: string, opts?: { headers?: Record<string, string>; body?: string | Buffer }): Promise<HttpResponse>;
  /** Stops and starts again on the same data (and, for SQLite, the same file), keeping the port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** A database spec (postgres:// URL); default SQLite in the data folder. */
  database?: string;
  dataDir?: string;
  extra?: Partial<ServerOptions>;
  /** A node joining another's database has no bootstrap.json of its own: take the credentials from that node. */
  joining?: TestServer;
}

/** Starts a real server on 127.0.0.1 and a random port, with a fresh data folder that is removed on close. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'amity-test-'));
  const ownsDir = options.dataDir === undefined;
  const serverOptions: ServerOptions = { host: '127.0.0.1', port: 0, dataDir, database: options.database, logLevel: 'warn', ...options.extra };
  let running = await startServer(serverOptions);
  let boot: { tenantId: string; subscriptionId: string; clientId: string; clientSecret: string; caCertPath: string; caBundlePath: string };
  let ca: Buffer;
  try {
    boot = running.bootstrapFile ?? (options.joining ? { ...options.joining, caCertPath: running.caCertPath!, caBundlePath: running.caBundlePath! } : JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8')));
    ca = fs.readFileSync(boot.caCertPath);
  } catch (e) {
    await running.close();
    throw e;
  }
  let cached: { token: string; exp: number } | undefined;

  const raw = (method: string, p: string, opts: { headers?: Record<string, string>; body?: string | Buffer } = {}) =>
    request(`${running.url}${p}`, { method, headers: opts.headers, body: opts.body, ca });

  const server: TestServer = {
    url: running.url,
    tenantId: boot.tenantId,
    subscriptionId: boot.subscriptionId,
    clientId: boot.clientId,
    clientSecret: boot.clientSecret,
    caCertPath: boot.caCertPath,
    caBundlePath: boot.caBundlePath,
    dataDir,
    get running() {
      return running;
    },
    async token() {
      if (cached && cached.exp > Date.now() + 60_000) return cached.token;
      const res = await raw('POST', `/${boot.tenantId}/oauth2/v2.0/token`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: boot.clientId,
          client_secret: boot.clientSecret,
          scope: 'https://management.azure.com/.default',
        }).toString(),
      });
      if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
      cached = { token: res.body.access_token, exp: Date.now() + res.body.expires_in * 1000 };
      return cached.token;
    },
    async arm(method, p, body, headers = {}) {
      const token = await server.token();
      const h: Record<string, string> = { authorization: `Bearer ${token}`, ...headers };
      let payload: string | undefined;
      if (body !== undefined) {
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        h['content-type'] ??= 'application/json';
      }
      return raw(method, p, { headers: h, body: payload });
    },
    raw,
    async restart() {
      const port = new URL(running.url).port;
      await running.close();
      running = await startServer({ ...serverOptions, port: Number(port) });
    },
    async close() {
      await running.close();
      if (ownsDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/**
 * Two nodes on one database sharing a fresh key-encryption key. Node A bootstraps; node B starts with an empty
 * data folder of its own (`bDirPrefix`, next to A's) and joins, answering under A's URL as a load balancer's
 * would be. `close` stops both and removes B's folder.
 */
export async function startJoinedNodes(database: string, bDirPrefix: string): Promise<{ a: TestServer; b: TestServer; bDir: string; close(): Promise<void> }> {
  const keyEncryptionKey = crypto.randomBytes(32).toString('hex');
  const a = await startTestServer({ database, extra: { keyEncryptionKey } });
  const bDir = fs.mkdtempSync(path.join(a.dataDir, '..', bDirPrefix));
  const b = await startTestServer({ database, dataDir: bDir, extra: { keyEncryptionKey, publicUrl: a.url }, joining: a }).catch(async (e) => {
    await a.close();
    throw e;
  });
  return {
    a,
    b,
    bDir,
    async close() {
      await b.close();
      fs.rmSync(bDir, { recursive: true, force: true });
      await a.close();
    },
  };
}

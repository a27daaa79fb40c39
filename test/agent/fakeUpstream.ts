/** A tiny stand-in for the server's App Service endpoint (`/msi/token`, `/msi/state`) for the agent's unit tests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request, type HttpResponse } from '../support/http.js';

export interface FakeUpstream {
  url: string;
  identityEndpoint: string;
  secret: string;
  /** Every token request's query, in order. */
  calls: URLSearchParams[];
  stateCalls: number;
  version: number;
  /** Answer the next token requests with this instead of a token. */
  override?: { status: number; body: unknown; headers?: Record<string, string> };
  /** Tokens expire this many seconds after issue (default 24 h). */
  lifetime: number;
  /** Delay answers (ms), to make concurrent requests overlap. */
  delayMs: number;
  close(): Promise<void>;
}

export const FAKE_TENANT = '11111111-2222-3333-4444-555555555555';

function b64(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const fake = { calls: [], stateCalls: 0, version: 1, lifetime: 86_400, delayMs: 0, secret: 'fake-secret' } as unknown as FakeUpstream;
  let n = 0;
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(text);
      }, u.pathname === '/msi/token' ? fake.delayMs : 0);
    };
    if (req.headers['x-identity-header'] !== fake.secret) return reply(401, { error: 'unauthorized_client', error_description: 'The identity header is not valid' });
    if (u.pathname === '/msi/state') {
      fake.stateCalls++;
      return reply(200, { version: String(fake.version) });
    }
    if (u.pathname !== '/msi/token') return reply(404, { error: 'not_found' });
    fake.calls.push(u.searchParams);
    if (fake.override) return reply(fake.override.status, fake.override.body, fake.override.headers);
    const resource = u.searchParams.get('resource')!;
    const now = Math.floor(Date.now() / 1000);
    const clientId = u.searchParams.get('client_id') ?? 'aaaaaaaa-0000-0000-0000-000000000000';
    const claims = { aud: resource, iss: `https://sts.windows.net/${FAKE_TENANT}/`, tid: FAKE_TENANT, iat: now, nbf: now, exp: now + fake.lifetime, appid: clientId, n: ++n, sel: u.search };
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.sig`;
    reply(200, { access_token: token, expires_on: String(now + fake.lifetime), resource, token_type: 'Bearer', client_id: clientId });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  fake.url = `http://127.0.0.1:${port}`;
  fake.identityEndpoint = `${fake.url}/msi/token`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return fake;
}

/** A plain GET to the agent. */
export function get(url: string, headers: Record<string, string> = { metadata: 'true' }): Promise<HttpResponse> {
  return request(url, { headers });
}

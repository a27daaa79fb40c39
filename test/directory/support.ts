import assert from 'node:assert/strict';
import type { HttpResponse } from '../support/http.js';
import type { TestServer } from '../support/server.js';

/** Helpers shared by the directory suites: token requests as clients send them, JWT decoding, error-shape checks. */

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
export const SUBSCRIPTIONS = '/subscriptions?api-version=2022-12-01';
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function postForm(s: TestServer, path: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResponse> {
  return s.raw('POST', path, { headers: { ...FORM, ...headers }, body: new URLSearchParams(params).toString() });
}

/** The admin's client-credentials request to the v2 endpoint, as ClientSecretCredential sends it. */
export function adminTokenRequest(s: TestServer, scope: string, overrides: Record<string, string> = {}): Promise<HttpResponse> {
  return postForm(s, `/${s.tenantId}/oauth2/v2.0/token`, {
    client_id: s.clientId,
    scope,
    grant_type: 'client_credentials',
    client_secret: s.clientSecret,
    ...overrides,
  });
}

/** A fresh admin token for `scope` (never cached, unlike `s.token()`). */
export async function freshToken(s: TestServer, scope = 'https://management.azure.com//.default'): Promise<string> {
  const res = await adminTokenRequest(s, scope);
  assert.equal(res.status, 200, res.text);
  return res.body.access_token as string;
}

export function decodeJwt(token: string): { header: Record<string, any>; payload: Record<string, any> } {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
  };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** An error as Entra's token endpoint sends it, which MSAL turns into `<error>: ... AADSTS<code>: ...`. */
export function assertEntraError(res: HttpResponse, expected: { status: number; error: string; code: number; mentions?: string }): void {
  assert.equal(res.status, expected.status, res.text);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const b = res.body;
  assert.ok(b && typeof b === 'object', `JSON error body expected, got ${res.text}`);
  assert.equal(b.access_token, undefined, 'an error carries no token');
  assert.equal(b.error, expected.error);
  assert.ok(String(b.error_description).startsWith(`AADSTS${expected.code}: `), b.error_description);
  assert.deepEqual(b.error_codes, [expected.code]);
  assert.match(b.timestamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  assert.match(b.trace_id, GUID);
  assert.match(b.correlation_id, GUID);
  assert.ok(b.error_description.includes(`Trace ID: ${b.trace_id}`), 'description carries the trace id');
  assert.ok(b.error_description.includes(`Correlation ID: ${b.correlation_id}`), 'description carries the correlation id');
  assert.ok(b.error_description.includes(`Timestamp: ${b.timestamp}`), 'description carries the timestamp');
  if (expected.mentions) assert.ok(b.error_description.includes(expected.mentions), `"${b.error_description}" should mention ${expected.mentions}`);
}

/** An ARM 401: `{"error":{"code","message"}}` and nothing else, plus a Bearer challenge. */
export function assertArm401(res: HttpResponse, code: string, message?: string | RegExp): void {
  assert.equal(res.status, 401, res.text);
  assert.deepEqual(Object.keys(res.body ?? {}), ['error'], res.text);
  assert.deepEqual(Object.keys(res.body.error).sort(), ['code', 'message']);
  assert.equal(res.body.error.code, code, res.text);
  if (typeof message === 'string') assert.equal(res.body.error.message, message);
  else if (message) assert.match(res.body.error.message, message);
  const challenge = String(res.headers['www-authenticate'] ?? '');
  assert.match(challenge, /^Bearer /, 'a 401 challenges for a Bearer token');
  assert.match(challenge, /authorization_uri="https:\/\/[^"]+"/);
}

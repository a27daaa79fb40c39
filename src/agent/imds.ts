/**
 * IMDS request handling (`GET /metadata/identity/oauth2/token`, `GET /metadata/identity/info`), as Azure's Instance
 * Metadata Service answers them (azure-wire-facts §8.1): `Metadata: true` required, `api-version` and `resource`
 * required, at most one of client_id / object_id / msi_res_id, every field of the answer a string, errors as
 * `{"error","error_description"}`. Tokens come from the server's App Service endpoint (upstream.ts) and are cached
 * per (selector, resource) until 5 minutes before expiry; concurrent misses for one key share one upstream call.
 * No answer is ever a 404 for an identity (the SDK retries 404 and 410 for ~25 s): IMDS answers 400.
 */
import type http from 'node:http';
import { TokenCache, type CachedToken } from './cache.js';
import type { Selector, Upstream, UpstreamAnswer } from './upstream.js';

export const TOKEN_PATH = '/metadata/identity/oauth2/token';
export const INFO_PATH = '/metadata/identity/info';

export interface AgentStats {
  /** Requests to the token path (including errors). */
  tokenRequests: number;
  cacheHits: number;
  /** Cache clears (state change, 401 from the server, expiry is not counted). */
  cacheClears: number;
}

interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const SERVER = 'Amity-IMDS';
const MAX_QUERY_KEYS = 1000;

function errorAnswer(status: number, error: string, description?: string, headers?: Record<string, string>): Answer {
  return { status, body: JSON.stringify(description === undefined ? { error } : { error, error_description: description }), headers };
}

function send(res: http.ServerResponse, a: Answer): void {
  res.writeHead(a.status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(a.body), server: SERVER, ...a.headers });
  res.end(a.body);
}

/** `//metadata/identity/oauth2/token/` → `/metadata/identity/oauth2/token` (the SDK sends all three forms). */
export function normalizePath(p: string): string {
  let s = 0;
  while (s + 1 < p.length && p.charCodeAt(s) === 47 && p.charCodeAt(s + 1) === 47) s++;
  let e = p.length;
  while (e - 1 > s && p.charCodeAt(e - 1) === 47) e--;
  return p.slice(s, e);
}

function decodeClaims(jwt: unknown): Record<string, any> | undefined {
  if (typeof jwt !== 'string') return undefined;
  const part = jwt.split('.')[1];
  if (!part) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** epoch seconds from a number, a numeric string or an ISO date. */
function epochSeconds(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.floor(v);
  if (typeof v === 'string' && v !== '') {
    if (/^\d+$/.test(v)) return Number(v);
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return Math.floor(t / 1000);
  }
  return undefined;
}

export class ImdsHandler {
  readonly cache = new TokenCache();
  readonly stats: AgentStats = { tokenRequests: 0, cacheHits: 0, cacheClears: 0 };
  /** Raw query string → cache key, for the hot path (bounded). */
  private readonly queryKeys = new Map<string, string>();
  private readonly inflight = new Map<string, Promise<{ entry?: CachedToken; error?: Answer }>>();
  private tenantId?: string;

  constructor(
    private readonly upstream: Upstream,
    private readonly log: (msg: string) => void = () => undefined,
  ) {}

  clearCache(reason: string): void {
    this.cache.clear();
    this.stats.cacheClears++;
    this.log(`cache cleared: ${reason}`);
  }

  /** The node:http request listener. */
  handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = normalizePath(q < 0 ? url : url.slice(0, q));
    const query = q < 0 ? undefined : url.slice(q + 1);
    const isToken = path === TOKEN_PATH;
    if (!isToken && path !== INFO_PATH) {
      send(res, errorAnswer(404, 'not_found', `No handler for ${path}`));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, errorAnswer(405, 'method_not_allowed', 'The request method is not allowed', { allow: 'GET' }));
      return;
    }
    if (isToken) this.stats.tokenRequests++;
    if (req.headers.metadata !== 'true') {
      send(res, errorAnswer(400, 'invalid_request', 'Required metadata header not specified'));
      return;
    }
    if (isToken && query !== undefined) {
      // Hot path: a query string seen before (validated, no bypass_cache, no selector echo) and a cached token.
      const key = this.queryKeys.get(query);
      if (key !== undefined) {
        const now = Math.floor(Date.now() / 1000);
        const hit = this.cache.get(key, now);
        if (hit) {
          this.stats.cacheHits++;
          this.cachedBody(hit, now);
          res.writeHead(200, ['content-type', JSON_TYPE, 'content-length', hit.bodyLength!, 'server', SERVER]);
          res.end(hit.bodyBytes);
          return;
        }
      }
    }
    const params = new URLSearchParams(query ?? '');
    const work = isToken ? this.token(params, query) : this.info(params);
    work.then(
      (a) => send(res, a),
      (e) => send(res, errorAnswer(500, 'server_error', `amity agent: ${e instanceof Error ? e.message : String(e)}`)),
    );
  };

  private async info(params: URLSearchParams): Promise<Answer> {
    if (!params.get('api-version')) return errorAnswer(400, 'invalid_request', "Required query variable 'api-version' is missing");
    if (!this.tenantId) {
      const any = this.cache.any();
      this.tenantId = decodeClaims(any?.upstream.access_token)?.tid;
    }
    if (!this.tenantId) {
      // No token yet: ask for one (system-assigned, then any) and read its tenant.
      const r = await this.fetch({ kind: 'system' }, 'https://management.azure.com/');
      if (r.entry) this.tenantId = decodeClaims(r.entry.upstream.access_token)?.tid;
      if (!this.tenantId) return r.error ?? errorAnswer(500, 'server_error', 'The tenant of this host could not be determined');
    }
    return { status: 200, body: JSON.stringify({ tenantId: this.tenantId }) };
  }

  private async token(params: URLSearchParams, query?: string): Promise<Answer> {
    const apiVersion = params.get('api-version');
    if (!apiVersion) return errorAnswer(400, 'invalid_request', "Required query variable 'api-version' is missing");
    const resource = params.get('resource');
    if (!resource) return errorAnswer(400, 'invalid_request', "Required query variable 'resource' is missing");
    const clientId = params.get('client_id');
    const objectId = params.get('object_id');
    const resId = params.get('msi_res_id');
    const given = [clientId, objectId, resId].filter((v) => v !== null && v !== '');
    if (given.length > 1) return errorAnswer(400, 'invalid_request', 'Only one of client_id, object_id or msi_res_id may be specified');
    const bypass = params.get('bypass_cache');
    if (bypass !== null && bypass !== 'true') return errorAnswer(400, 'invalid_request', "Query parameter 'bypass_cache' only accepts 'true'");
    const selector: Selector = clientId
      ? { kind: 'client_id', value: clientId }
      : objectId
        ? { kind: 'principal_id', value: objectId }
        : resId
          ? { kind: 'mi_res_id', value: resId }
          : { kind: 'system' };
    const key = selector.kind === 'system' ? `system\n${resource}` : `${selector.kind}\n${selector.value.toLowerCase()}\n${resource}`;
    const echo: Record<string, string> | undefined = clientId ? undefined : objectId ? { object_id: objectId } : resId ? { msi_res_id: resId } : undefined;
    const now = Math.floor(Date.now() / 1000);
    if (bypass !== 'true') {
      const hit = this.cache.get(key, now);
      if (hit) {
        this.stats.cacheHits++;
        if (echo === undefined && query !== undefined) this.rememberQuery(query, key);
        return { status: 200, body: echo ? this.render(hit, now, echo) : this.cachedBody(hit, now) };
      }
    }
    if (bypass === null && echo === undefined && query !== undefined) this.rememberQuery(query, key);
    const r = await this.fetchShared(key, selector, resource);
    if (r.error) return r.error;
    return { status: 200, body: this.render(r.entry!, Math.floor(Date.now() / 1000), echo) };
  }

  private rememberQuery(query: string, key: string): void {
    if (this.queryKeys.size >= MAX_QUERY_KEYS) this.queryKeys.clear();
    this.queryKeys.set(query, key);
  }

  private cachedBody(e: CachedToken, now: number): string {
    if (e.body === undefined || e.bodySecond !== now) {
      e.body = this.render(e, now);
      e.bodyBytes = Buffer.from(e.body, 'utf8');
      e.bodyLength = String(e.bodyBytes.length);
      e.bodySecond = now;
    }
    return e.body;
  }

  private render(e: CachedToken, now: number, echo?: Record<string, string>): string {
    const u = e.upstream;
    const expiresIn = Math.max(0, e.expiresOn - now);
    const body: Record<string, string> = {
      access_token: String(u.access_token),
      client_id: String(u.client_id ?? ''),
      expires_in: String(expiresIn),
      expires_on: String(e.expiresOn),
      ext_expires_in: String(expiresIn),
      not_before: String(e.notBefore),
      resource: String(u.resource ?? ''),
      token_type: String(u.token_type ?? 'Bearer'),
      ...echo,
    };
    return JSON.stringify(body);
  }

  private fetchShared(key: string, selector: Selector, resource: string): Promise<{ entry?: CachedToken; error?: Answer }> {
    let p = this.inflight.get(key);
    if (!p) {
      p = this.fetch(selector, resource, key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async fetch(selector: Selector, resource: string, key?: string): Promise<{ entry?: CachedToken; error?: Answer }> {
    const generation = this.cache.generation;
    let r: UpstreamAnswer;
    try {
      r = await this.upstream.token(selector, resource);
    } catch (e) {
      return { error: errorAnswer(500, 'server_error', `amity agent: the identity endpoint is unreachable (${e instanceof Error ? e.message : String(e)})`) };
    }
    if (r.status === 200 && r.json && typeof r.json.access_token === 'string') {
      const claims = decodeClaims(r.json.access_token);
      const expiresOn = epochSeconds(r.json.expires_on) ?? (typeof claims?.exp === 'number' ? claims.exp : undefined);
      if (expiresOn === undefined) return { error: errorAnswer(500, 'server_error', 'amity agent: the identity endpoint answered a token without expires_on') };
      const notBefore = epochSeconds(r.json.not_before) ?? (typeof claims?.nbf === 'number' ? claims.nbf : Math.floor(Date.now() / 1000));
      const entry: CachedToken = { upstream: r.json, expiresOn, notBefore };
      if (!this.tenantId && typeof claims?.tid === 'string') this.tenantId = claims.tid;
      if (key) this.cache.set(key, entry, generation, Math.floor(Date.now() / 1000));
      return { entry };
    }
    if (r.status === 401 || r.status === 403) this.clearCache(`identity endpoint answered ${r.status}`);
    return { error: this.passThrough(r) };
  }

  /** An upstream error, with its status and IMDS-shaped body; a 404 becomes a 400 (the SDK would retry a 404 for ~25 s). */
  private passThrough(r: UpstreamAnswer): Answer {
    const status = r.status === 404 || r.status === 410 ? 400 : r.status >= 400 ? r.status : 500;
    const headers: Record<string, string> = {};
    const retryAfter = r.headers['retry-after'];
    if (typeof retryAfter === 'string') headers['retry-after'] = retryAfter;
    const wwwAuth = r.headers['www-authenticate'];
    if (typeof wwwAuth === 'string') headers['www-authenticate'] = wwwAuth;
    if (r.json && typeof r.json.error === 'string') {
      const body: Record<string, string> = { error: r.json.error };
      if (r.json.error_description !== undefined) body.error_description = String(r.json.error_description);
      return { status, body: JSON.stringify(body), headers };
    }
    const description = r.json?.error?.message ?? r.json?.message ?? (r.text.slice(0, 300) || `identity endpoint answered ${r.status}`);
    const code = status === 429 ? 'too_many_requests' : status >= 500 ? 'server_error' : status === 401 ? 'unauthorized_client' : status === 403 ? 'forbidden' : 'invalid_request';
    return { status, body: JSON.stringify({ error: code, error_description: String(description) }), headers };
  }
}

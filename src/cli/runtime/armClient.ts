import { CliError, ServiceError } from './errors.js';
import { httpRequest, type HttpReply } from './http.js';
import type { Account } from './profile.js';
import { tokenFor } from './tokens.js';

export interface ArmReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface ArmCallOptions {
  apiVersion?: string;
  body?: unknown;
  /** Extra query parameters (besides api-version). */
  query?: Record<string, string | undefined>;
  /** Follow a long-running operation to its end (default true); `--no-wait` passes false. */
  wait?: boolean;
  /** Shown next to the spinner while a long-running operation is followed. */
  progress?: (message: string | undefined) => void;
  headers?: Record<string, string>;
}

/**
 * REST calls to one server as the signed-in account: the bearer token added (renewed on a 401 once), ARM's error
 * envelope turned into a ServiceError, long-running operations followed through Azure-AsyncOperation / Location.
 */
export class ArmClient {
  constructor(
    readonly account: Account,
    /** The audience tokens are requested for (ARM's, or Graph's for `ad` commands). */
    readonly resource: string,
    readonly baseUrl: string = account.server,
  ) {}

  urlOf(pathOrUrl: string, options: ArmCallOptions = {}): string {
    const url = new URL(/^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${this.baseUrl}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`);
    if (options.apiVersion && !url.searchParams.has('api-version')) url.searchParams.set('api-version', options.apiVersion);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    return url.toString();
  }

  /** One call, no LRO following; errors thrown as ServiceError. */
  async call(method: string, pathOrUrl: string, options: ArmCallOptions = {}): Promise<ArmReply> {
    const reply = await this.raw(method, this.urlOf(pathOrUrl, options), options.body, options.headers);
    if (reply.status >= 400) throw serviceErrorOf(reply);
    return replyOf(reply);
  }

  /** A call that follows a long-running operation to its end when the server starts one (unless wait is false). */
  async send(method: string, pathOrUrl: string, options: ArmCallOptions = {}): Promise<ArmReply> {
    const url = this.urlOf(pathOrUrl, options);
    const first = await this.call(method, url, options);
    const asyncUrl = header(first.headers, 'azure-asyncoperation');
    const locationUrl = header(first.headers, 'location');
    const isLro = (first.status === 201 || first.status === 202) && (asyncUrl || locationUrl);
    if (!isLro || options.wait === false) return first;
    try {
      return await this.follow(method, url, first, asyncUrl, locationUrl, options.progress);
    } finally {
      options.progress?.(undefined);
    }
  }

  /** Every item of a list, following nextLink. */
  async listAll(pathOrUrl: string, options: ArmCallOptions = {}): Promise<unknown[]> {
    const items: unknown[] = [];
    let url: string | undefined = this.urlOf(pathOrUrl, options);
    while (url) {
      const page = (await this.call('GET', url)).body as { value?: unknown[]; nextLink?: string; '@odata.nextLink'?: string } | undefined;
      items.push(...(page?.value ?? []));
      url = page?.nextLink ?? page?.['@odata.nextLink'] ?? undefined;
    }
    return items;
  }

  private async follow(method: string, url: string, first: ArmReply, asyncUrl: string | undefined, locationUrl: string | undefined, progress: ArmCallOptions['progress']): Promise<ArmReply> {
    let retryAfter = retryAfterOf(first.headers);
    for (;;) {
      progress?.('Running');
      await sleep(retryAfter);
      if (asyncUrl) {
        const status = await this.call('GET', asyncUrl);
        const body = status.body as { status?: string; error?: { code?: string; message?: string } } | undefined;
        const state = body?.status ?? 'Succeeded';
        retryAfter = retryAfterOf(status.headers);
        if (state === 'Failed' || state === 'Canceled') throw new ServiceError(200, body?.error?.code ?? state, body?.error?.message ?? `The operation ended ${state}.`);
        if (state !== 'Succeeded') continue;
        // The operation's outcome: the resource itself for PUT/PATCH, the Location result otherwise.
        if (method === 'PUT' || method === 'PATCH') return this.call('GET', url);
        return locationUrl ? this.call('GET', locationUrl) : { status: 200, headers: status.headers, body: undefined };
      }
      const polled = await this.call('GET', locationUrl!);
      if (polled.status !== 202) return method === 'PUT' || method === 'PATCH' ? this.call('GET', url) : polled;
      retryAfter = retryAfterOf(polled.headers);
    }
  }

  /** One request as it is (no error mapping): `amity rest` prints whatever came back. */
  request(method: string, url: string, body: string | undefined, headers: Record<string, string> = {}): Promise<HttpReply> {
    return this.raw(method, url, body, headers);
  }

  private async raw(method: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpReply> {
    const send = async (forceRefresh: boolean) => {
      const token = await tokenFor(this.account, this.resource, { forceRefresh });
      return httpRequest({
        method,
        url,
        headers: { authorization: `Bearer ${token.accessToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        caCert: this.account.caCert,
      });
    };
    const reply = await send(false);
    // A cached token the server no longer takes (keys rotated, token revoked): one fresh token, then give up.
    if (reply.status === 401) return send(true);
    return reply;
  }
}

export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function replyOf(reply: HttpReply): ArmReply {
  let body: unknown = undefined;
  if (reply.text.length > 0) {
    try {
      body = JSON.parse(reply.text);
    } catch {
      body = reply.text;
    }
  }
  return { status: reply.status, headers: reply.headers, body };
}

export function serviceErrorOf(reply: HttpReply): CliError {
  let parsed: { error?: { code?: unknown; message?: unknown } | string; error_description?: unknown; message?: unknown } | undefined;
  try {
    parsed = JSON.parse(reply.text);
  } catch {
    parsed = undefined;
  }
  const error = parsed?.error;
  if (error && typeof error === 'object' && typeof error.code === 'string') return new ServiceError(reply.status, error.code, String(error.message ?? ''));
  if (typeof error === 'string') return new ServiceError(reply.status, error, String(parsed?.error_description ?? ''));
  if (reply.status === 404) return new CliError(`Operation returned an invalid status 'Not Found'`);
  return new CliError(`Operation returned an invalid status code ${reply.status}${reply.text ? `: ${reply.text.slice(0, 500)}` : ''}`);
}

function retryAfterOf(headers: Record<string, string | string[] | undefined>): number {
  const seconds = Number(header(headers, 'retry-after'));
  // Capped so a local server's long hints never stall a terminal; az waits 30 s without a hint.
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 30) * 1000 : 1000;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The one way the app talks to the server: same-origin fetch to the backend-for-frontend (/portal/api/...).
 * The session is an HttpOnly cookie the browser sends by itself; no token is ever seen or stored here. Every
 * non-GET carries the session's CSRF token in the `x-amity-csrf` header, which the server checks.
 */

export const CSRF_HEADER = 'x-amity-csrf';

/** An error answer in ARM's, Graph's or the portal API's shape: `{ error: { code, message, target?, details? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly details: { code: string; message: string; target?: string }[] = [],
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;
let onUnauthenticated: (() => void) | undefined;

/** Set from the session answer (sign-in or GET /portal/api/session); kept in memory only. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when the server says the session is gone (401), so the app can go back to the sign-in page. */
export function onSessionExpired(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Don't treat 401 as "session expired" (the sign-in call itself). */
  quiet401?: boolean;
}

export async function request<T>(method: string, url: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') {
    if (csrfToken) headers[CSRF_HEADER] = csrfToken;
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(url, {
    method,
    headers,
    body: options.body === undefined ? (method === 'GET' ? undefined : '{}') : JSON.stringify(options.body),
    credentials: 'same-origin',
    signal: options.signal,
    cache: 'no-store',
  });
  const text = await res.text();
  const data: unknown = text ? safeJson(text) : undefined;
  if (!res.ok) {
    if (res.status === 401 && !options.quiet401) onUnauthenticated?.();
    throw toApiError(res.status, data, text);
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toApiError(status: number, data: unknown, text: string): ApiError {
  const e = (data as { error?: { code?: unknown; message?: unknown; target?: unknown; details?: unknown } } | undefined)?.error;
  if (e && typeof e === 'object') {
    const details = Array.isArray(e.details) ? (e.details as { code: string; message: string; target?: string }[]) : [];
    return new ApiError(status, String(e.code ?? status), String(e.message ?? text), typeof e.target === 'string' ? e.target : undefined, details);
  }
  return new ApiError(status, String(status), text || `Request failed with status ${status}`);
}

import { request, type RequestOptions } from './http.js';

/**
 * ARM through the portal's proxy: `/portal/api/arm` + the ARM path, with the session's token added server-side,
 * so RBAC applies exactly as for a REST call. Paths are ARM paths (`/subscriptions/...`), query included.
 */
export const ARM_PREFIX = '/portal/api/arm';

/** The api-versions the pages use, one per provider. */
export const API_VERSIONS = {
  managedIdentity: '2023-01-31',
  resources: '2021-04-01',
  subscriptions: '2022-12-01',
  authorization: '2022-04-01',
  insights: '2015-04-01',
} as const;

export function withApiVersion(path: string, apiVersion: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}api-version=${apiVersion}`;
}

/** A nextLink is absolute (`https://host/subscriptions/...`): keep only its path and query, under the proxy. */
export function portalUrlOf(armPathOrLink: string): string {
  if (/^https?:\/\//i.test(armPathOrLink)) {
    const u = new URL(armPathOrLink);
    return `${ARM_PREFIX}${u.pathname}${u.search}`;
  }
  return `${ARM_PREFIX}${armPathOrLink}`;
}

export const arm = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', portalUrlOf(path), options),
  put: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PUT', portalUrlOf(path), { ...options, body }),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PATCH', portalUrlOf(path), { ...options, body }),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', portalUrlOf(path), { ...options, body }),
  delete: <T = unknown>(path: string, options?: RequestOptions) => request<T>('DELETE', portalUrlOf(path), options),
};

/** One page of an ARM list; follow `nextLink` (through arm.get) for the next. */
export interface ArmPage<T> {
  value: T[];
  nextLink?: string;
}

import { request, type RequestOptions } from './http.js';

/** Microsoft Graph (the directory) through the portal's proxy: `/portal/api/graph/v1.0/users`, etc. */
export const GRAPH_PREFIX = '/portal/api/graph';

export function graphUrlOf(pathOrLink: string): string {
  if (/^https?:\/\//i.test(pathOrLink)) {
    const u = new URL(pathOrLink);
    return `${GRAPH_PREFIX}${u.pathname.replace(/^\/msgraph/, '')}${u.search}`;
  }
  return `${GRAPH_PREFIX}${pathOrLink}`;
}

export const graph = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', graphUrlOf(path), options),
  post: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('POST', graphUrlOf(path), { ...options, body }),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PATCH', graphUrlOf(path), { ...options, body }),
  delete: <T = unknown>(path: string, options?: RequestOptions) => request<T>('DELETE', graphUrlOf(path), options),
};

export interface GraphList<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

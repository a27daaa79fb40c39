import type { ServerContext } from '../../server/context.js';
import type { TokenEndpointKind } from './idToken.js';

/** One token request, once the tenant and content type have been checked. */
export interface GrantRequest {
  server: ServerContext;
  tenantId: string;
  endpoint: TokenEndpointKind;
  params: URLSearchParams;
  authorization: string | undefined;
}

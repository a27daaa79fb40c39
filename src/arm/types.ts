import type { RequestActivity } from '../activity/recorder.js';
import type { Principal } from '../directory/tokenVerifier.js';
import type { ServerContext } from '../server/context.js';
import type { ApiVersionStyle } from './apiVersions.js';
import type { ArmPath } from './path.js';
import type { ScopeRead } from '../store/scope.js';

export type HttpMethod = 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST' | 'HEAD';

/** One request as a resource provider sees it, after authentication, routing and the api-version check. */
export interface ArmRequest {
  method: HttpMethod;
  path: ArmPath;
  /** The request path after normalisation (no query). */
  pathname: string;
  apiVersion: string;
  query: Record<string, string | undefined>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  principal: Principal;
  server: ServerContext;
  /** `x-ms-correlation-request-id`: the client's, or one made for this request. */
  correlationId: string;
  /** `x-ms-client-request-id`, when the client sent one. */
  clientRequestId?: string;
  /**
   * The activity log for this request. A write records its success inside the transaction of its change:
   * `await req.activity.record(trx, { statusCode: 201 })`. Failures, and writes that changed nothing, are
   * recorded by dispatch. Reads carry a no-op.
   */
  activity: RequestActivity;
  /**
   * What dispatch read with the subscription, in one statement, before authorising: the group row (checked: it exists)
   * and, for an item under a group, the row at the path's key. A write may start from them (its compare-and-swap
   * catches any change since); absent for requests that did not read them.
   */
  scope?: ScopeRead;
}

export interface ArmResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type ArmHandler = (req: ArmRequest) => Promise<ArmResponse>;

/** Where a type lives: which scope its collection hangs off. */
export type ScopeKind = 'tenant' | 'subscription' | 'resourceGroup' | 'resource' | 'any';

/**
 * A resource type as ARM declares it: its api-versions, where it lives and its handlers.
 * Routing, RBAC action names and the api-version check all read this one declaration.
 */
export interface ResourceTypeDef {
  /** Full type as Azure writes it, e.g. `Microsoft.ManagedIdentity/userAssignedIdentities`. */
  type: string;
  /** The type ARM puts in the RBAC action when it differs (resource groups are `Microsoft.Resources/subscriptions/resourceGroups`). */
  actionType?: string;
  apiVersions: readonly string[];
  apiVersionStyle: ApiVersionStyle;
  /** Scopes at which an item may appear. */
  scopes: readonly ScopeKind[];
  /** Scopes at which the collection may be listed, when they differ from the items'. */
  collectionScopes?: readonly ScopeKind[];
  item?: Partial<Record<Exclude<HttpMethod, 'POST'>, ArmHandler>>;
  collection?: Partial<Record<'GET', ArmHandler>>;
  /** RBAC actions POST actions require when not `<type>/<action>/action`: action name (lower-case) → RBAC action. */
  actionPermissions?: Record<string, string>;
  /** POST actions on an item: name (lower-case) → handler. */
  actions?: Record<string, ArmHandler>;
  /** Needs no subscription check (tenant-level types). */
  tenantLevel?: boolean;
}

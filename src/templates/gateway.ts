import { atLeast } from '../arm/apiVersions.js';
import { dispatchArm, type RawArmRequest } from '../arm/dispatch.js';
import { ArmError } from '../arm/errors.js';
import type { TypeRegistry } from '../arm/registry.js';
import type { Principal } from '../directory/tokenVerifier.js';
import type { ServerContext } from '../server/context.js';
import type { ResourceGateway } from './engine/contract.js';

export interface GatewayOptions {
  server: ServerContext;
  /** The deployer: every call is authorised as this principal, exactly as its own REST call would be. */
  principal: Principal;
  /** The deployment's correlation id, carried into the activity log of every resource it writes. */
  correlationId: string;
  subscriptionId: string;
  /** The deployment's group; absent at subscription scope. */
  resourceGroup?: string;
  /** Removes the deployment's secure values from error messages the activity log records. */
  redact?: (text: string) => string;
}

// The registry module imports the deployments provider, which imports this file: load it lazily to keep
// module evaluation free of that cycle. The registry is plain data, so one more instance costs nothing.
let registryPromise: Promise<TypeRegistry> | undefined;
function registry(): Promise<TypeRegistry> {
  registryPromise ??= import('../server/registry.js').then((m) => m.buildRegistry());
  return registryPromise;
}

/** The types this server serves by lower-cased type, loaded once: apiVersionsOf is synchronous. */
let types: Map<string, { type: string; apiVersions: readonly string[] }> | undefined;
async function loadTypes(): Promise<Map<string, { type: string; apiVersions: readonly string[] }>> {
  if (!types) {
    const all = (await registry()).all();
    // Oldest first, newest last, as the contract asks (the registry lists newest first).
    const sorted = (versions: readonly string[]) => [...versions].sort((a, b) => (a === b ? 0 : atLeast(a, b) ? 1 : -1));
    types = new Map(all.map((def) => [def.type.toLowerCase(), { type: def.type, apiVersions: sorted(def.apiVersions) }]));
  }
  return types;
}

/**
 * The engine's way to the resources it deploys: the server's own ARM dispatch, so each resource passes the same
 * routing, api-version check, RBAC, group checks, handler and activity log as a REST call by the deployer.
 */
export async function createGateway(options: GatewayOptions): Promise<ResourceGateway> {
  const reg = await registry();
  const known = await loadTypes();
  const call = async (method: string, resourceId: string, apiVersion: string, body?: unknown) => {
    // On SQLite every store call completes synchronously, so a deployment's chain of awaits would never give the
    // event loop back: yield before each call so requests (polls, cancel) keep being served while it runs.
    await new Promise((resolve) => setImmediate(resolve));
    const raw: RawArmRequest = {
      method,
      pathname: resourceId,
      query: { 'api-version': apiVersion },
      headers: {},
      body,
      correlationId: options.correlationId,
      principal: options.principal,
      redact: options.redact,
    };
    return dispatchArm(options.server, reg, raw);
  };

  return {
    async get(resourceId, apiVersion) {
      try {
        const res = await call('GET', resourceId, apiVersion);
        return { status: res.status, body: res.body };
      } catch (e) {
        if (e instanceof ArmError && e.status === 404) return { status: 404, body: e.toBody() };
        throw e;
      }
    },
    async put(resourceId, apiVersion, body) {
      const res = await call('PUT', resourceId, apiVersion, body);
      return { status: res.status, body: res.body };
    },
    async delete(resourceId, apiVersion) {
      return { status: (await call('DELETE', resourceId, apiVersion)).status };
    },
    async post(resourceId, action, apiVersion, body) {
      const res = await call('POST', `${resourceId.replace(/\/+$/, '')}/${action}`, apiVersion, body);
      return { status: res.status, body: res.body };
    },
    apiVersionsOf(resourceType) {
      return known.get(resourceType.toLowerCase())?.apiVersions;
    },
    async listGroupResources() {
      if (options.resourceGroup === undefined) return [];
      // Top-level resources only: child resources go with their parent, as in Azure's Complete mode.
      const rows = await options.server.database.db
        .selectFrom('resources')
        .select(['id', 'type', 'key'])
        .where('subscription_id', '=', options.subscriptionId.toLowerCase())
        .where('resource_group', '=', options.resourceGroup.toLowerCase())
        .where('parent_key', '=', '')
        .where('type', '!=', 'microsoft.resources/resourcegroups')
        .orderBy('key')
        .execute();
      // Stored types are lower-cased: answer with the type as ARM writes it.
      return rows.map((r) => ({ id: r.id, type: known.get(r.type)?.type ?? r.type }));
    },
  };
}

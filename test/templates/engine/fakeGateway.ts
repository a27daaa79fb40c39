/**
 * The in-memory ResourceGateway the engine's unit tests use: a Map of id → body. Creating a user-assigned
 * identity fills in principalId/clientId/tenantId as the real provider does, so reference() chains are real.
 * End-to-end behaviour through the server is tested by the deployments API tests, not here.
 */
import { randomUUID } from 'node:crypto';
import { ArmError } from '../../../src/arm/errors.js';
import type { DeploymentScope, ResourceGateway } from '../../../src/templates/engine/contract.js';

export const SUB = '00000000-0000-0000-0000-000000000001';
export const TENANT = '00000000-0000-0000-0000-0000000000aa';
export const RG_ID = `/subscriptions/${SUB}/resourceGroups/rg1`;

export function rgScope(over: Partial<DeploymentScope> = {}): DeploymentScope {
  return {
    tenantId: TENANT,
    subscriptionId: SUB,
    subscriptionDisplayName: 'Amity subscription',
    resourceGroup: { id: RG_ID, name: 'rg1', location: 'westus', tags: { team: 'a' } },
    deploymentName: 'dep1',
    deploymentId: `${RG_ID}/providers/Microsoft.Resources/deployments/dep1`,
    resourceManagerUrl: 'https://127.0.0.1:8443',
    loginEndpoint: 'https://127.0.0.1:8443',
    ...over,
  };
}

export function subScope(): DeploymentScope {
  const s = rgScope({ location: 'westus', deploymentId: `/subscriptions/${SUB}/providers/Microsoft.Resources/deployments/dep1` });
  delete s.resourceGroup;
  return s;
}

const VERSIONS: Record<string, string[]> = {
  'microsoft.managedidentity/userassignedidentities': ['2018-11-30', '2023-01-31'],
  'microsoft.managedidentity/userassignedidentities/federatedidentitycredentials': ['2022-01-31-preview', '2023-01-31'],
  'microsoft.authorization/roleassignments': ['2022-04-01'],
  'microsoft.resources/resourcegroups': ['2022-09-01', '2024-03-01'],
  'microsoft.compute/virtualmachines': ['2023-03-01'],
  'microsoft.test/widgets': ['2020-01-01', '2021-01-01'],
};

function typeOf(id: string): string {
  const parts = id.split('/').filter(Boolean);
  const at = parts.map((p) => p.toLowerCase()).lastIndexOf('providers');
  if (at < 0) return 'Microsoft.Resources/resourceGroups';
  const rest = parts.slice(at + 1);
  const types = [rest[0]];
  for (let i = 1; i < rest.length; i += 2) types.push(rest[i]);
  return types.join('/');
}

export interface FakeOptions {
  /** PUTs of ids matching this fail with a 400 ArmError. */
  failPut?: (id: string, body: unknown) => ArmError | undefined;
  /** Milliseconds each PUT takes (to observe concurrency). */
  putDelayMs?: number | ((id: string) => number);
}

export class FakeGateway implements ResourceGateway {
  readonly store = new Map<string, { id: string; type: string; body: Record<string, unknown> }>();
  /** `put <id>` / `delete <id>` / `get <id>`, in call order. */
  readonly log: string[] = [];
  readonly putVersions = new Map<string, string>();
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly opts: FakeOptions = {}) {}

  seed(id: string, body: Record<string, unknown>): void {
    this.store.set(id.toLowerCase(), { id, type: typeOf(id), body: { id, name: id.split('/').pop(), type: typeOf(id), ...body } });
  }

  body(id: string): Record<string, unknown> | undefined {
    return this.store.get(id.toLowerCase())?.body;
  }

  puts(): string[] {
    return this.log.filter((l) => l.startsWith('put ')).map((l) => l.slice(4));
  }

  async get(resourceId: string, _apiVersion: string): Promise<{ status: number; body?: unknown }> {
    this.log.push(`get ${resourceId}`);
    const r = this.store.get(resourceId.toLowerCase());
    return r ? { status: 200, body: structuredClone(r.body) } : { status: 404 };
  }

  async put(resourceId: string, apiVersion: string, body: unknown): Promise<{ status: number; body?: unknown }> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const delay = typeof this.opts.putDelayMs === 'function' ? this.opts.putDelayMs(resourceId) : (this.opts.putDelayMs ?? 0);
      await new Promise((r) => setTimeout(r, delay));
      const refused = this.opts.failPut?.(resourceId, body);
      if (refused) {
        this.log.push(`fail ${resourceId}`);
        throw refused;
      }
      this.log.push(`put ${resourceId}`);
      this.putVersions.set(resourceId, apiVersion);
      const type = typeOf(resourceId);
      const existing = this.store.get(resourceId.toLowerCase());
      const stored: Record<string, unknown> = { id: resourceId, name: resourceId.split('/').pop(), type, ...(structuredClone(body) as Record<string, unknown>) };
      if (type.toLowerCase() === 'microsoft.managedidentity/userassignedidentities') {
        const prev = (existing?.body.properties ?? {}) as Record<string, unknown>;
        stored.properties = {
          ...((stored.properties as Record<string, unknown>) ?? {}),
          tenantId: TENANT,
          principalId: prev.principalId ?? randomUUID(),
          clientId: prev.clientId ?? randomUUID(),
        };
      }
      this.store.set(resourceId.toLowerCase(), { id: resourceId, type, body: stored });
      return { status: existing ? 200 : 201, body: stored };
    } finally {
      this.inFlight--;
    }
  }

  async delete(resourceId: string, _apiVersion: string): Promise<{ status: number }> {
    this.log.push(`delete ${resourceId}`);
    const had = this.store.delete(resourceId.toLowerCase());
    for (const k of [...this.store.keys()]) if (k.startsWith(`${resourceId.toLowerCase()}/`)) this.store.delete(k);
    return { status: had ? 200 : 204 };
  }

  async post(resourceId: string, action: string, _apiVersion: string, _body: unknown): Promise<{ status: number; body?: unknown }> {
    this.log.push(`post ${resourceId}/${action}`);
    return { status: 200, body: { value: [{ id: `${resourceId}/associated` }], action } };
  }

  apiVersionsOf(resourceType: string): readonly string[] | undefined {
    return VERSIONS[resourceType.toLowerCase()];
  }

  async listGroupResources(): Promise<{ id: string; type: string }[]> {
    return [...this.store.values()].filter((r) => r.id.toLowerCase().startsWith(`${RG_ID.toLowerCase()}/providers/`)).map((r) => ({ id: r.id, type: r.type }));
  }
}

export function armError(status: number, code: string, message: string): ArmError {
  return new ArmError(status, code, message);
}

/** A template with the given resources/outputs etc. */
export function template(rest: Record<string, unknown>): Record<string, unknown> {
  return { $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0', resources: [], ...rest };
}

export const noHooks = { onOperation: () => undefined };

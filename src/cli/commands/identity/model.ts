import { CliError } from '../../runtime/errors.js';
import type { CliContext } from '../../runtime/context.js';
import { resourceGroupOf } from '../shared/shape.js';

export const IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';

/**
 * az prints the SDK model's `as_dict()`: attributes in the model's order, absent ones left out (not null), the
 * properties flattened, then `resourceGroup`. The order matters for `-o table`/`-o tsv` with `--query`.
 */
function ordered(body: unknown, fields: readonly string[], propertyFields: readonly string[]): Record<string, unknown> {
  const source = (body ?? {}) as Record<string, unknown>;
  const properties = (source.properties ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (source[f] !== undefined && source[f] !== null) out[f] = source[f];
  for (const f of propertyFields) if (properties[f] !== undefined && properties[f] !== null) out[f] = properties[f];
  const group = resourceGroupOf(source.id);
  if (group !== undefined) out.resourceGroup = group;
  return out;
}

/** azure-mgmt-msi's Identity (2022-01-31-preview) as az prints it. */
export function identityModel(body: unknown): Record<string, unknown> {
  return ordered(body, ['id', 'name', 'type', 'location', 'tags', 'systemData'], ['tenantId', 'principalId', 'clientId']);
}

/** azure-mgmt-msi's FederatedIdentityCredential as az prints it. */
export function federatedCredentialModel(body: unknown): Record<string, unknown> {
  return ordered(body, ['id', 'name', 'type', 'systemData'], ['issuer', 'subject', 'audiences']);
}

export interface IdentityRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

export function identityPath(ref: IdentityRef): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${encodeURIComponent(ref.resourceGroup)}/providers/${IDENTITY_TYPE}/${encodeURIComponent(ref.name)}`;
}

/** A user-assigned identity's ARM id, split; undefined when it is not one. */
export function parseIdentityId(id: string): IdentityRef | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)\/?$/i.exec(id.trim());
  return m ? { subscriptionId: m[1], resourceGroup: decodeURIComponent(m[2]), name: decodeURIComponent(m[3]) } : undefined;
}

export interface ResourceIdOptions {
  resourceGroup?: string;
  name?: string;
  ids?: string[];
}

/** az's "Resource Id Arguments": `-g -n` (in the current subscription) or `--ids` (one or more ids). */
export function identityRefs(ctx: CliContext, o: ResourceIdOptions): IdentityRef[] {
  if (o.ids && o.ids.length > 0) {
    return o.ids.map((id) => {
      const ref = parseIdentityId(id);
      if (!ref) throw new CliError(`argument --ids: invalid resource ID '${id}'`);
      return ref;
    });
  }
  if (!o.resourceGroup) throw new CliError('(--resource-group | --ids) are required');
  if (!o.name) throw new CliError('(--name | --ids) are required');
  return [{ subscriptionId: ctx.subscriptionId, resourceGroup: o.resourceGroup, name: o.name }];
}

import { addResourceGroups } from '../shared/azTransform.js';

/**
 * az's output for Amity's hosts. Amity's VMs are hosts that carry identities (no image, disk or network), so the
 * VirtualMachine model's Azure-only parts print as null, and Amity's own properties (hostName, osType) are
 * flattened beside vmId and provisioningState as az flattens `properties.*`.
 */

const VM_FIELDS = ['id', 'name', 'type', 'location', 'tags', 'plan', 'resources', 'identity', 'zones', 'extendedLocation'] as const;
const VM_PROPERTY_FIELDS = ['hardwareProfile', 'storageProfile', 'osProfile', 'networkProfile', 'provisioningState', 'instanceView', 'vmId', 'timeCreated'] as const;

export function vmView(body: unknown): Record<string, unknown> {
  const b = (body ?? {}) as Record<string, unknown>;
  const properties = (b.properties ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of VM_FIELDS) out[f] = f === 'identity' ? identityView(b.identity) : (b[f] ?? null);
  for (const f of VM_PROPERTY_FIELDS) out[f] = properties[f] ?? null;
  // Amity's host properties, which Azure's model does not have.
  for (const [k, v] of Object.entries(properties)) if (!(k in out)) out[k] = v;
  return addResourceGroups(out);
}

/** The VirtualMachineIdentity model (`az vm identity show`, `remove`), or null when the host has none. */
export function identityView(identity: unknown): Record<string, unknown> | null {
  if (!identity || typeof identity !== 'object') return null;
  const i = identity as Record<string, unknown>;
  return { principalId: i.principalId ?? null, tenantId: i.tenantId ?? null, type: i.type ?? null, userAssignedIdentities: userIdentities(i.userAssignedIdentities) };
}

function userIdentities(map: unknown): Record<string, unknown> | null {
  if (!map || typeof map !== 'object') return null;
  return Object.fromEntries(Object.entries(map as Record<string, Record<string, unknown> | null>).map(([id, v]) => [id, { clientId: v?.clientId ?? null, principalId: v?.principalId ?? null }]));
}

/** az's `_construct_identity_info` (vm create with --assign-identity, vm identity assign). */
export function identityInfo(identity: unknown): Record<string, unknown> {
  const i = (identity ?? {}) as Record<string, unknown>;
  return { systemAssignedIdentity: i.principalId ?? '', userAssignedIdentities: userIdentities(i.userAssignedIdentities) ?? {} };
}

import crypto from 'node:crypto';
import { optionalString } from '../../arm/body.js';
import { ArmError, armErrors } from '../../arm/errors.js';
import { idKey } from '../../arm/path.js';
import { trackedResourceType } from '../../arm/trackedResource.js';
import { etagOf } from '../../arm/preconditions.js';
import type { ResourceTypeDef } from '../../arm/types.js';
import { principalStore } from '../../store/principals.js';
import type { ResourceRow } from '../../store/resources.js';
import { usesIdentityIds, VM_API_VERSIONS } from './apiVersions.js';
import { VIRTUAL_MACHINE_TYPE } from './hostIdentities.js';
import { assignmentStore } from '../../store/identityAssignments.js';
import { regenerateIdentityCredential } from './hostCredential.js';
import { resolveIdentity } from './identityBlock.js';
import { identityTypeOf, IDENTITY_FIELD, storedIdentityOf, storedIdentityOfRow } from './storedIdentity.js';

const NAME_PATTERN = /^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,62}[a-zA-Z0-9_])?$/;
const OS_TYPES = ['Linux', 'Windows'] as const;
const ETAG_SINCE = '2023-09-01';

interface VmProperties {
  hostName: string;
  osType: (typeof OS_TYPES)[number];
  vmId: string;
  provisioningState: 'Succeeded';
}

function validateName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new ArmError(
      400,
      'InvalidParameter',
      `Virtual machine name '${name}' is invalid. It can be 1 to 64 characters long, can contain letters, numbers, '.', '-' and '_', must start with a letter or number and cannot end with '.' or '-'.`,
      { target: 'name' },
    );
  }
}

/** The VM as a client sees it: the minimal host properties and the identity block in Compute's shape for the version. */
export function serializeVm(row: ResourceRow, apiVersion: string): Record<string, unknown> {
  const stored = JSON.parse(row.properties) as Record<string, unknown>;
  const { [IDENTITY_FIELD]: _identity, ...properties } = stored;
  const identity = storedIdentityOf(stored);
  const body: Record<string, unknown> = {
    id: row.id,
    name: row.name,
    type: VIRTUAL_MACHINE_TYPE,
    location: row.location,
    tags: JSON.parse(row.tags ?? '{}'),
  };
  // Compute shows the etag (for If-Match) from 2023-09-01; identities, groups and role assignments have none in Azure.
  if (apiVersion >= ETAG_SINCE) body.etag = etagOf(row);
  const type = identityTypeOf(identity);
  if (identity && type !== 'None') {
    const block: Record<string, unknown> = { type };
    if (identity.system) {
      block.principalId = identity.system.principalId;
      block.tenantId = identity.tenantId;
    }
    if (identity.user.length) {
      // A deleted identity stays listed with the ids it had when assigned (a dangling reference, as in Azure).
      if (usesIdentityIds(apiVersion)) block.identityIds = identity.user.map((u) => u.id);
      else block.userAssignedIdentities = Object.fromEntries(identity.user.map((u) => [u.id, { principalId: u.principalId, clientId: u.clientId }]));
    }
    body.identity = block;
  }
  body.properties = properties;
  return body;
}

const vmType = trackedResourceType({
  type: VIRTUAL_MACHINE_TYPE,
  apiVersions: VM_API_VERSIONS,
  validateName,
  locationRequired: () => true,
  async properties({ input, existing, location, req, body, method, resourceId }) {
    const current = existing as (VmProperties & Record<string, unknown>) | undefined;
    const base = method === 'PATCH' ? current : undefined;
    const hostName = optionalString(input?.hostName, 'properties.hostName') ?? base?.hostName ?? req.path.names[req.path.names.length - 1];
    if (hostName.length > 253 || !/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(hostName)) {
      throw armErrors.invalidParameter(`The value '${hostName}' of property 'properties.hostName' is not a valid host name.`, 'properties.hostName');
    }
    const rawOs = optionalString(input?.osType, 'properties.osType');
    const osType = rawOs === undefined ? (base?.osType ?? 'Linux') : OS_TYPES.find((o) => o.toLowerCase() === rawOs.toLowerCase());
    if (!osType) throw armErrors.invalidParameter(`The value '${rawOs}' of property 'properties.osType' is not valid. The allowed values are 'Linux', 'Windows'.`, 'properties.osType');
    const identity = await resolveIdentity(body.identity, {
      req,
      method,
      hostId: resourceId,
      hostType: VIRTUAL_MACHINE_TYPE,
      location,
      existing: storedIdentityOf(current),
    });
    const props: VmProperties & Record<string, unknown> = {
      hostName,
      osType,
      vmId: current?.vmId ?? crypto.randomUUID(),
      provisioningState: 'Succeeded',
      [IDENTITY_FIELD]: identity,
    };
    return props;
  },
  async onWrite(trx, row, existing, req) {
    const before = existing ? storedIdentityOfRow(existing) : undefined;
    const after = storedIdentityOfRow(row);
    // A host made again under the name of one deleted with its group: nothing of the old one carries over.
    if (!existing) await assignmentStore.removeHosts(trx, [row.key]);
    if (before?.system && before.system.principalId !== after?.system?.principalId) await principalStore.deleteByResourceKeys(trx, [row.key]);
    if (after?.system && before?.system?.principalId !== after.system.principalId) {
      await principalStore.insert(trx, {
        object_id: after.system.principalId,
        tenant_id: req.server.tenantId,
        kind: 'ManagedIdentity',
        app_id: after.system.clientId,
        display_name: row.name,
        resource_key: row.key,
        created_at: row.changed_at,
      });
    }
    const beforeKeys = new Set((before?.user ?? []).map((u) => idKey(u.id)));
    const afterKeys = new Set((after?.user ?? []).map((u) => idKey(u.id)));
    await assignmentStore.remove(trx, row.key, [...beforeKeys].filter((k) => !afterKeys.has(k)));
    await assignmentStore.add(trx, row.key, [...afterKeys].filter((k) => !beforeKeys.has(k)), row.changed_at);
  },
  async onDelete(trx, row) {
    // The system-assigned identity lives and dies with its host; so do its assignments and workload credential.
    await principalStore.deleteByResourceKeys(trx, [row.key]);
    await assignmentStore.removeHosts(trx, [row.key]);
  },
  serialize: serializeVm,
  actions: { regenerateidentitycredential: regenerateIdentityCredential },
});

/** `Microsoft.Compute/virtualMachines`: hosts that carry managed identities. */
export const virtualMachines: ResourceTypeDef = {
  ...vmType,
  // Amity's own action: rotating the workload credential is a write on the host.
  actionPermissions: { regenerateidentitycredential: `${VIRTUAL_MACHINE_TYPE}/write` },
};

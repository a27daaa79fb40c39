import crypto from 'node:crypto';
import { ArmError } from '../../arm/errors.js';
import { trackedResourceType } from '../../arm/trackedResource.js';
import type { ResourceTypeDef } from '../../arm/types.js';
import { resourceStore, type ResourceRow } from '../../store/resources.js';
import { principalStore } from '../../store/principals.js';
import { roleAssignmentStore } from '../../store/roleAssignments.js';
import { MSI_API_VERSIONS, versionFeatures } from './apiVersions.js';
import { identityProperties, type IdentityProperties } from './identityProperties.js';
import { listAssociatedResources } from './associatedResources.js';
import { revokeTokens } from './revokeTokens.js';

export const USER_ASSIGNED_IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/;

function validateName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new ArmError(
      400,
      'InvalidResourceName',
      `Resource name '${name}' is invalid. The name can be between 3 and 128 characters long, must start with a letter or number, and can contain only letters, numbers, hyphens and underscores.`,
    );
  }
}

/** The identity as each api-version shows it: no systemData, etag or provisioningState, as in Azure. */
export function serializeIdentity(row: ResourceRow, apiVersion: string): Record<string, unknown> {
  const p = JSON.parse(row.properties) as IdentityProperties;
  const properties: Record<string, unknown> = { tenantId: p.tenantId, principalId: p.principalId, clientId: p.clientId };
  if (versionFeatures.clientSecretUrl(apiVersion)) {
    properties.clientSecretUrl = `https://control.amity.local${row.id}/credentials?tid=${p.tenantId}&oid=${p.principalId}&aid=${p.clientId}`;
  }
  if (versionFeatures.isolationScope(apiVersion)) properties.isolationScope = p.isolationScope;
  if (versionFeatures.assignmentRestrictions(apiVersion)) properties.assignmentRestrictions = p.assignmentRestrictions;
  return {
    id: row.id,
    name: row.name,
    type: USER_ASSIGNED_IDENTITY_TYPE,
    location: row.location,
    tags: JSON.parse(row.tags ?? '{}'),
    properties,
  };
}

const identityType = trackedResourceType({
  type: USER_ASSIGNED_IDENTITY_TYPE,
  apiVersions: MSI_API_VERSIONS,
  validateName,
  locationRequired: versionFeatures.locationRequired,
  properties: (input) => {
    const props = identityProperties(input, { tenantId: input.req.server.tenantId });
    if (!input.existing) {
      // Each identity gets a fresh service principal: a client (application) id and an object id.
      props.clientId = crypto.randomUUID();
      props.principalId = crypto.randomUUID();
    }
    return props;
  },
  ownedOnCreate(row, req) {
    const props = JSON.parse(row.properties) as IdentityProperties;
    const principal = {
      object_id: props.principalId,
      tenant_id: req.server.tenantId,
      kind: 'ManagedIdentity',
      app_id: props.clientId,
      display_name: row.name,
      resource_key: row.key,
      created_at: row.created_at,
    };
    return [{ table: 'principals', row: principal }];
  },
  async onDelete(trx, row) {
    // Deleting an identity removes its service principal; hosts keep their reference (identity_assignments
    // rows and the host's identity block stay: a dangling reference), as in Azure.
    await principalStore.deleteByResourceKeys(trx, [row.key]);
    // Role assignments at the identity go with it, in the same transaction.
    await roleAssignmentStore.deleteAtOrUnder(trx, row.key);
    // Its federated identity credentials (child rows) too.
    await resourceStore.deleteChildren(trx, row.key);
  },
  serialize: serializeIdentity,
  actions: { listassociatedresources: listAssociatedResources, revoketokens: revokeTokens },
});

export const userAssignedIdentities: ResourceTypeDef = {
  ...identityType,
  // The RBAC actions as Azure spells them (routing lower-cases action names).
  actionPermissions: {
    listassociatedresources: `${USER_ASSIGNED_IDENTITY_TYPE}/listAssociatedResources/action`,
    revoketokens: `${USER_ASSIGNED_IDENTITY_TYPE}/revokeTokens/action`,
  },
};

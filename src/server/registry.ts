import { TypeRegistry } from '../arm/registry.js';
import { managedIdentityOperations } from '../providers/managedIdentity/operations.js';
import { userAssignedIdentities } from '../providers/managedIdentity/userAssignedIdentities.js';
import { operationResults } from '../providers/resources/operationResults.js';
import { resourceGroups } from '../providers/resources/resourceGroups.js';
import { locations, subscriptions, tenants } from '../providers/resources/subscriptions.js';

/** Every resource type this server serves. */
export function buildRegistry(): TypeRegistry {
  return new TypeRegistry([subscriptions, locations, tenants, resourceGroups, operationResults, userAssignedIdentities, managedIdentityOperations]);
}

import { TypeRegistry } from '../arm/registry.js';
import { managedIdentityOperations } from '../providers/managedIdentity/operations.js';
import { userAssignedIdentities } from '../providers/managedIdentity/userAssignedIdentities.js';
import { activityLogEvents } from '../providers/insights/activityLog.js';
import { operationResults } from '../providers/resources/operationResults.js';
import { resourceGroups } from '../providers/resources/resourceGroups.js';
import { locations, subscriptions, tenants } from '../providers/resources/subscriptions.js';
import { roleDefinitions } from '../providers/authorization/roleDefinitions.js';
import { roleAssignments } from '../providers/authorization/roleAssignments.js';
import { permissions } from '../providers/authorization/permissions.js';
import { amityAuthorization } from '../providers/authorization/checkAccess.js';
import { virtualMachines } from '../providers/compute/virtualMachines.js';
import { federatedIdentityCredentials } from '../providers/managedIdentity/federatedCredentials.js';
import { systemAssignedIdentities } from '../providers/managedIdentity/systemAssignedIdentity.js';
import { deployments } from '../providers/resources/deployments.js';
import { deploymentOperations, legacyDeploymentOperations } from '../providers/resources/deploymentsOperations.js';
import { deploymentOperationResults, deploymentOperationStatuses } from '../providers/resources/deploymentsJobs.js';
import { resourceGroupResources, subscriptionResources } from '../providers/resources/genericResources.js';

/** Every resource type this server serves. */
export function buildRegistry(): TypeRegistry {
  return new TypeRegistry([subscriptions, locations, tenants, resourceGroups, operationResults, userAssignedIdentities, federatedIdentityCredentials, managedIdentityOperations, activityLogEvents, roleDefinitions, roleAssignments, permissions, amityAuthorization, virtualMachines, systemAssignedIdentities, deployments, deploymentOperations, legacyDeploymentOperations, deploymentOperationStatuses, deploymentOperationResults, subscriptionResources, resourceGroupResources]);
}

import type { ResourceTypeDef } from '../../arm/types.js';
import { MSI_API_VERSIONS } from './apiVersions.js';

const OPERATIONS: [string, string, string, string][] = [
  ['Microsoft.ManagedIdentity/register/action', 'Register Subscription', 'Subscription', 'Registers the subscription for the managed identity resource provider'],
  ['Microsoft.ManagedIdentity/identities/read', 'Get Identity', 'Managed Identity', 'Gets an existing system assigned identity'],
  ['Microsoft.ManagedIdentity/operations/read', 'List Operations', 'Operations', 'Lists operations available on Microsoft.ManagedIdentity resource provider'],
  ['Microsoft.ManagedIdentity/userAssignedIdentities/read', 'Get User Assigned Identity', 'User Assigned Identities', 'Gets an existing user assigned identity'],
  ['Microsoft.ManagedIdentity/userAssignedIdentities/write', 'Create/Update User Assigned Identity', 'User Assigned Identities', 'Creates a new user assigned identity or updates the tags associated with an existing user assigned identity'],
  ['Microsoft.ManagedIdentity/userAssignedIdentities/delete', 'Delete User Assigned Identity', 'User Assigned Identities', 'Deletes an existing user assigned identity'],
  ['Microsoft.ManagedIdentity/userAssignedIdentities/assign/action', 'Assign User Assigned Identity', 'User Assigned Identities', 'RBAC action for assigning an existing user assigned identity to a resource'],
  ['Microsoft.ManagedIdentity/userAssignedIdentities/listAssociatedResources/action', 'List Associated Resources', 'User Assigned Identities', 'Lists all associated resources for an existing user assigned identity'],
  ['Microsoft.ManagedIdentity/userAssignedIdentities/revokeTokens/action', 'Revoke Tokens', 'User Assigned Identities', 'Revoked all the existing tokens on a user assigned identity'],
  ['Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read', 'Get Federated Identity Credential', 'Federated Identity Credentials', 'Get or list Federated Identity Credentials'],
  ['Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write', 'Add/Update Federated Identity Credential', 'Federated Identity Credentials', 'Add or update a Federated Identity Credential'],
  ['Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete', 'Delete Federated Identity Credential', 'Federated Identity Credentials', 'Delete a Federated Identity Credential'],
];

/** `GET /providers/Microsoft.ManagedIdentity/operations`: the provider's RBAC actions, described. */
export const managedIdentityOperations: ResourceTypeDef = {
  type: 'Microsoft.ManagedIdentity/operations',
  apiVersions: MSI_API_VERSIONS,
  apiVersionStyle: 'provider',
  scopes: ['tenant'],
  tenantLevel: true,
  collection: {
    GET: async () => ({
      status: 200,
      body: {
        value: OPERATIONS.map(([name, operation, resource, description]) => ({
          name,
          display: { provider: 'Managed Service Identity', resource, operation, description },
        })),
      },
    }),
  },
};

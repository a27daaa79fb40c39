import { ManagedIdentityCredential, WorkloadIdentityCredential, type TokenCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { env, MANAGEMENT_SCOPE, report, subscriptionId, tenantId, url } from '../support/sdkScenarioEnv.js';

/**
 * Unmodified @azure/identity exchanging an external token read from a file (AZURE_FEDERATED_TOKEN_FILE) for a
 * managed identity's token: WorkloadIdentityCredential with options, ManagedIdentityCredential from the environment.
 */
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

async function use(credential: TokenCredential) {
  const token = await credential.getToken(MANAGEMENT_SCOPE);
  const client = new ResourceManagementClient(credential, subscriptionId, { endpoint: url, credentialScopes: [MANAGEMENT_SCOPE] });
  const group = await client.resourceGroups.get(env('FED_GROUP'));
  return { claims: claimsOf(token!.token), group: group.name };
}

report(async () => {
  const clientId = env('AZURE_CLIENT_ID');
  const workload = await use(new WorkloadIdentityCredential({ tenantId, clientId, tokenFilePath: env('AZURE_FEDERATED_TOKEN_FILE'), authorityHost: url, disableInstanceDiscovery: true }));
  const managed = await use(new ManagedIdentityCredential({ clientId }));
  return { workload, managed };
});

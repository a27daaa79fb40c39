// Drives a running Amity server with the real, unmodified Azure SDK for JavaScript and prints what it observed
// as one JSON object on stdout; sdk.test.ts asserts on it. It runs in its own process because Node reads
// NODE_EXTRA_CA_CERTS (the server's CA) only at start-up. Any unexpected failure exits non-zero with the error.
//
// Env: AMITY_URL, AMITY_TENANT_ID, AMITY_SUBSCRIPTION_ID, AMITY_CLIENT_ID, AMITY_CLIENT_SECRET.
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { ResourceManagementClient } from '@azure/arm-resources';
import { collect, credentialFor, env, MANAGEMENT_SCOPE, report, subscriptionId, url } from '../support/sdkScenarioEnv.js';

const clientId = env('AMITY_CLIENT_ID');
const clientSecret = env('AMITY_CLIENT_SECRET');

const BULK_IN_RG1 = 120;
const BULK_IN_RG2 = 5;
/** The server deletes a group holding at least this many resources in the background (202 + Location): BATCH in src/providers/resources/groupDeletion.ts. */
const BACKGROUND_DELETE_THRESHOLD = 500;

// core-rest-pipeline is not a direct dependency; take its policy type from the client.
type PipelinePolicy = Parameters<ResourceManagementClient['pipeline']['addPolicy']>[0];

/** Every ARM request the clients send, as `METHOD url`: lets the test see paging and LRO traffic. */
const requests: string[] = [];
const recorder: PipelinePolicy = {
  name: 'amityConformanceRecorder',
  sendRequest: async (req, next) => {
    requests.push(`${req.method} ${req.url}`);
    return next(req);
  },
};

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

function errorFacts(e: unknown): Record<string, unknown> {
  const err = e as { name?: string; message?: string; statusCode?: number; code?: string };
  return { name: err?.name, message: err?.message, statusCode: err?.statusCode, code: err?.code };
}

async function expectFailure(what: string, fn: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await fn();
  } catch (e) {
    return errorFacts(e);
  }
  throw new Error(`${what} succeeded but should have failed`);
}

/** Runs `fn` over `items` with a few requests in flight, as a real provisioning script would. */
async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function main(): Promise<Record<string, unknown>> {
  const credential = credentialFor(clientId, clientSecret);
  const managementToken = await credential.getToken(MANAGEMENT_SCOPE);
  const endpointToken = await credential.getToken(`${url}/.default`);

  const resources = new ResourceManagementClient(credential, subscriptionId, { endpoint: url, credentialScopes: [MANAGEMENT_SCOPE] });
  const msi = new ManagedServiceIdentityClient(credential, subscriptionId, { endpoint: url, credentialScopes: [MANAGEMENT_SCOPE] });
  resources.pipeline.addPolicy(recorder);
  msi.pipeline.addPolicy(recorder);

  // Resource groups
  const groupCreated = await resources.resourceGroups.createOrUpdate('rg1', { location: 'westus', tags: { env: 'test' } });
  await resources.resourceGroups.createOrUpdate('rg2', { location: 'eastus' });
  const groupGot = await resources.resourceGroups.get('rg1');
  const groupExists = await resources.resourceGroups.checkExistence('rg1');
  const missingGroupExists = await resources.resourceGroups.checkExistence('no-such-group');
  const groupsListed = await collect(resources.resourceGroups.list());

  // One identity through its whole life
  const created = await msi.userAssignedIdentities.createOrUpdate('rg1', 'id-main', { location: 'westus', tags: { a: 'b', team: 'x' } });
  const got = await msi.userAssignedIdentities.get('rg1', 'id-main');
  const updated = await msi.userAssignedIdentities.update('rg1', 'id-main', { tags: { c: 'd' } });
  const gotAfterUpdate = await msi.userAssignedIdentities.get('rg1', 'id-main');

  // Enough identities for more than one page (the server pages at 100)
  const bulk1 = Array.from({ length: BULK_IN_RG1 }, (_, i) => `bulk-${String(i).padStart(3, '0')}`);
  const bulk2 = Array.from({ length: BULK_IN_RG2 }, (_, i) => `other-${i}`);
  await inParallel(bulk1, 8, (name) => msi.userAssignedIdentities.createOrUpdate('rg1', name, { location: 'westus' }));
  await inParallel(bulk2, 8, (name) => msi.userAssignedIdentities.createOrUpdate('rg2', name, { location: 'eastus' }));
  const pagingStart = requests.length;
  const listedByGroup = await collect(msi.userAssignedIdentities.listByResourceGroup('rg1'));
  const byGroupRequests = requests.slice(pagingStart);
  const bySubStart = requests.length;
  const listedBySubscription = await collect(msi.userAssignedIdentities.listBySubscription());
  const bySubscriptionRequests = requests.slice(bySubStart);

  // Delete, then read again
  await msi.userAssignedIdentities.delete('rg1', 'id-main');
  const getAfterDelete = await expectFailure('get after delete', () => msi.userAssignedIdentities.get('rg1', 'id-main'));
  const listedAfterDelete = await collect(msi.userAssignedIdentities.listByResourceGroup('rg1'));

  // A second scope style: the server's own URL as the resource (what the clients use without credentialScopes)
  const msiOwnScope = new ManagedServiceIdentityClient(credential, subscriptionId, { endpoint: url, credentialScopes: [`${url}/.default`] });
  const resourcesOwnScope = new ResourceManagementClient(credential, subscriptionId, { endpoint: url, credentialScopes: [`${url}/.default`] });
  const ownScopeGot = await msiOwnScope.userAssignedIdentities.get('rg2', 'other-0');
  const ownScopeGroup = await resourcesOwnScope.resourceGroups.get('rg2');
  const defaultScopeClient = new ManagedServiceIdentityClient(credential, subscriptionId, { endpoint: url });
  const defaultScopeGot = await defaultScopeClient.userAssignedIdentities.get('rg2', 'other-1');

  // Group deletion (a long-running operation), then the group is gone
  const deleteStart = requests.length;
  await resources.resourceGroups.beginDeleteAndWait('rg1');
  const groupDeleteRequests = requests.slice(deleteStart);
  const groupExistsAfterDelete = await resources.resourceGroups.checkExistence('rg1');
  const getIdentityInDeletedGroup = await expectFailure('get in a deleted group', () => msi.userAssignedIdentities.get('rg1', 'bulk-000'));
  await resources.resourceGroups.beginDeleteAndWait('rg2');

  // A group large enough to be deleted in the background: the client must poll the Location URL until it is done.
  await resources.resourceGroups.createOrUpdate('rg-large', { location: 'westus' });
  const large = Array.from({ length: BACKGROUND_DELETE_THRESHOLD }, (_, i) => `large-${i}`);
  await inParallel(large, 16, (name) => msi.userAssignedIdentities.createOrUpdate('rg-large', name, { location: 'westus' }));
  const largeDeleteStart = requests.length;
  await resources.resourceGroups.beginDeleteAndWait('rg-large', { updateIntervalInMs: 100 });
  const largeGroupDeleteRequests = requests.slice(largeDeleteStart);
  const largeGroupExistsAfterDelete = await resources.resourceGroups.checkExistence('rg-large');
  const identitiesLeft = await collect(msi.userAssignedIdentities.listBySubscription());

  // Wrong secret: the credential reports Entra's error
  const wrong = credentialFor(clientId, `${clientSecret}x`);
  const wrongSecret = await expectFailure('a wrong secret', () => wrong.getToken(MANAGEMENT_SCOPE));

  return {
    tokens: {
      management: { aud: claimsOf(managementToken.token).aud, tid: claimsOf(managementToken.token).tid, expiresOnTimestamp: managementToken.expiresOnTimestamp },
      endpoint: { aud: claimsOf(endpointToken.token).aud },
    },
    groupCreated,
    groupGot,
    groupExists: groupExists.body,
    missingGroupExists: missingGroupExists.body,
    groupsListed: groupsListed.map((g) => g.name),
    created,
    got,
    updated,
    gotAfterUpdate,
    bulk: { rg1: ['id-main', ...bulk1], rg2: bulk2 },
    listedByGroup: listedByGroup.map((i) => i.id),
    byGroupRequests,
    listedBySubscription: listedBySubscription.map((i) => i.id),
    bySubscriptionRequests,
    getAfterDelete,
    listedAfterDelete: listedAfterDelete.map((i) => i.name),
    ownScopeGot: { name: ownScopeGot.name, clientId: ownScopeGot.clientId },
    ownScopeGroup: { name: ownScopeGroup.name },
    defaultScopeGot: { name: defaultScopeGot.name },
    groupDeleteRequests,
    groupExistsAfterDelete: groupExistsAfterDelete.body,
    getIdentityInDeletedGroup,
    largeGroupDeleteRequests,
    largeGroupExistsAfterDelete: largeGroupExistsAfterDelete.body,
    identitiesLeft: identitiesLeft.length,
    wrongSecret,
  };
}

report(main, (e) => JSON.stringify(errorFacts(e)));

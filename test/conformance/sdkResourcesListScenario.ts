// The generic resource list through the real @azure/arm-resources client (resources.list / listByResourceGroup),
// paged by the SDK itself; prints what it saw as one JSON line. Run by test/arm/resourcesList.test.ts.
import { ResourceManagementClient } from '@azure/arm-resources';
import { collect, credentialFor, env, MANAGEMENT_SCOPE, report, subscriptionId, url } from '../support/sdkScenarioEnv.js';

report(async () => {
  const client = new ResourceManagementClient(credentialFor(env('AMITY_CLIENT_ID'), env('AMITY_CLIENT_SECRET')), subscriptionId, {
    endpoint: url,
    credentialScopes: [MANAGEMENT_SCOPE],
  });
  const group = env('AMITY_TEST_GROUP');
  const all = await collect(client.resources.list({ top: 50 }));
  const inGroup = await collect(client.resources.listByResourceGroup(group, { filter: "substringof('sdk-', name)", expand: 'createdTime' }));
  return {
    all: all.map((r) => ({ name: r.name, type: r.type, location: r.location })),
    inGroup: inGroup.map((r) => ({ name: r.name, createdTime: r.createdTime?.toISOString(), tags: r.tags })),
  };
});

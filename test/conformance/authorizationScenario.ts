// Drives a running Amity server with the real @azure/arm-authorization 9 (and arm-msi / arm-resources for the
// effect of an assignment) and prints what it observed as one JSON object; authorization.test.ts asserts on it.
// Runs in its own process because Node reads NODE_EXTRA_CA_CERTS (the server's CA) only at start-up.
//
// Env: AMITY_URL, AMITY_TENANT_ID, AMITY_SUBSCRIPTION_ID, AMITY_CLIENT_ID, AMITY_CLIENT_SECRET (the admin),
//      AMITY_SP_CLIENT_ID, AMITY_SP_CLIENT_SECRET, AMITY_SP_OBJECT_ID (a second service principal with no role).
import crypto from 'node:crypto';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { ResourceManagementClient } from '@azure/arm-resources';
import { collect, credentialFor, env, MANAGEMENT_SCOPE, report, subscriptionId, url } from '../support/sdkScenarioEnv.js';

const options = { endpoint: url, credentialScopes: [MANAGEMENT_SCOPE] };
const MI_CONTRIBUTOR = 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59';

async function failure(fn: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await fn();
  } catch (e) {
    const err = e as { name?: string; statusCode?: number; code?: string; message?: string };
    return { name: err.name, statusCode: err.statusCode, code: err.code, message: err.message };
  }
  return { succeeded: true };
}

async function main(): Promise<Record<string, unknown>> {
  const admin = credentialFor(env('AMITY_CLIENT_ID'), env('AMITY_CLIENT_SECRET'));
  const sp = credentialFor(env('AMITY_SP_CLIENT_ID'), env('AMITY_SP_CLIENT_SECRET'));
  const spObjectId = env('AMITY_SP_OBJECT_ID');
  const authz = new AuthorizationManagementClient(admin, subscriptionId, options);
  const resources = new ResourceManagementClient(admin, subscriptionId, options);
  const spMsi = new ManagedServiceIdentityClient(sp, subscriptionId, options);

  const sub = `/subscriptions/${subscriptionId}`;
  const rg = `${sub}/resourceGroups/authz-rg`;
  await resources.resourceGroups.createOrUpdate('authz-rg', { location: 'westus' });

  // Role definitions: built-in by name (scope with a leading slash: the SDK sends `//subscriptions/...`), and a custom role.
  const byName = await collect(authz.roleDefinitions.list(sub, { filter: "roleName eq 'Managed Identity Contributor'" }));
  const builtIns = await collect(authz.roleDefinitions.list(sub.slice(1), { filter: "type eq 'BuiltInRole'" }));
  const customId = crypto.randomUUID();
  const customCreated = await authz.roleDefinitions.createOrUpdate(sub, customId, {
    roleName: `Amity SDK reader ${customId.slice(0, 8)}`,
    description: 'created by @azure/arm-authorization',
    roleType: 'CustomRole',
    permissions: [{ actions: ['Microsoft.ManagedIdentity/userAssignedIdentities/read'], notActions: [], dataActions: [], notDataActions: [] }],
    assignableScopes: [sub],
  });
  const customGot = await authz.roleDefinitions.get(sub, customId);
  const customListed = await collect(authz.roleDefinitions.list(sub, { filter: "type eq 'CustomRole'" }));

  // The second principal is denied, then allowed after an assignment.
  const denied = await failure(() => spMsi.userAssignedIdentities.createOrUpdate('authz-rg', 'sdk-sp-id', { location: 'westus' }));
  const assignmentName = crypto.randomUUID();
  const assignment = await authz.roleAssignments.create(rg, assignmentName, {
    roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${MI_CONTRIBUTOR}`,
    principalId: spObjectId,
    principalType: 'ServicePrincipal',
  });
  const duplicate = await failure(() =>
    authz.roleAssignments.create(rg, crypto.randomUUID(), {
      roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${MI_CONTRIBUTOR}`,
      principalId: spObjectId,
      principalType: 'ServicePrincipal',
    }),
  );
  const allowed = await spMsi.userAssignedIdentities.createOrUpdate('authz-rg', 'sdk-sp-id', { location: 'westus' });
  const got = await authz.roleAssignments.get(rg, assignmentName);
  const atScope = await collect(authz.roleAssignments.listForScope(rg, { filter: 'atScope()' }));
  const forPrincipal = await collect(authz.roleAssignments.listForScope(sub, { filter: `principalId eq '${spObjectId}'` }));
  await authz.roleAssignments.delete(rg, assignmentName);
  const deniedAgain = await failure(() => spMsi.userAssignedIdentities.delete('authz-rg', 'sdk-sp-id'));
  await authz.roleDefinitions.delete(sub, customId);
  const customGone = await failure(() => authz.roleDefinitions.get(sub, customId));

  return {
    byName,
    builtInCount: builtIns.length,
    builtInTypes: [...new Set(builtIns.map((r) => r.roleType))],
    customCreated,
    customGot,
    customListed: customListed.map((r) => r.name),
    denied,
    assignment,
    duplicate,
    allowed: { id: allowed.id, principalId: allowed.principalId },
    got,
    atScope: atScope.map((a) => a.name),
    forPrincipal: forPrincipal.map((a) => a.name),
    deniedAgain,
    customGone,
    assignmentName,
    customId,
  };
}

report(main);

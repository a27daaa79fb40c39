import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { forEachBackend, MSI_API, RG_API } from '../arm/helpers.js';
import { assign, AUTHZ_API, createServicePrincipal, ROLE_IDS, unassign, type RoleName, type TestPrincipal } from './support.js';

// Every built-in role × every action Amity serves × an assignment at `/`, the subscription, the group and
// the identity. The expectations are written out by hand from Azure's published role definitions
// (learn.microsoft.com built-in roles), not computed by the server's evaluator.

const ACTIONS = ['identityRead', 'identityList', 'groupRead', 'roleAssignmentRead', 'roleAssignmentWrite', 'identityWrite', 'groupWrite', 'identityDelete', 'groupDelete'] as const;
type Action = (typeof ACTIONS)[number];
const READS: Action[] = ['identityRead', 'identityList', 'groupRead', 'roleAssignmentRead'];

const ROLE_ALLOWS: Record<RoleName, readonly Action[]> = {
  // actions: ['*']
  Owner: ACTIONS,
  // actions: ['*'], notActions include Microsoft.Authorization/*/Write
  Contributor: ACTIONS.filter((a) => a !== 'roleAssignmentWrite'),
  // actions: ['*/read']
  Reader: READS,
  // actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*']
  'User Access Administrator': [...READS, 'roleAssignmentWrite'],
  // actions: roleAssignments/write, roleAssignments/delete, '*/read', Microsoft.Support/*
  'Role Based Access Control Administrator': [...READS, 'roleAssignmentWrite'],
  // userAssignedIdentities read/write/delete, Microsoft.Authorization/*/read, resourceGroups/read, ...
  'Managed Identity Contributor': [...READS, 'identityWrite', 'identityDelete'],
  // userAssignedIdentities/*/read, */assign/action, Microsoft.Authorization/*/read, resourceGroups/read, ...
  'Managed Identity Operator': READS,
  // Microsoft.Authorization/*/read, Microsoft.Resources/subscriptions/resourceGroups/read, Compute/Network/... (no ManagedIdentity)
  'Virtual Machine Contributor': ['groupRead', 'roleAssignmentRead'],
};

type Level = 'root' | 'subscription' | 'group' | 'resource';
const LEVELS: Level[] = ['root', 'subscription', 'group', 'resource'];
/** What an assignment at each level covers: the group's own operations need the group or above. */
const LEVEL_COVERS: Record<Level, readonly Action[]> = {
  root: ACTIONS,
  subscription: ACTIONS,
  group: ACTIONS,
  resource: ['identityRead', 'identityList', 'roleAssignmentRead', 'roleAssignmentWrite', 'identityWrite', 'identityDelete'],
};

await forEachBackend((server) => {
  test('role × action × scope matrix', async () => {
    const s = server();
    const sp = await createServicePrincipal(s, 'matrix-caller');
    const bystander = await createServicePrincipal(s, 'matrix-bystander');
    const failures: string[] = [];
    let n = 0;
    for (const role of Object.keys(ROLE_IDS) as RoleName[]) {
      for (const level of LEVELS) {
        n++;
        const rg = `/subscriptions/${s.subscriptionId}/resourceGroups/matrix-${n}`;
        assert.equal((await s.arm('PUT', `${rg}?api-version=${RG_API}`, { location: 'westus' })).status, 201);
        const idPath = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mx-${n}`;
        assert.equal((await s.arm('PUT', `${idPath}?api-version=${MSI_API}`, { location: 'westus' })).status, 201);
        const scope = { root: '/', subscription: `/subscriptions/${s.subscriptionId}`, group: rg, resource: idPath }[level];
        const assignment = await assign(s, sp.objectId, role, scope);
        const outcomes = await runActions(sp, bystander, rg, idPath, n);
        for (const action of ACTIONS) {
          const expected = ROLE_ALLOWS[role].includes(action) && LEVEL_COVERS[level].includes(action);
          if (outcomes[action] !== expected) failures.push(`${role} at ${level}: ${action} expected ${expected ? 'allowed' : 'denied'}, got ${outcomes[action] ? 'allowed' : 'denied'}`);
        }
        // The assignment may already be gone with its identity or group.
        await unassign(s, assignment, true);
      }
    }
    assert.deepEqual(failures, []);
  });
});

async function runActions(sp: TestPrincipal, bystander: TestPrincipal, rg: string, idPath: string, n: number): Promise<Record<Action, boolean>> {
  const out = {} as Record<Action, boolean>;
  const judge = (action: Action, res: { status: number; body: any }, ok: (status: number) => boolean) => {
    if (ok(res.status)) out[action] = true;
    else if (res.status === 403 && res.body?.error?.code === 'AuthorizationFailed') out[action] = false;
    else throw new Error(`${action}: unexpected ${res.status} ${JSON.stringify(res.body)}`);
  };
  const is2xx = (st: number) => st >= 200 && st < 300;
  judge('identityRead', await sp.arm('GET', `${idPath}?api-version=${MSI_API}`), is2xx);
  const list = await sp.arm('GET', `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${MSI_API}`);
  if (list.status === 200) out.identityList = list.body.value.some((i: any) => i.name === `mx-${n}`);
  else judge('identityList', list, () => false);
  judge('groupRead', await sp.arm('GET', `${rg}?api-version=${RG_API}`), is2xx);
  judge('roleAssignmentRead', await sp.arm('GET', `${idPath}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ_API}`), is2xx);
  judge(
    'roleAssignmentWrite',
    await sp.arm('PUT', `${idPath}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=${AUTHZ_API}`, {
      properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.Reader}`, principalId: bystander.objectId, principalType: 'ServicePrincipal' },
    }),
    (st) => st === 201,
  );
  judge('identityWrite', await sp.arm('PUT', `${idPath}?api-version=${MSI_API}`, { location: 'westus', tags: { t: '1' } }), (st) => st === 200);
  judge('groupWrite', await sp.arm('PUT', `${rg}?api-version=${RG_API}`, { location: 'westus', tags: { t: '1' } }), (st) => st === 200);
  judge('identityDelete', await sp.arm('DELETE', `${idPath}?api-version=${MSI_API}`), (st) => st === 200);
  judge('groupDelete', await sp.arm('DELETE', `${rg}?api-version=${RG_API}`), (st) => st === 200 || st === 202);
  return out;
}

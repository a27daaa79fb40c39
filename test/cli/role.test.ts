import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { CliUser, signedInAz } from '../support/cli.js';
import { requireAz, type Az } from '../support/azureCli.js';

// `amity role definition|assignment|check` against a running server, verified through REST; the definition
// output is compared with the real az (Debian az 2.45 crashes on `role definition list` and `role assignment`
// create/list, so those are checked against az's model shape instead).

const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const ASSIGNMENT_KEYS = [
  'canDelegate', 'condition', 'conditionVersion', 'createdBy', 'createdOn', 'delegatedManagedIdentityResourceId', 'description',
  'id', 'name', 'principalId', 'principalType', 'resourceGroup', 'roleDefinitionId', 'scope', 'type', 'updatedBy', 'updatedOn',
];

let server: TestServer;
let user: CliUser;
let az: Az | undefined;
let sub: string;

before(async () => {
  server = await startTestServer();
  sub = `/subscriptions/${server.subscriptionId}`;
  user = new CliUser('role');
  await user.loginAdmin(server);
  az = await signedInAz(server);
});

after(async () => {
  az?.dispose();
  user?.cleanup();
  await server?.close();
});

const authz = (p: string) => server.arm('GET', `${p}${p.includes('?') ? '&' : '?'}api-version=2022-04-01`);

test('role definition create, list, show, update and delete', async (t) => {
  const file = path.join(user.cwd, 'role.json');
  // az's documented input form: capitalised names, top-level Actions.
  fs.writeFileSync(file, JSON.stringify({ Name: 'Identity Reader', Description: 'Reads identities', Actions: ['Microsoft.ManagedIdentity/userAssignedIdentities/read'], AssignableScopes: [sub] }));
  const created = await user.json<Record<string, any>>(['role', 'definition', 'create', '--role-definition', `@${file}`]);
  assert.equal(created.roleName, 'Identity Reader');
  assert.equal(created.roleType, 'CustomRole');
  assert.deepEqual(created.permissions, [{ actions: ['Microsoft.ManagedIdentity/userAssignedIdentities/read'], notActions: [], dataActions: [], notDataActions: [] }]);
  assert.equal((await authz(`${sub}/providers/Microsoft.Authorization/roleDefinitions/${created.name}`)).status, 200);

  if (requireAz(t)) {
    assert.ok(az, 'az is installed but could not be signed in');
    fs.writeFileSync(path.join(user.cwd, 'az-role.json'), JSON.stringify({ Name: 'Identity Reader 2', Description: 'Reads identities', Actions: ['Microsoft.ManagedIdentity/userAssignedIdentities/read'], AssignableScopes: [sub] }));
    const azCreated = await az.ok('role', 'definition', 'create', '--role-definition', path.join(user.cwd, 'az-role.json'));
    const same = (d: Record<string, unknown>) => ({ ...d, id: undefined, name: undefined, roleName: undefined });
    assert.deepEqual(same(azCreated), same(created));
    await user.ok(['role', 'definition', 'delete', '--name', 'Identity Reader 2']);
  }

  const custom = await user.json<Record<string, unknown>[]>(['role', 'definition', 'list', '--custom-role-only']);
  assert.deepEqual(custom, [created]);
  const reader = await user.json<Record<string, any>[]>(['role', 'definition', 'list', '--name', 'Reader']);
  assert.equal(reader.length, 1);
  assert.deepEqual(Object.keys(reader[0]).sort(), ['assignableScopes', 'description', 'id', 'name', 'permissions', 'roleName', 'roleType', 'type']);
  assert.equal(reader[0].name, READER);
  assert.equal(reader[0].roleType, 'BuiltInRole');
  assert.deepEqual(await user.json(['role', 'definition', 'show', '--name', 'Reader']), reader[0]);
  assert.deepEqual(await user.json(['role', 'definition', 'show', '--name', READER]), reader[0]);

  const updated = await user.json<Record<string, unknown>>(['role', 'definition', 'update', '--role-definition', JSON.stringify({ ...created, description: 'Reads identities and groups' })]);
  assert.equal(updated.description, 'Reads identities and groups');
  assert.equal(updated.name, created.name);

  const del = await user.run(['role', 'definition', 'delete', '--name', 'Identity Reader']);
  assert.equal(del.code, 0, del.stderr);
  assert.equal((await authz(`${sub}/providers/Microsoft.Authorization/roleDefinitions/${created.name}`)).status, 404);
  const missing = await user.run(['role', 'definition', 'show', '--name', 'Identity Reader']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, `ERROR: Role definition 'Identity Reader' doesn't exist at scope '${sub}'.\n`);

  const bad = await user.run(['role', 'definition', 'create', '--role-definition', '{"Name": "x"}']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, "ERROR: please provide 'assignableScopes'\n");
});

test('role assignment create resolves --assignee by UPN, appId, object id and display name; list, delete and role check', async () => {
  const rg = `${sub}/resourceGroups/rbac-rg`;
  await user.ok(['group', 'create', '-n', 'rbac-rg', '-l', 'westus', '-o', 'none']);
  const ada = await user.json<{ id: string }>(['ad', 'user', 'create', '--display-name', 'Ada', '--user-principal-name', 'ada@amity.example', '--password', 'Analytical-Engine-1843']);
  const identity = await server.arm('PUT', `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/rbac-id?api-version=2023-01-31`, { location: 'westus' });
  assert.equal(identity.status, 201, identity.text);
  const { principalId, clientId } = identity.body.properties as { principalId: string; clientId: string };

  // By UPN: a user.
  const byUpn = await user.json<Record<string, any>>(['role', 'assignment', 'create', '--assignee', 'ada@amity.example', '--role', 'Reader', '-g', 'rbac-rg']);
  assert.deepEqual(Object.keys(byUpn).sort(), ASSIGNMENT_KEYS);
  assert.equal(byUpn.principalId, ada.id);
  assert.equal(byUpn.principalType, 'User');
  assert.equal(byUpn.scope, rg);
  assert.equal(byUpn.resourceGroup, 'rbac-rg');
  assert.equal(byUpn.roleDefinitionId, `${sub}/providers/Microsoft.Authorization/roleDefinitions/${READER}`);
  assert.match(byUpn.createdOn, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/, 'a datetime as az prints it');
  assert.equal((await authz(byUpn.id)).body.properties.principalId, ada.id);

  // By appId (a service principal name): the managed identity's client id.
  const byAppId = await user.json<Record<string, any>>(['role', 'assignment', 'create', '--assignee', clientId, '--role', 'Contributor', '--scope', rg]);
  assert.equal(byAppId.principalId, principalId);
  assert.equal(byAppId.principalType, 'ServicePrincipal');

  // By object id, role by GUID; then again: the same assignment comes back (az's idempotence).
  const byObjectId = await user.json<Record<string, any>>(['role', 'assignment', 'create', '--assignee', principalId, '--role', READER, '-g', 'rbac-rg']);
  assert.equal(byObjectId.principalType, 'ServicePrincipal');
  const again = await user.json<Record<string, any>>(['role', 'assignment', 'create', '--assignee', principalId, '--role', 'Reader', '-g', 'rbac-rg']);
  assert.equal(again.id, byObjectId.id);

  // By display name (beyond az), at the subscription; and by --assignee-object-id with the type given.
  const byName = await user.json<Record<string, any>>(['role', 'assignment', 'create', '--assignee', 'rbac-id', '--role', 'Reader', '--scope', sub]);
  assert.equal(byName.principalId, principalId);
  const byOid = await user.json<Record<string, any>>(['role', 'assignment', 'create', '--assignee-object-id', ada.id, '--assignee-principal-type', 'User', '--role', 'Contributor', '-g', 'rbac-rg']);
  assert.equal(byOid.principalType, 'User');

  const listed = await user.json<Record<string, any>[]>(['role', 'assignment', 'list', '-g', 'rbac-rg']);
  assert.equal(listed.length, 4);
  for (const a of listed) assert.deepEqual(Object.keys(a).sort(), [...ASSIGNMENT_KEYS, 'principalName', 'roleDefinitionName'].sort());
  const names = listed.map((a) => `${a.principalName}:${a.roleDefinitionName}`).sort();
  assert.deepEqual(names, [`${clientId}:Contributor`, `${clientId}:Reader`, 'ada@amity.example:Contributor', 'ada@amity.example:Reader'].sort());
  // az lists the subscription's own assignments only, unless --all or --include-inherited.
  const atSub = await user.json<Record<string, any>[]>(['role', 'assignment', 'list']);
  assert.ok(atSub.every((a) => a.scope === sub));
  assert.ok(atSub.some((a) => a.id === byName.id));
  const inherited = await user.json<Record<string, any>[]>(['role', 'assignment', 'list', '-g', 'rbac-rg', '--include-inherited']);
  // The group's own four, the subscription's, and any above it (the administrator's at the root).
  assert.ok(atSub.every((a) => inherited.some((i) => i.id === a.id)));
  assert.equal(inherited.filter((a) => a.scope === rg).length, 4);
  assert.ok(inherited.every((a) => rg.toLowerCase().startsWith(a.scope === '/' ? '' : a.scope.toLowerCase())));
  const adaAll = await user.json<Record<string, any>[]>(['role', 'assignment', 'list', '--assignee', 'ada@amity.example', '--all']);
  assert.deepEqual(adaAll.map((a) => a.roleDefinitionName).sort(), ['Contributor', 'Reader']);
  assert.deepEqual(await user.json(['role', 'assignment', 'list', '-g', 'rbac-rg', '--role', 'Contributor', '--query', 'length(@)']), 2);
  const table = await user.ok(['role', 'assignment', 'list', '-g', 'rbac-rg', '--assignee', 'ada@amity.example', '-o', 'table']);
  // az's table for assignments: Principal, Role, Scope.
  assert.match(table.stdout, /^Principal +Role +Scope\n/);
  assert.match(table.stdout, /ada@amity\.example/);

  // role check: the identity holds Reader and Contributor on the group.
  const allowed = await user.json<Record<string, any>>(['role', 'check', '--assignee', clientId, '--action', 'Microsoft.ManagedIdentity/userAssignedIdentities/write', '-g', 'rbac-rg']);
  assert.equal(allowed.allowed, true);
  assert.equal(allowed.principalId, principalId);
  assert.match(allowed.reason, /^Allowed by 'Contributor' at/);
  const denied = await user.json<Record<string, any>>(['role', 'check', '--assignee', 'ada@amity.example', '--action', 'Microsoft.Authorization/roleAssignments/write', '-g', 'rbac-rg']);
  assert.equal(denied.allowed, false);
  assert.match(denied.reason, /^Denied: the principal holds 'Reader' at .*'Contributor' at|^Denied: the principal holds 'Contributor' at .*'Reader' at/);
  assert.deepEqual(denied.decidingAssignments, []);
  const nothing = await user.json<Record<string, any>>(['role', 'check', '--assignee', 'ada@amity.example', '--action', 'Microsoft.Resources/subscriptions/resourceGroups/read', '--scope', sub]);
  assert.equal(nothing.allowed, false);
  assert.match(nothing.reason, /holds no role assignment/);

  // delete by assignee and role; by --ids.
  const del = await user.run(['role', 'assignment', 'delete', '--assignee', 'ada@amity.example', '--role', 'Reader', '-g', 'rbac-rg']);
  assert.equal(del.code, 0, del.stderr);
  assert.equal((await authz(byUpn.id)).status, 404);
  assert.equal((await authz(byOid.id)).status, 200, 'the Contributor assignment stays');
  await user.ok(['role', 'assignment', 'delete', '--ids', byOid.id, byName.id]);
  assert.equal((await authz(byOid.id)).status, 404);
  assert.equal((await authz(byName.id)).status, 404);
  const none = await user.run(['role', 'assignment', 'delete', '--assignee', 'ada@amity.example', '-g', 'rbac-rg']);
  assert.equal(none.code, 1);
  assert.equal(none.stderr, 'ERROR: No matched assignments were found to delete\n');
});

test('role assignment errors: unknown role or assignee, usage errors, an unconfirmed delete of everything', async () => {
  const role = await user.run(['role', 'assignment', 'create', '--assignee', server.clientId, '--role', 'Nope']);
  assert.equal(role.code, 1);
  assert.equal(role.stderr, "ERROR: Role 'Nope' doesn't exist.\n");
  const who = await user.run(['role', 'assignment', 'create', '--assignee', 'nobody@amity.example', '--role', 'Reader']);
  assert.equal(who.code, 1);
  assert.match(who.stderr, /^ERROR: Cannot find user or service principal in graph database for 'nobody@amity\.example'/);
  const both = await user.run(['role', 'assignment', 'create', '--assignee', 'x', '--assignee-object-id', 'y', '--role', 'Reader']);
  assert.equal(both.code, 2);
  assert.equal(both.stderr, 'ERROR: usage error: --assignee STRING | --assignee-object-id GUID\n');
  const noRole = await user.run(['role', 'assignment', 'create', '--assignee', 'x']);
  assert.equal(noRole.code, 2);
  const everything = await user.run(['role', 'assignment', 'delete']);
  assert.equal(everything.code, 1);
  assert.equal(everything.stderr, 'ERROR: Unable to prompt for confirmation as no tty available. Use --yes.\n');
  const redundant = await user.run(['role', 'assignment', 'list', '-g', 'x', '--scope', sub]);
  assert.equal(redundant.code, 1);
  assert.equal(redundant.stderr, 'ERROR: Resource group "x" is redundant because scope is supplied\n');
});

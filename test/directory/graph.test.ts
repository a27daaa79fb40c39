import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { backends } from '../support/backends.js';
import type { HttpResponse } from '../support/http.js';
import { adminTokenRequest, bearer, decodeJwt, freshToken, GUID, postForm } from './support.js';

// The Microsoft Graph v1.0 subset under <url>/msgraph/v1.0: users, applications, service principals, me, getByIds.

let s: TestServer;
let graphToken: string;


function graph(method: string, p: string, body?: unknown, token = graphToken): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...bearer(token) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return s.raw(method, `/msgraph/v1.0${p}`, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

function assertGraphError(res: HttpResponse, status: number, code: string, message?: string | RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(Object.keys(res.body), ['error'], res.text);
  assert.equal(res.body.error.code, code, res.text);
  if (typeof message === 'string') assert.equal(res.body.error.message, message);
  else if (message) assert.match(res.body.error.message, message);
  assert.match(res.body.error.innerError['request-id'], GUID);
  assert.match(res.body.error.innerError.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  assert.equal(res.headers['request-id'], res.body.error.innerError['request-id']);
}

const filter = (f: string) => `$filter=${encodeURIComponent(f)}`;

async function clientToken(clientId: string, secret: string, scope = `${s.url}/msgraph/.default`): Promise<HttpResponse> {
  return postForm(s, `/${s.tenantId}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope });
}

async function suite(t: TestContext): Promise<void> {
  await t.test('bootstrap.json and the metadata endpoint name the Graph endpoint', async () => {
    const boot = JSON.parse(fs.readFileSync(path.join(s.dataDir, 'bootstrap.json'), 'utf8'));
    assert.equal(boot.graphEndpoint, `${s.url}/msgraph/`);
    const meta = await s.raw('GET', '/metadata/endpoints?api-version=2019-05-01');
    assert.equal(meta.body.microsoftGraphResourceId, `${s.url}/msgraph/`);
  });

  await t.test('Graph tokens: the token endpoint issues them; Graph refuses ARM tokens and ARM refuses Graph tokens', async () => {
    assert.equal(decodeJwt(graphToken).payload.aud, `${s.url}/msgraph`);
    // az asks for `<microsoftGraphResourceId>/.default`, i.e. `<url>/msgraph//.default`.
    const azStyle = await adminTokenRequest(s, `${s.url}/msgraph//.default`);
    assert.equal(azStyle.status, 200, azStyle.text);
    assert.equal(decodeJwt(azStyle.body.access_token).payload.aud, `${s.url}/msgraph/`);
    assert.equal((await graph('GET', '/users', undefined, azStyle.body.access_token)).status, 200);
    const msGraph = await freshToken(s, 'https://graph.microsoft.com/.default');
    assert.equal((await graph('GET', '/users', undefined, msGraph)).status, 200);

    const arm = await freshToken(s);
    assertGraphError(await graph('GET', '/users', undefined, arm), 401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
    const none = await s.raw('GET', '/msgraph/v1.0/users');
    assertGraphError(none, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
    assert.match(String(none.headers['www-authenticate']), /^Bearer /);

    const armWithGraphToken = await s.raw('GET', `/subscriptions/${s.subscriptionId}?api-version=2022-12-01`, { headers: bearer(graphToken) });
    assert.equal(armWithGraphToken.status, 401, armWithGraphToken.text);
    assert.equal(armWithGraphToken.body.error.code, 'InvalidAuthenticationTokenAudience');
  });

  await t.test('unknown Graph paths answer in Graph shape, not ARM shape', async () => {
    assertGraphError(await graph('GET', '/groupz'), 400, 'BadRequest', "Resource not found for the segment 'groupz'.");
    assertGraphError(await graph('GET', '/users/00000000-0000-0000-0000-000000000000'), 404, 'Request_ResourceNotFound', /^Resource '00000000-0000-0000-0000-000000000000' does not exist/);
  });

  await t.test('users: create with passwordProfile, get by id and UPN, list with $filter, update, delete', async () => {
    const created = await graph('POST', '/users', {
      accountEnabled: true,
      displayName: 'Ada Lovelace',
      mailNickname: 'ada',
      userPrincipalName: 'ada@amity.example',
      passwordProfile: { password: 'Analytical-Engine-1843', forceChangePasswordNextSignIn: false },
    });
    assert.equal(created.status, 201, created.text);
    const ada = created.body;
    assert.match(ada.id, GUID);
    assert.equal(ada['@odata.context'], `${s.url}/msgraph/v1.0/$metadata#users/$entity`);
    assert.equal(ada.displayName, 'Ada Lovelace');
    assert.equal(ada.userPrincipalName, 'ada@amity.example');
    assert.equal(ada.accountEnabled, true);
    assert.equal(ada.passwordProfile, undefined, 'the password is never returned');
    assert.deepEqual(ada.businessPhones, []);

    // The user is a principal with a hashed password credential, for the password grant.
    const db = s.running.context.database.db;
    const row = await db.selectFrom('principals').selectAll().where('object_id', '=', ada.id).executeTakeFirstOrThrow();
    assert.equal(row.kind, 'User');
    assert.equal(row.user_principal_name, 'ada@amity.example');
    const creds = await db.selectFrom('credentials').selectAll().where('principal_id', '=', ada.id).execute();
    assert.equal(creds.length, 1);
    assert.equal(creds[0].kind, 'password');
    assert.match(creds[0].secret_hash, /^scrypt\$/);
    assert.ok(!creds[0].secret_hash.includes('Analytical'));

    const dup = await graph('POST', '/users', { displayName: 'Other', userPrincipalName: 'ADA@amity.example', passwordProfile: { password: 'x-Y-z-12345678' } });
    assertGraphError(dup, 400, 'Request_BadRequest', 'Another object with the same value for property userPrincipalName already exists.');
    assertGraphError(await graph('POST', '/users', { displayName: 'No password', userPrincipalName: 'np@amity.example' }), 400, 'Request_BadRequest', /passwordProfile/);
    assertGraphError(await graph('POST', '/users', { displayName: 'Bad', userPrincipalName: 'no-at-sign', passwordProfile: { password: 'x-Y-z-12345678' } }), 400, 'Request_BadRequest', /userPrincipalName/);

    const grace = (await graph('POST', '/users', { accountEnabled: true, displayName: 'Grace Hopper', mailNickname: 'grace', userPrincipalName: 'grace@amity.example', passwordProfile: { password: 'Cobol-1959-Navy' } })).body;

    const byId = await graph('GET', `/users/${ada.id}`);
    assert.equal(byId.status, 200, byId.text);
    assert.equal(byId.body.userPrincipalName, 'ada@amity.example');
    const byUpn = await graph('GET', '/users/Ada@amity.example');
    assert.equal(byUpn.status, 200, byUpn.text);
    assert.equal(byUpn.body.id, ada.id);
    const selected = await graph('GET', `/users/${ada.id}?$select=displayName`);
    assert.deepEqual(Object.keys(selected.body).sort(), ['@odata.context', 'displayName', 'id']);

    const all = await graph('GET', '/users');
    assert.equal(all.status, 200, all.text);
    assert.equal(all.body['@odata.context'], `${s.url}/msgraph/v1.0/$metadata#users`);
    assert.deepEqual(all.body.value.map((u: any) => u.userPrincipalName).sort(), ['ada@amity.example', 'grace@amity.example']);
    // As `az ad user list --upn` and `--display-name` send them.
    const eq = await graph('GET', `/users?${filter("userPrincipalName eq 'grace@amity.example'")}`);
    assert.deepEqual(eq.body.value.map((u: any) => u.id), [grace.id]);
    const starts = await graph('GET', `/users?${filter("startswith(displayName,'ada')")}`);
    assert.deepEqual(starts.body.value.map((u: any) => u.id), [ada.id]);
    const both = await graph('GET', `/users?${filter("startswith(displayName,'G') and userPrincipalName eq 'ada@amity.example'")}`);
    assert.deepEqual(both.body.value, []);
    const either = await graph('GET', `/users?${filter("displayName eq 'Grace Hopper' or id eq '" + ada.id + "'")}`);
    assert.equal(either.body.value.length, 2);
    assertGraphError(await graph('GET', `/users?${filter("displayName eq")}`), 400, 'BadRequest', /^Invalid filter clause/);
    assertGraphError(await graph('GET', `/users?${filter("officeLocation eq 'x'")}`), 400, 'Request_UnsupportedQuery');

    // Paging: $top and @odata.nextLink, which az follows.
    const page1 = await graph('GET', '/users?$top=1');
    assert.equal(page1.body.value.length, 1);
    const next = String(page1.body['@odata.nextLink']);
    assert.ok(next.startsWith(`${s.url}/msgraph/v1.0/users?`), next);
    const page2 = await s.raw('GET', next.slice(s.url.length), { headers: bearer(graphToken) });
    assert.equal(page2.body.value.length, 1);
    assert.notEqual(page2.body.value[0].id, page1.body.value[0].id);
    assert.equal(page2.body['@odata.nextLink'], undefined);

    const patched = await graph('PATCH', `/users/${ada.id}`, { displayName: 'Augusta Ada King', accountEnabled: false, passwordProfile: { password: 'New-Password-1852' } });
    assert.equal(patched.status, 204, patched.text);
    const after = (await graph('GET', '/users/ada@amity.example')).body;
    assert.equal(after.displayName, 'Augusta Ada King');
    assert.equal(after.accountEnabled, false);
    const newCreds = await db.selectFrom('credentials').selectAll().where('principal_id', '=', ada.id).execute();
    assert.equal(newCreds.length, 1, 'a new password replaces the old one');
    assert.notEqual(newCreds[0].secret_hash, creds[0].secret_hash);

    assert.equal((await graph('DELETE', '/users/ada@amity.example')).status, 204);
    assertGraphError(await graph('GET', `/users/${ada.id}`), 404, 'Request_ResourceNotFound');
    assert.equal((await db.selectFrom('credentials').selectAll().where('principal_id', '=', ada.id).execute()).length, 0);
    assert.equal((await graph('DELETE', `/users/${grace.id}`)).status, 204);
    assertGraphError(await graph('DELETE', `/users/${grace.id}`), 404, 'Request_ResourceNotFound');
  });

  await t.test('applications and service principals: create, addPassword, sign in with it, removePassword, delete', async () => {
    const app = await graph('POST', '/applications', { displayName: 'ci-deployer' });
    assert.equal(app.status, 201, app.text);
    assert.match(app.body.id, GUID);
    assert.match(app.body.appId, GUID);
    assert.notEqual(app.body.appId, app.body.id);
    assert.equal(app.body.displayName, 'ci-deployer');
    assert.deepEqual(app.body.passwordCredentials, []);
    assert.equal(app.body.signInAudience, 'AzureADMyOrg');
    assertGraphError(await graph('POST', '/applications', {}), 400, 'Request_BadRequest', /displayName/);

    const listed = await graph('GET', `/applications?${filter(`appId eq '${app.body.appId}'`)}`);
    assert.deepEqual(listed.body.value.map((a: any) => a.id), [app.body.id]);
    assert.equal((await graph('GET', `/applications?${filter("appId eq '00000000-0000-0000-0000-000000000000'")}`)).body.value.length, 0);
    assert.equal((await graph('GET', `/applications/${app.body.id}`)).body.appId, app.body.appId);

    // An application without a service principal can't sign in.
    const p1 = await graph('POST', `/applications/${app.body.id}/addPassword`, {
      passwordCredential: { displayName: 'rbac', startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2099-01-01T00:00:00Z' },
    });
    assert.equal(p1.status, 200, p1.text);
    assert.equal(p1.body['@odata.context'], `${s.url}/msgraph/v1.0/$metadata#microsoft.graph.passwordCredential`);
    assert.equal(p1.body.displayName, 'rbac');
    assert.match(p1.body.keyId, GUID);
    assert.equal(p1.body.startDateTime, '2026-01-01T00:00:00.000Z');
    assert.equal(p1.body.endDateTime, '2099-01-01T00:00:00.000Z');
    assert.equal(typeof p1.body.secretText, 'string');
    assert.ok(p1.body.secretText.length >= 32);
    assert.equal(p1.body.hint, p1.body.secretText.slice(0, 3));
    assert.equal((await clientToken(app.body.appId, p1.body.secretText)).body.error, 'unauthorized_client');

    const sp = await graph('POST', '/servicePrincipals', { appId: app.body.appId, accountEnabled: true });
    assert.equal(sp.status, 201, sp.text);
    assert.match(sp.body.id, GUID);
    assert.equal(sp.body.appId, app.body.appId);
    assert.equal(sp.body.displayName, 'ci-deployer');
    assert.equal(sp.body.appDisplayName, 'ci-deployer');
    assert.equal(sp.body.servicePrincipalType, 'Application');
    assert.deepEqual(sp.body.servicePrincipalNames, [app.body.appId]);
    assert.equal(sp.body.appOwnerOrganizationId, s.tenantId);
    assertGraphError(await graph('POST', '/servicePrincipals', { appId: app.body.appId }), 409, 'Request_MultipleObjectsWithSameKeyValue');
    assertGraphError(await graph('POST', '/servicePrincipals', { appId: '00000000-0000-0000-0000-000000000001' }), 400, 'Request_BadRequest', / does not reference /);

    // The secret added to the application now signs the service principal in, for ARM and Graph alike.
    const tok = await clientToken(app.body.appId, p1.body.secretText, 'https://management.azure.com/.default');
    assert.equal(tok.status, 200, tok.text);
    const claims = decodeJwt(tok.body.access_token).payload;
    assert.equal(claims.oid, sp.body.id);
    assert.equal(claims.appid, app.body.appId);
    // Authenticated, but without a role: ARM says AuthorizationFailed (not 401) for this new principal.
    const armRes = await s.raw('GET', `/subscriptions/${s.subscriptionId}/resourcegroups?api-version=2021-04-01`, { headers: bearer(tok.body.access_token) });
    assert.equal(armRes.status, 403, armRes.text);
    assert.equal(armRes.body.error.code, 'AuthorizationFailed');

    // Graph: every principal of the tenant reads; directory writes need a role that allows them at `/`.
    const spGraph = (await clientToken(app.body.appId, p1.body.secretText)).body.access_token as string;
    assert.equal((await graph('GET', '/users', undefined, spGraph)).status, 200);
    assert.equal((await graph('GET', `/applications/${app.body.id}`, undefined, spGraph)).status, 200);
    const denied = 'Insufficient privileges to complete the operation.';
    assertGraphError(await graph('POST', '/users', { displayName: 'x', userPrincipalName: 'x@amity.example', passwordProfile: { password: 'Pass-word-12345' } }, spGraph), 403, 'Authorization_RequestDenied', denied);
    assertGraphError(await graph('POST', '/applications', { displayName: 'escalate' }, spGraph), 403, 'Authorization_RequestDenied', denied);
    assertGraphError(await graph('POST', `/applications/${app.body.id}/addPassword`, {}, spGraph), 403, 'Authorization_RequestDenied', denied);
    assertGraphError(await graph('DELETE', `/servicePrincipals/${sp.body.id}`, undefined, spGraph), 403, 'Authorization_RequestDenied', denied);

    // Several secrets, each with its own expiry; listing shows hints, never the secret.
    const p2 = (await graph('POST', `/applications/${app.body.id}/addPassword`, {})).body;
    const years = (Date.parse(p2.endDateTime) - Date.parse(p2.startDateTime)) / (365.25 * 24 * 3600 * 1000);
    assert.ok(Math.abs(years - 2) < 0.01, `default lifetime is two years, got ${years}`);
    const withCreds = (await graph('GET', `/applications/${app.body.id}`)).body;
    assert.deepEqual(withCreds.passwordCredentials.map((c: any) => c.keyId).sort(), [p1.body.keyId, p2.keyId].sort());
    for (const c of withCreds.passwordCredentials) assert.equal(c.secretText, null);
    assert.ok(!JSON.stringify(withCreds).includes(p1.body.secretText));
    assert.equal((await clientToken(app.body.appId, p2.secretText)).status, 200);

    // Rotation: remove the first secret; it stops working, the second goes on.
    assert.equal((await graph('POST', `/applications/${app.body.id}/removePassword`, { keyId: p1.body.keyId })).status, 204);
    const refused = await clientToken(app.body.appId, p1.body.secretText);
    assert.equal(refused.status, 401, refused.text);
    assert.equal(refused.body.error, 'invalid_client');
    assert.equal((await clientToken(app.body.appId, p2.secretText)).status, 200);
    assertGraphError(await graph('POST', `/applications/${app.body.id}/removePassword`, { keyId: p1.body.keyId }), 400, 'Request_BadRequest');

    // An expired secret is refused.
    const expired = (await graph('POST', `/applications/${app.body.id}/addPassword`, { passwordCredential: { startDateTime: '2020-01-01T00:00:00Z', endDateTime: '2021-01-01T00:00:00Z' } })).body;
    assert.equal((await clientToken(app.body.appId, expired.secretText)).status, 401);

    // Service principal lists as az filters them.
    const byAppId = await graph('GET', `/servicePrincipals?${filter(`appId eq '${app.body.appId}'`)}`);
    assert.deepEqual(byAppId.body.value.map((x: any) => x.id), [sp.body.id]);
    const byName = await graph('GET', `/servicePrincipals?${filter("displayName eq 'ci-deployer'")}`);
    assert.deepEqual(byName.body.value.map((x: any) => x.id), [sp.body.id]);
    const bySpn = await graph('GET', `/servicePrincipals?${filter(`servicePrincipalNames/any(c:c eq '${app.body.appId}')`)}`);
    assert.deepEqual(bySpn.body.value.map((x: any) => x.id), [sp.body.id]);
    const starts = await graph('GET', `/servicePrincipals?${filter("startswith(displayName,'ci-')")}`);
    assert.deepEqual(starts.body.value.map((x: any) => x.id), [sp.body.id]);
    const all = (await graph('GET', '/servicePrincipals')).body.value;
    assert.ok(all.some((x: any) => x.appId === s.clientId), 'the bootstrap administrator is a service principal too');
    const got = await graph('GET', `/servicePrincipals/${sp.body.id}`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body['@odata.context'], `${s.url}/msgraph/v1.0/$metadata#servicePrincipals/$entity`);
    assert.equal(got.body.appId, app.body.appId);

    // Deleting the service principal ends its sign-ins; the application stays.
    assert.equal((await graph('DELETE', `/servicePrincipals/${sp.body.id}`)).status, 204);
    assertGraphError(await graph('GET', `/servicePrincipals/${sp.body.id}`), 404, 'Request_ResourceNotFound');
    assert.equal((await clientToken(app.body.appId, p2.secretText)).body.error, 'unauthorized_client');
    assert.equal((await graph('GET', `/applications/${app.body.id}`)).status, 200);

    // Deleting the application removes it, its secrets and its (re-created) service principal.
    const sp2 = (await graph('POST', '/servicePrincipals', { appId: app.body.appId })).body;
    assert.equal((await graph('DELETE', `/applications/${app.body.id}`)).status, 204);
    assertGraphError(await graph('GET', `/applications/${app.body.id}`), 404, 'Request_ResourceNotFound');
    assertGraphError(await graph('GET', `/servicePrincipals/${sp2.id}`), 404, 'Request_ResourceNotFound');
    const db = s.running.context.database.db;
    assert.equal((await db.selectFrom('credentials').selectAll().where('principal_id', '=', app.body.id).execute()).length, 0);
  });

  await t.test('the bootstrap administrator cannot be deleted through Graph', async () => {
    const admin = (await graph('GET', `/servicePrincipals?${filter(`appId eq '${s.clientId}'`)}`)).body.value[0];
    assertGraphError(await graph('DELETE', `/servicePrincipals/${admin.id}`), 400, 'Request_BadRequest');
  });

  await t.test('me: the signed-in user; an app-only token gets 400', async () => {
    assertGraphError(await graph('GET', '/me'), 400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    const user = (await graph('POST', '/users', { displayName: 'Me Myself', userPrincipalName: 'me@amity.example', passwordProfile: { password: 'Pass-word-12345' } })).body;
    // A delegated token for the user, as the sign-in flows issue them.
    const issued = await s.running.context.issuer.issue({ tenantId: s.tenantId, objectId: user.id, appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', authMethod: '1' }, `${s.url}/msgraph/`);
    const me = await graph('GET', '/me', undefined, issued.accessToken);
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.id, user.id);
    assert.equal(me.body.userPrincipalName, 'me@amity.example');
    // The same through the password grant (what `az login -u -p` sends), with the password Graph set.
    const ropc = await postForm(s, `/${s.tenantId}/oauth2/v2.0/token`, {
      grant_type: 'password',
      client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
      username: 'me@amity.example',
      password: 'Pass-word-12345',
      scope: `${s.url}/msgraph//.default offline_access openid profile`,
    });
    assert.equal(ropc.status, 200, ropc.text);
    const viaRopc = await graph('GET', '/me', undefined, ropc.body.access_token);
    assert.equal(viaRopc.status, 200, viaRopc.text);
    assert.equal(viaRopc.body.id, user.id);
    assert.equal((await graph('DELETE', `/users/${user.id}`)).status, 204);
  });

  await t.test('managed identities are read-only service principals of type ManagedIdentity; getByIds types them', async () => {
    assert.equal((await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/graph-rg?api-version=2021-04-01`, { location: 'westus' })).status, 201);
    const idPath = `/subscriptions/${s.subscriptionId}/resourceGroups/graph-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/graph-id`;
    const identity = await s.arm('PUT', `${idPath}?api-version=2024-11-30`, { location: 'westus' });
    assert.equal(identity.status, 201, identity.text);
    const { principalId, clientId } = identity.body.properties;

    const sp = await graph('GET', `/servicePrincipals/${principalId}`);
    assert.equal(sp.status, 200, sp.text);
    assert.equal(sp.body.servicePrincipalType, 'ManagedIdentity');
    assert.equal(sp.body.appId, clientId);
    assert.equal(sp.body.displayName, 'graph-id');
    assert.deepEqual(sp.body.servicePrincipalNames, [clientId, idPath]);
    assert.deepEqual(sp.body.alternativeNames, ['isExplicit=True', idPath]);
    const typed = await graph('GET', `/servicePrincipals?${filter("servicePrincipalType eq 'ManagedIdentity'")}`);
    assert.deepEqual(typed.body.value.map((x: any) => x.id), [principalId]);
    const byAppId = await graph('GET', `/servicePrincipals?${filter(`appId eq '${clientId}'`)}`);
    assert.deepEqual(byAppId.body.value.map((x: any) => x.id), [principalId]);

    assertGraphError(await graph('DELETE', `/servicePrincipals/${principalId}`), 400, 'Request_BadRequest', /managed identity/);
    assertGraphError(await graph('POST', `/servicePrincipals/${principalId}/addPassword`, {}), 400, 'Request_BadRequest', /managed identity/);
    assert.equal((await graph('GET', `/servicePrincipals/${principalId}`)).status, 200);

    // getByIds, as `az role assignment` sends it.
    const user = (await graph('POST', '/users', { displayName: 'Typed', userPrincipalName: 'typed@amity.example', passwordProfile: { password: 'Pass-word-12345' } })).body;
    const app = (await graph('POST', '/applications', { displayName: 'typed-app' })).body;
    const missing = '11111111-2222-3333-4444-555555555555';
    const ids = [principalId, user.id, app.id, missing];
    const res = await graph('POST', '/directoryObjects/getByIds', { ids, types: ['user', 'group', 'servicePrincipal', 'directoryObjectPartnerReference'] });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body['@odata.context'], `${s.url}/msgraph/v1.0/$metadata#directoryObjects`);
    assert.deepEqual(res.body.value.map((o: any) => [o['@odata.type'], o.id]), [
      ['#microsoft.graph.servicePrincipal', principalId],
      ['#microsoft.graph.user', user.id],
    ]);
    const untyped = await graph('POST', '/directoryObjects/getByIds', { ids });
    assert.deepEqual(untyped.body.value.map((o: any) => o['@odata.type']), ['#microsoft.graph.servicePrincipal', '#microsoft.graph.user', '#microsoft.graph.application']);
    assertGraphError(await graph('POST', '/directoryObjects/getByIds', {}), 400, 'Request_BadRequest', /ids/);

    // Deleting the identity (ARM) removes its service principal.
    assert.equal((await s.arm('DELETE', `${idPath}?api-version=2024-11-30`)).status, 200);
    assertGraphError(await graph('GET', `/servicePrincipals/${principalId}`), 404, 'Request_ResourceNotFound');
  });
}

test('Microsoft Graph directory API', async (t) => {
  const { backends: list, skipped } = await backends();
  if (skipped) t.diagnostic(`PostgreSQL skipped: ${skipped}`);
  try {
    for (const backend of list) {
      await t.test(backend.name, async (tb) => {
        s = await startTestServer({ database: await backend.database() });
        try {
          graphToken = await freshToken(s, `${s.url}/msgraph/.default`);
          await suite(tb);
        } finally {
          await s.close();
        }
      });
    }
  } finally {
    await Promise.all(list.map((b) => b.stop()));
  }
});

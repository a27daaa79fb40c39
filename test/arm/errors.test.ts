import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { before, test } from 'node:test';
import type { HttpResponse } from '../support/http.js';
import type { TestServer } from '../support/server.js';
import {
  assertArmError,
  assertOk,
  createGroup,
  forEachBackend,
  GUID,
  groupIdentitiesPath,
  groupPath,
  identityPath,
  MSI_VERSIONS,
} from './helpers.js';

const RESOURCES_VERSIONS_SAMPLE = ['2024-03-01', '2022-12-01', '2021-04-01', '2019-10-01'];

/** Sends a request with tracing ids and checks ARM echoes them, then hands the response back. */
async function traced(s: TestServer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> {
  const correlation = crypto.randomUUID();
  const client = crypto.randomUUID();
  const res = await s.arm(method, path, body, { 'x-ms-correlation-request-id': correlation, 'x-ms-client-request-id': client, ...headers });
  assert.equal(res.headers['x-ms-correlation-request-id'], correlation, `${method} ${path}: correlation id echoed`);
  assert.equal(res.headers['x-ms-client-request-id'], client, `${method} ${path}: client request id echoed`);
  assert.match(String(res.headers['x-ms-request-id']), GUID);
  return res;
}

await forEachBackend((server) => {
  const group = 'rg-errors';
  before(async () => {
    await createGroup(server(), group);
  });

  async function assertNothingCreated(s: TestServer, name: string): Promise<void> {
    assertArmError(await s.arm('GET', identityPath(s, group, name)), 404, 'ResourceNotFound');
  }

  test('a missing api-version is 400 MissingApiVersionParameter', async () => {
    const s = server();
    const message = 'The api-version query parameter (?api-version=) is required for all requests.';
    for (const path of [
      `/subscriptions/${s.subscriptionId}/resourcegroups/${group}`,
      `/subscriptions/${s.subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/abc`,
      `/subscriptions/${s.subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`,
      `/subscriptions/${s.subscriptionId}/resourcegroups/${group}?api-version=`,
    ]) {
      assertArmError(await traced(s, 'GET', path), 400, 'MissingApiVersionParameter', message);
    }
    assertArmError(await traced(s, 'PUT', `/subscriptions/${s.subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/noversion`, { location: 'westus' }), 400, 'MissingApiVersionParameter', message);
    await assertNothingCreated(s, 'noversion');
  });

  test('an unknown api-version for resource groups is 400 InvalidApiVersionParameter listing the supported versions', async () => {
    const s = server();
    for (const version of ['2000-01-01', '2024-11-30']) {
      const res = await traced(s, 'GET', groupPath(s, group, version));
      assertArmError(res, 400, 'InvalidApiVersionParameter', new RegExp(`^The api-version '${version}' is invalid\\. The supported versions are '[0-9a-z,-]+'\\.$`));
      const listed = /'([^']+)'\.$/.exec(res.body.error.message)![1].split(',');
      for (const v of RESOURCES_VERSIONS_SAMPLE) assert.ok(listed.includes(v), `${v} listed`);
      assert.equal(listed.includes(version), false);
    }
  });

  test('an unknown api-version for identities is 400 NoRegisteredProviderFound listing the 11 versions', async () => {
    const s = server();
    const supported = `The supported api-versions are '${MSI_VERSIONS.join(', ')}'.`;
    const get = await traced(s, 'GET', identityPath(s, group, 'abc', '2020-01-01'));
    assertArmError(get, 400, 'NoRegisteredProviderFound');
    assert.ok(
      get.body.error.message.startsWith(
        "No registered resource provider found for location 'global' and API version '2020-01-01' for type 'Microsoft.ManagedIdentity/userAssignedIdentities'. ",
      ),
      get.body.error.message,
    );
    assert.ok(get.body.error.message.includes(supported), get.body.error.message);
    assert.match(get.body.error.message, /The supported locations are '[^']+'\.$/);

    const put = await traced(s, 'PUT', identityPath(s, group, 'wrongversion', '2024-03-01'), { location: 'westus' });
    assertArmError(put, 400, 'NoRegisteredProviderFound', /for location 'westus' and API version '2024-03-01'/);
    assert.ok(put.body.error.message.includes(supported));
    await assertNothingCreated(s, 'wrongversion');

    assertArmError(await traced(s, 'GET', groupIdentitiesPath(s, group, '2019-01-01')), 400, 'NoRegisteredProviderFound');
  });

  test('an unknown resource type is 404 InvalidResourceType', async () => {
    const s = server();
    const res = await traced(s, 'GET', `/subscriptions/${s.subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentitiez/abc?api-version=2024-11-30`);
    assertArmError(
      res,
      404,
      'InvalidResourceType',
      /^The resource type 'userAssignedIdentitiez' could not be found in the namespace 'Microsoft\.ManagedIdentity' for api version '2024-11-30'\./,
    );
  });

  test('an unknown namespace is 404 InvalidResourceNamespace', async () => {
    const s = server();
    assertArmError(
      await traced(s, 'PUT', `/subscriptions/${s.subscriptionId}/resourceGroups/${group}/providers/Microsoft.Nothing/widgets/abc?api-version=2024-11-30`, { location: 'westus' }),
      404,
      'InvalidResourceNamespace',
      "The resource namespace 'Microsoft.Nothing' is invalid.",
    );
  });

  test('malformed JSON is 400 InvalidRequestContent and creates nothing', async () => {
    const s = server();
    for (const text of ['{"location":', '{location: "westus"}', '{"location":"westus"}}', 'westus']) {
      assertArmError(await traced(s, 'PUT', identityPath(s, group, 'malformed'), text), 400, 'InvalidRequestContent');
      assertArmError(await traced(s, 'PUT', groupPath(s, 'rg-malformed'), text), 400, 'InvalidRequestContent');
    }
    await assertNothingCreated(s, 'malformed');
    assert.equal((await s.arm('HEAD', groupPath(s, 'rg-malformed'))).status, 404);
  });

  test('a body that is not a JSON object is 400 InvalidRequestContent', async () => {
    const s = server();
    for (const text of ['[]', '[{"location":"westus"}]', '"westus"', '42', 'true', 'null']) {
      assertArmError(await traced(s, 'PUT', identityPath(s, group, 'notobject'), text), 400, 'InvalidRequestContent');
      assertArmError(await traced(s, 'PATCH', identityPath(s, group, 'notobject'), text), 400, 'InvalidRequestContent');
      assertArmError(await traced(s, 'PUT', groupPath(s, 'rg-notobject'), text), 400, 'InvalidRequestContent');
    }
    await assertNothingCreated(s, 'notobject');
  });

  test('fields of the wrong type are 400 InvalidRequestContent and create nothing', async () => {
    const s = server();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ location: 5 }, /location/],
      [{ location: ['westus'] }, /location/],
      [{ location: 'westus', tags: 'x' }, /tags/],
      [{ location: 'westus', tags: ['a'] }, /tags/],
      [{ location: 'westus', properties: [] }, /properties/],
      [{ location: 'westus', properties: 'x' }, /properties/],
    ];
    for (const [body, mentions] of cases) {
      assertArmError(await traced(s, 'PUT', identityPath(s, group, 'wrongtypes'), body), 400, 'InvalidRequestContent', mentions);
    }
    await assertNothingCreated(s, 'wrongtypes');
    assertArmError(await traced(s, 'PUT', groupPath(s, 'rg-wrongtypes'), { location: 5 }), 400, 'InvalidRequestContent', /location/);
    assertArmError(await traced(s, 'PUT', groupPath(s, 'rg-wrongtypes'), { location: 'westus', tags: 'x' }), 400, 'InvalidRequestContent', /tags/);
    assert.equal((await s.arm('HEAD', groupPath(s, 'rg-wrongtypes'))).status, 404);
  });

  test('an empty PUT body is 400 InvalidRequestContent', async () => {
    const s = server();
    assertArmError(await traced(s, 'PUT', identityPath(s, group, 'emptybody')), 400, 'InvalidRequestContent');
    assertArmError(await traced(s, 'PUT', identityPath(s, group, 'emptybody'), '', { 'content-type': 'application/json' }), 400, 'InvalidRequestContent');
    assertArmError(await traced(s, 'PUT', identityPath(s, group, 'emptybody'), '   ', { 'content-type': 'application/json' }), 400, 'InvalidRequestContent');
    assertArmError(await traced(s, 'PUT', groupPath(s, 'rg-emptybody')), 400, 'InvalidRequestContent');
    await assertNothingCreated(s, 'emptybody');
  });

  test('a body over 8 MB is 413 with the error envelope and creates nothing', async () => {
    const s = server();
    const body = JSON.stringify({ location: 'westus', tags: { big: 'x'.repeat(8 * 1024 * 1024) } });
    assertArmError(await traced(s, 'PUT', identityPath(s, group, 'toolarge'), body), 413, 'RequestEntityTooLarge');
    await assertNothingCreated(s, 'toolarge');
  });

  test('a method the resource does not support is 405 with the envelope', async () => {
    const s = server();
    assertArmError(await traced(s, 'POST', groupPath(s, group), {}), 405, 'MethodNotAllowed');
  });

  test('successful responses carry a fresh x-ms-request-id and a correlation id, echoed when sent', async () => {
    const s = server();
    const a = await traced(s, 'GET', groupPath(s, group));
    assertOk(a);
    const b = await s.arm('GET', groupPath(s, group));
    assertOk(b);
    assert.match(String(b.headers['x-ms-request-id']), GUID);
    assert.match(String(b.headers['x-ms-correlation-request-id']), GUID);
    assert.notEqual(b.headers['x-ms-request-id'], a.headers['x-ms-request-id']);
    assert.equal(b.headers['x-ms-client-request-id'], undefined, 'no client request id invented');
    assertOk(await traced(s, 'PUT', identityPath(s, group, 'traced'), { location: 'westus' }), 201);
    assertOk(await traced(s, 'DELETE', identityPath(s, group, 'traced')), 200);
    const unauthenticated = await s.raw('GET', groupPath(s, group), { headers: { 'x-ms-correlation-request-id': 'my-correlation' } });
    assertArmError(unauthenticated, 401, 'AuthenticationFailed');
    assert.equal(unauthenticated.headers['x-ms-correlation-request-id'], 'my-correlation');
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toEventData } from '../../src/activity/eventData.js';
import { callerOf, eventDataId } from '../../src/activity/recorder.js';
import { ArmError } from '../../src/arm/errors.js';
import { parseActivityFilter } from '../../src/providers/insights/activityLog.js';

test('the caller is the UPN for users and the object id otherwise', () => {
  const oid = '00000000-0000-0000-0000-00000000000a';
  assert.equal(callerOf({ tenantId: 't', objectId: oid, claims: { upn: 'alice@contoso.example', unique_name: 'alice@contoso.example' } }), 'alice@contoso.example');
  assert.equal(callerOf({ tenantId: 't', objectId: oid, claims: { unique_name: 'bob@contoso.example' } }), 'bob@contoso.example');
  assert.equal(callerOf({ tenantId: 't', objectId: oid, appId: 'app', claims: { appid: 'app' } }), oid);
});

test('event ids sort by time, also within one millisecond', () => {
  const ids = Array.from({ length: 50 }, () => eventDataId(1_700_000_000_000));
  assert.deepEqual([...ids].sort(), ids);
  assert.ok(eventDataId(1_700_000_000_001) > ids[ids.length - 1]);
});

test('$filter: clauses joined by and, quotes kept, bounds and errors as Azure has them', () => {
  const now = Date.parse('2026-01-10T00:00:00Z');
  const f = parseActivityFilter(
    "eventTimestamp ge '2026-01-01T00:00:00Z' AND eventTimestamp le '2026-01-02T00:00:00.5Z' and resourceGroupName eq 'rg and more' and caller eq 'o''neil@x.example'",
    now,
  );
  assert.deepEqual(f, {
    from: '2026-01-01T00:00:00.000Z',
    to: '2026-01-02T00:00:00.500Z',
    resourceGroup: 'rg and more',
    caller: "o'neil@x.example",
  });
  // Without an end, the range ends now.
  assert.equal(parseActivityFilter("eventTimestamp ge '2026-01-09T00:00:00Z'", now).to, '2026-01-10T00:00:00.000Z');
  const bad = (filter: string | undefined, message: RegExp) =>
    assert.throws(() => parseActivityFilter(filter, now), (e: unknown) => e instanceof ArmError && e.status === 400 && message.test(e.message));
  bad(undefined, /\$filter query parameter is required/);
  bad("eventTimestamp le '2026-01-02T00:00:00Z'", /eventTimestamp ge/);
  bad("eventTimestamp ge '2025-01-01T00:00:00Z'", /90 days/);
  bad("eventTimestamp ge '2026-01-02T00:00:00Z' and eventTimestamp le '2026-01-01T00:00:00Z'", /earlier/);
  bad("eventTimestamp ge 'soon'", /not a valid date/);
  bad("eventTimestamp ge '2026-01-09T00:00:00Z' and colour eq 'red'", /not supported/);
  bad("eventTimestamp ge '2026-01-09T00:00:00Z' and caller ne 'x'", /not valid/);
});

test('a tenant-level event (a role assignment at /) keeps its own id and no resource group', () => {
  const event = toEventData({
    id: '0190d5a0-0000-7000-8000-000000000001',
    subscription_id: '',
    event_time: '2026-01-01T00:00:00.000Z',
    correlation_id: 'c',
    caller: 'alice@contoso.example',
    caller_object_id: 'o',
    operation: 'Microsoft.Authorization/roleAssignments/write',
    http_method: 'PUT',
    scope: '/providers/Microsoft.Authorization/roleAssignments/a',
    status: 'Succeeded',
    status_code: 201,
    properties: JSON.stringify({ tenantId: 't', operationId: 'op' }),
  });
  assert.equal(event.resourceGroupName, '');
  assert.equal(event.id, '/providers/Microsoft.Authorization/roleAssignments/a/events/0190d5a0-0000-7000-8000-000000000001/ticks/639028224000000000');
  assert.deepEqual(event.resourceType, { value: 'Microsoft.Authorization/roleAssignments', localizedValue: 'Microsoft.Authorization/roleAssignments' });
  assert.deepEqual(event.operationName, { value: 'Microsoft.Authorization/roleAssignments/write', localizedValue: 'Create role assignment' });
  assert.equal(event.caller, 'alice@contoso.example');
});

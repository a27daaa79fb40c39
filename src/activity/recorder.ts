import crypto from 'node:crypto';
import type { Principal } from '../directory/tokenVerifier.js';
import { activityLogStore, type ActivityRow } from '../store/activityLog.js';
import type { Db } from '../store/resources.js';
import type { OwnedInsert } from '../store/resourceWrite.js';

/** `status.value` of an activity-log event. */
export type ActivityStatus = 'Succeeded' | 'Failed' | 'Accepted' | 'Started';

/** How a write ended, as its handler (or dispatch, for a failure) reports it. */
export interface ActivityOutcome {
  /** The HTTP status answered (or, for the end of a background operation, the status it ended with). */
  statusCode: number;
  /** Default: Accepted for 202, Succeeded below 400, Failed from 400. */
  status?: ActivityStatus;
  /** The resource acted on, as ARM writes its id; default the request's resource. */
  scope?: string;
  /** The operation id shared by an asynchronous operation's events; default the request's. */
  operationId?: string;
  /** ARM error code and message of a failure. */
  error?: { code: string; message: string };
  /** Extra `properties` of the event (string values, as Azure's). */
  properties?: Record<string, string>;
}

/** Everything about one write apart from its outcome: who, what, where and the request's tracing ids. */
export interface ActivityEvent {
  /** Lower-cased subscription id, '' for tenant-level writes (not listed by the per-subscription endpoint). */
  subscriptionId: string;
  tenantId: string;
  correlationId: string;
  operationId: string;
  /** The caller's UPN for users, else its object id. */
  caller: string;
  callerObjectId: string;
  /** RBAC action, e.g. `Microsoft.ManagedIdentity/userAssignedIdentities/write`. */
  operation: string;
  httpMethod: string;
  scope: string;
  clientRequestId?: string;
  clientIpAddress?: string;
  serviceRequestId?: string;
  claims?: Record<string, string>;
}

/** What the `properties` column holds besides the outcome's own properties. */
export interface StoredDetails {
  tenantId: string;
  operationId: string;
  clientRequestId?: string;
  clientIpAddress?: string;
  serviceRequestId?: string;
  claims?: Record<string, string>;
  error?: { code: string; message: string };
  extra?: Record<string, string>;
}

/**
 * The activity-log side of one ARM request. A write handler records its success in the transaction of its
 * change, with one line:
 *
 *     await req.activity.record(trx, { statusCode: existing ? 200 : 201 });
 *
 * so the row commits or rolls back with the change. When the handler answers without recording (a write with
 * nothing to change, such as a DELETE of a missing resource), dispatch records the answer after it; when the
 * request fails before anything recorded was committed (validation, a denied authorisation), dispatch records
 * the failure. Reads carry an instance that records nothing.
 */
export interface RequestActivity {
  /** False for reads: `record` does nothing. */
  readonly enabled: boolean;
  record(db: Db, outcome: ActivityOutcome): Promise<void>;
  /**
   * The event row `record` would insert, for a write that inserts it in its own statement (store/resourceWrite.ts):
   * its id counts as recorded, exactly as after `record`. None for reads.
   */
  rows(outcome: ActivityOutcome): OwnedInsert[];
  /** Ids of the rows `record` wrote (committed or not: dispatch checks). */
  readonly recordedIds: readonly string[];
  /** The event's details, for work that outlives the request (a background deletion records its end with them). */
  readonly event: ActivityEvent;
}

/** Time-ordered GUIDs (UUIDv7 layout) so that events of the same millisecond still list newest first. */
let lastMs = 0;
let sequence = 0;
export function eventDataId(now: number = Date.now()): string {
  if (now <= lastMs) sequence = (sequence + 1) & 0xfff;
  else {
    lastMs = now;
    sequence = crypto.randomInt(0, 0x400);
  }
  const ms = Math.max(now, lastMs);
  const bytes = crypto.randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function defaultStatus(statusCode: number): ActivityStatus {
  if (statusCode === 202) return 'Accepted';
  return statusCode < 400 ? 'Succeeded' : 'Failed';
}

/** Builds and inserts one row; returns its id. */
export async function recordActivity(db: Db, event: ActivityEvent, outcome: ActivityOutcome): Promise<string> {
  const row = activityRow(event, outcome);
  await activityLogStore.insert(db, row);
  return row.id;
}

/** The stored row of one event. */
function activityRow(event: ActivityEvent, outcome: ActivityOutcome): ActivityRow {
  const now = Date.now();
  const id = eventDataId(now);
  const details: StoredDetails = {
    tenantId: event.tenantId,
    operationId: outcome.operationId ?? event.operationId,
    clientRequestId: event.clientRequestId,
    clientIpAddress: event.clientIpAddress,
    serviceRequestId: event.serviceRequestId,
    claims: event.claims,
    error: outcome.error,
    extra: outcome.properties,
  };
  const row: ActivityRow = {
    id,
    subscription_id: event.subscriptionId,
    event_time: new Date(now).toISOString(),
    correlation_id: event.correlationId,
    caller: event.caller,
    caller_object_id: event.callerObjectId,
    operation: event.operation,
    http_method: event.httpMethod,
    scope: outcome.scope ?? event.scope,
    status: outcome.status ?? defaultStatus(outcome.statusCode),
    status_code: outcome.statusCode,
    properties: JSON.stringify(details),
  };
  return row;
}

/** The event details a stored row carries, to record a later event of the same operation (after a restart). */
export function eventOfRow(row: ActivityRow): ActivityEvent {
  const d = JSON.parse(row.properties) as StoredDetails;
  return {
    subscriptionId: row.subscription_id,
    tenantId: d.tenantId,
    correlationId: row.correlation_id,
    operationId: d.operationId,
    caller: row.caller,
    callerObjectId: row.caller_object_id,
    operation: row.operation,
    httpMethod: row.http_method,
    scope: row.scope,
    clientRequestId: d.clientRequestId,
    clientIpAddress: d.clientIpAddress,
    serviceRequestId: d.serviceRequestId,
    claims: d.claims,
  };
}

/** Who Azure names as the caller: the UPN for users, else the object id. */
export function callerOf(principal: Principal): string {
  for (const name of ['upn', 'unique_name', 'preferred_username']) {
    const v = principal.claims[name];
    if (typeof v === 'string' && v.includes('@')) return v;
  }
  return principal.objectId;
}

/** Token claims as Azure lists them in an event: string values only. */
export function claimsOf(principal: Principal): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(principal.claims)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v.join(' ');
  }
  return out;
}

class WriteActivity implements RequestActivity {
  readonly enabled = true;
  readonly recordedIds: string[] = [];
  constructor(readonly event: ActivityEvent) {}

  async record(db: Db, outcome: ActivityOutcome): Promise<void> {
    this.recordedIds.push(await recordActivity(db, this.event, outcome));
  }

  rows(outcome: ActivityOutcome): OwnedInsert[] {
    const row = activityRow(this.event, outcome);
    this.recordedIds.push(row.id);
    return [{ table: 'activity_log', row }];
  }
}

const NO_EVENT: ActivityEvent = Object.freeze({
  subscriptionId: '',
  tenantId: '',
  correlationId: '',
  operationId: '',
  caller: '',
  callerObjectId: '',
  operation: '',
  httpMethod: '',
  scope: '',
});

/** What reads carry: nothing is recorded. */
export const NO_ACTIVITY: RequestActivity = Object.freeze({
  enabled: false,
  recordedIds: [],
  event: NO_EVENT,
  record: async () => undefined,
  rows: () => [],
});

export function writeActivity(event: Omit<ActivityEvent, 'operationId'> & { operationId?: string }): RequestActivity {
  return new WriteActivity({ ...event, operationId: event.operationId ?? crypto.randomUUID() });
}

/**
 * Dispatch's part, after the handler: records what the handler did not. On success with nothing recorded
 * (no change to record it with), the answer alone; on failure, unless a row the handler recorded committed
 * (the change happened and was recorded before the failure), the failure, on its own: nothing changed.
 */
export async function recordUnrecorded(db: Db, activity: RequestActivity, outcome: ActivityOutcome, failed: boolean): Promise<void> {
  if (!activity.enabled) return;
  if (!failed && activity.recordedIds.length > 0) return;
  if (failed && (await activityLogStore.exists(db, activity.recordedIds))) return;
  await activity.record(db, outcome);
}

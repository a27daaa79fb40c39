/**
 * The activity log page's logic without React (tested in test/portal/activityLog.test.ts): the time ranges, the
 * `$filter` the Microsoft.Insights list needs (a start time is required; at most 90 days), and the row it shows.
 */

export type TimeRange = '1h' | '6h' | '24h' | '7d' | '30d' | '90d';

const HOUR = 60 * 60 * 1000;
export const TIME_RANGES: { value: TimeRange; label: string; ms: number }[] = [
  { value: '1h', label: 'Last hour', ms: HOUR },
  { value: '6h', label: 'Last 6 hours', ms: 6 * HOUR },
  { value: '24h', label: 'Last 24 hours', ms: 24 * HOUR },
  { value: '7d', label: 'Last 7 days', ms: 7 * 24 * HOUR },
  { value: '30d', label: 'Last 30 days', ms: 30 * 24 * HOUR },
  { value: '90d', label: 'Last 90 days', ms: 90 * 24 * HOUR },
];

export interface ActivityQuery {
  range: TimeRange;
  /** A resource group name, or '' for the whole subscription. */
  resourceGroup: string;
  /** 'Succeeded', 'Failed', or '' for any. */
  status: string;
}

const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** The `$filter`: `eventTimestamp ge '…' and eventTimestamp le '…'`, then the group and status when chosen. */
export function activityFilter(q: ActivityQuery, now: number): string {
  const ms = TIME_RANGES.find((r) => r.value === q.range)?.ms ?? 24 * HOUR;
  const clauses = [`eventTimestamp ge ${quote(new Date(now - ms).toISOString())}`, `eventTimestamp le ${quote(new Date(now).toISOString())}`];
  if (q.resourceGroup) clauses.push(`resourceGroupName eq ${quote(q.resourceGroup)}`);
  if (q.status) clauses.push(`status eq ${quote(q.status)}`);
  return clauses.join(' and ');
}

/** The list's path under a subscription, query included (api-version added by the caller). */
export function activityPath(subscriptionId: string, q: ActivityQuery, now: number): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values?$filter=${encodeURIComponent(activityFilter(q, now))}`;
}

/** The EventData fields the page reads. */
export interface EventData {
  eventDataId: string;
  eventTimestamp: string;
  caller?: string;
  operationName: { value: string; localizedValue: string };
  status: { value: string; localizedValue: string };
  subStatus?: { value: string; localizedValue: string };
  resourceGroupName?: string;
  resourceId: string;
  correlationId?: string;
  properties?: Record<string, string>;
}

export interface ActivityRow {
  id: string;
  operation: string;
  action: string;
  status: string;
  failed: boolean;
  time: string;
  caller: string;
  resourceGroup: string;
  resource: string;
  resourceId: string;
  /** The error message of a failed write, when recorded. */
  message?: string;
}

/** What an event is about: the resource's name; for a role assignment (a GUID), the scope it grants access to. */
export function resourceLabel(resourceId: string): string {
  const m = /^(.*)\/providers\/Microsoft\.Authorization\/(roleAssignments|roleDefinitions)\/[^/]+$/i.exec(resourceId);
  if (m) {
    const scope = m[1].split('/').filter(Boolean);
    const kind = m[2].toLowerCase() === 'roleassignments' ? 'Role assignment' : 'Role definition';
    return `${kind} on ${scope.length ? decodeURIComponent(scope[scope.length - 1]) : 'the root'}`;
  }
  const segs = resourceId.split('/').filter(Boolean);
  return segs.length ? decodeURIComponent(segs[segs.length - 1]) : '/';
}

export function activityRow(e: EventData): ActivityRow {
  let message: string | undefined;
  const sm = e.properties?.statusMessage;
  if (sm) {
    try {
      const parsed = JSON.parse(sm) as { error?: { message?: string } };
      message = parsed.error?.message ?? sm;
    } catch {
      message = sm;
    }
  }
  return {
    id: e.eventDataId,
    operation: e.operationName.localizedValue || e.operationName.value,
    action: e.operationName.value,
    status: e.status.localizedValue || e.status.value,
    failed: e.status.value === 'Failed',
    time: e.eventTimestamp,
    caller: e.caller ?? '',
    resourceGroup: e.resourceGroupName ?? '',
    resource: resourceLabel(e.resourceId),
    resourceId: e.resourceId,
    ...(message ? { message } : {}),
  };
}

/** "2026-11-22 05:31:07" in the browser's time zone would be nicer, but UTC is unambiguous across a team. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

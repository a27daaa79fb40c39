import { selectFields, toEventData } from '../../activity/eventData.js';
import { armErrors } from '../../arm/errors.js';
import { decodeSkipToken, encodeSkipToken, parseTop, queryParam } from '../../arm/paging.js';
import type { ArmRequest, ArmResponse, ResourceTypeDef } from '../../arm/types.js';
import { activityLogStore, type ActivityQuery } from '../../store/activityLog.js';

export const ACTIVITY_LOG_API_VERSIONS = ['2015-04-01', '2017-03-01-preview'] as const;

/** Azure's page size for activity-log listings; `$top` (an Amity extension) asks for smaller pages. */
export const ACTIVITY_PAGE_SIZE = 200;
const MAX_RANGE_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

type Filter = Omit<ActivityQuery, 'subscriptionKey' | 'after' | 'limit'>;

const invalidFilter = (message: string) => armErrors.badRequest('BadRequest', message);

/** Splits `a and b and c` on `and` outside quoted values. */
function clauses(filter: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i];
    if (c === "'") quoted = !quoted;
    if (!quoted && /\s/.test(c)) {
      const m = /^\s+and\s+/i.exec(filter.slice(i));
      if (m) {
        out.push(current);
        current = '';
        i += m[0].length - 1;
        continue;
      }
    }
    current += c;
  }
  out.push(current);
  return out.map((s) => s.trim());
}

function parseTime(value: string, clause: string): number {
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t)) throw invalidFilter(`The value '${value}' in the filter clause '${clause}' is not a valid date and time.`);
  return t;
}

/**
 * Azure's `$filter` grammar for activity logs: `eventTimestamp ge '…'` (required), `eventTimestamp le '…'`,
 * and optionally one of `resourceGroupName`, `resourceId`/`resourceUri`, `resourceProvider`, `correlationId`,
 * `caller`, `status` with `eq`, all joined by `and`.
 */
export function parseActivityFilter(filter: string | undefined, now = Date.now()): Filter {
  if (filter === undefined || filter.trim() === '') {
    throw invalidFilter("The $filter query parameter is required. It must specify the start time with 'eventTimestamp ge', for example: $filter=eventTimestamp ge '2024-01-01T00:00:00Z' and eventTimestamp le '2024-01-02T00:00:00Z'.");
  }
  let from: number | undefined;
  let to: number | undefined;
  const out: Partial<Filter> = {};
  for (const clause of clauses(filter)) {
    const m = /^(\w+)\s+(eq|ge|le|gt|lt)\s+'((?:[^']|'')*)'$/i.exec(clause);
    if (!m) throw invalidFilter(`The filter clause '${clause}' is not valid. Clauses have the form: <property> <operator> '<value>'.`);
    const [, field, opRaw, raw] = m;
    const op = opRaw.toLowerCase();
    const value = raw.replace(/''/g, "'");
    const name = field.toLowerCase();
    if (name === 'eventtimestamp') {
      const t = parseTime(value, clause);
      if (op === 'ge' || op === 'gt') from = op === 'gt' ? t + 1 : t;
      else if (op === 'le' || op === 'lt') to = op === 'lt' ? t - 1 : t;
      else throw invalidFilter(`The operator '${opRaw}' is not supported for 'eventTimestamp'; use 'ge' and 'le'.`);
      continue;
    }
    if (op !== 'eq') throw invalidFilter(`The operator '${opRaw}' is not supported for '${field}'; only 'eq' is.`);
    if (name === 'resourcegroupname') out.resourceGroup = value;
    else if (name === 'resourceid' || name === 'resourceuri') out.resourceId = value;
    else if (name === 'resourceprovider') out.resourceProvider = value;
    else if (name === 'correlationid') out.correlationId = value;
    else if (name === 'caller') out.caller = value;
    else if (name === 'status') out.status = value;
    else if (name === 'eventchannels' || name === 'levels' || name === 'level') continue;
    else throw invalidFilter(`The filter property '${field}' is not supported.`);
  }
  if (from === undefined) throw invalidFilter("The $filter query parameter must specify the start time with 'eventTimestamp ge'.");
  const end = to ?? now;
  if (end < from) throw invalidFilter("The end time ('eventTimestamp le') must not be earlier than the start time ('eventTimestamp ge').");
  if (end - from > MAX_RANGE_DAYS * DAY_MS) throw invalidFilter(`The time range of the query must not exceed ${MAX_RANGE_DAYS} days.`);
  return { ...out, from: new Date(from).toISOString(), to: new Date(end).toISOString() };
}

/** `GET /subscriptions/{s}/providers/Microsoft.Insights/eventtypes/management/values`: the subscription's writes, newest first. */
async function list(req: ArmRequest): Promise<ArmResponse> {
  if (req.path.names[0]?.toLowerCase() !== 'management') throw armErrors.notFound(req.pathname);
  const filter = parseActivityFilter(queryParam(req.query, '$filter'));
  const selectRaw = queryParam(req.query, '$select');
  const select = selectRaw?.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const size = parseTop(req.query) ?? ACTIVITY_PAGE_SIZE;
  const token = decodeSkipToken(queryParam(req.query, '$skiptoken'));
  let after: ActivityQuery['after'];
  if (token !== undefined) {
    const bar = token.indexOf('|');
    if (bar < 0) throw armErrors.badRequest('InvalidSkipToken', `The provided skip token '${queryParam(req.query, '$skiptoken')}' is not valid.`);
    after = { time: token.slice(0, bar), id: token.slice(bar + 1) };
  }
  const rows = await activityLogStore.page(req.server.database.db, {
    ...filter,
    subscriptionKey: req.path.subscriptionId!.toLowerCase(),
    after,
    limit: size + 1,
  });
  const page = rows.slice(0, size);
  const body: Record<string, unknown> = { value: page.map((r) => selectFields(toEventData(r), select)) };
  if (rows.length > size) {
    const last = page[page.length - 1];
    const next = new URLSearchParams({ 'api-version': req.apiVersion });
    next.set('$filter', queryParam(req.query, '$filter')!);
    if (selectRaw !== undefined) next.set('$select', selectRaw);
    const top = queryParam(req.query, '$top');
    if (top !== undefined) next.set('$top', top);
    next.set('$skiptoken', encodeSkipToken(`${last.event_time}|${last.id}`));
    body.nextLink = `${req.server.publicUrl}${req.pathname}?${next.toString().replace(/%24/g, '$')}`;
  }
  return { status: 200, body };
}

/**
 * The activity log (Microsoft.Insights event type `management`). Routed as the collection `eventtypes/values`
 * under a subscription, so dispatch checks `Microsoft.Insights/eventtypes/values/read` there. Only
 * subscription-level writes are listed: tenant-level ones (e.g. role assignments at `/`) are kept under
 * subscription '' and not shown here.
 */
export const activityLogEvents: ResourceTypeDef = {
  type: 'Microsoft.Insights/eventtypes/values',
  apiVersions: ACTIVITY_LOG_API_VERSIONS,
  apiVersionStyle: 'provider',
  scopes: ['subscription'],
  collectionScopes: ['subscription'],
  collection: { GET: list },
};

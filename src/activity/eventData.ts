import type { ActivityRow } from '../store/activityLog.js';
import type { StoredDetails } from './recorder.js';
import { statusName } from '../arm/statusNames.js';

/** Azure's LocalizableString. */
interface Localizable {
  value: string;
  localizedValue: string;
}

const localizable = (value: string, localizedValue = value): Localizable => ({ value, localizedValue });

/** Display names Azure gives the operations Amity serves (operationName.localizedValue); others show the action. */
const OPERATION_NAMES: Record<string, string> = {
  'microsoft.managedidentity/userassignedidentities/write': 'Create/Update User Assigned Identity',
  'microsoft.managedidentity/userassignedidentities/delete': 'Delete User Assigned Identity',
  'microsoft.managedidentity/userassignedidentities/revoketokens/action': 'Revoke Tokens',
  'microsoft.managedidentity/userassignedidentities/federatedidentitycredentials/write': 'Add/Update Federated Identity Credential',
  'microsoft.managedidentity/userassignedidentities/federatedidentitycredentials/delete': 'Delete Federated Identity Credential',
  'microsoft.resources/subscriptions/resourcegroups/write': 'Update resource group',
  'microsoft.resources/subscriptions/resourcegroups/delete': 'Delete resource group',
  'microsoft.authorization/roleassignments/write': 'Create role assignment',
  'microsoft.authorization/roleassignments/delete': 'Delete role assignment',
  'microsoft.authorization/roledefinitions/write': 'Create or update custom role definition',
  'microsoft.authorization/roledefinitions/delete': 'Delete custom role definition',
};

/** .NET ticks (100 ns since 0001-01-01), which Azure puts in an event's id. */
function ticksOf(iso: string): string {
  return (BigInt(Date.parse(iso)) * 10_000n + 621_355_968_000_000_000n).toString();
}

/** The type an RBAC action acts on: `Microsoft.X/a/b/write` → `Microsoft.X/a/b`; `…/b/name/action` → `…/b`. */
function resourceTypeOf(operation: string): string {
  const parts = operation.split('/');
  parts.pop();
  if (operation.toLowerCase().endsWith('/action')) parts.pop();
  return parts.join('/');
}

function resourceGroupOf(scope: string): string | undefined {
  const m = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)/i.exec(scope);
  return m?.[1];
}

/** One stored row as Azure's EventData (api-version 2015-04-01; 2017-03-01-preview has the same shape). */
export function toEventData(row: ActivityRow): Record<string, unknown> {
  const d = JSON.parse(row.properties) as StoredDetails;
  const resourceType = resourceTypeOf(row.operation);
  const provider = resourceType.split('/')[0];
  const status = row.status;
  const failed = status === 'Failed';
  const properties: Record<string, string> = { ...(d.extra ?? {}), statusCode: statusName(row.status_code) };
  if (d.serviceRequestId) properties.serviceRequestId = d.serviceRequestId;
  if (d.error) properties.statusMessage = JSON.stringify({ error: d.error });
  const httpRequest: Record<string, string> = { method: row.http_method };
  if (d.clientRequestId) httpRequest.clientRequestId = d.clientRequestId;
  if (d.clientIpAddress) httpRequest.clientIpAddress = d.clientIpAddress;
  const event: Record<string, unknown> = {
    authorization: { action: row.operation, scope: row.scope },
    caller: row.caller,
    channels: 'Operation',
    claims: d.claims ?? {},
    correlationId: row.correlation_id,
    description: '',
    eventDataId: row.id,
    eventName: localizable('EndRequest', 'End request'),
    category: localizable('Administrative'),
    eventTimestamp: row.event_time,
    httpRequest,
    id: `${row.scope === '/' ? '' : row.scope}/events/${row.id}/ticks/${ticksOf(row.event_time)}`,
    level: failed ? 'Error' : 'Informational',
    operationId: d.operationId,
    operationName: localizable(row.operation, OPERATION_NAMES[row.operation.toLowerCase()] ?? row.operation),
    resourceGroupName: resourceGroupOf(row.scope) ?? '',
    resourceProviderName: localizable(provider),
    resourceType: localizable(resourceType),
    resourceId: row.scope,
    status: localizable(status),
    subStatus: localizable(statusName(row.status_code), `${statusName(row.status_code)} (HTTP Status Code: ${row.status_code})`),
    submissionTimestamp: row.event_time,
    subscriptionId: row.subscription_id,
    tenantId: d.tenantId,
    properties,
    relatedEvents: [],
  };
  return event;
}

/** `$select`: a comma-separated list of top-level EventData properties (case-insensitive); all when absent. */
export function selectFields(event: Record<string, unknown>, select: readonly string[] | undefined): Record<string, unknown> {
  if (!select) return event;
  const wanted = new Set(select.map((s) => s.toLowerCase()));
  return Object.fromEntries(Object.entries(event).filter(([k]) => wanted.has(k.toLowerCase())));
}

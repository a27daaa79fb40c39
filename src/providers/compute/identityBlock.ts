import crypto from 'node:crypto';
import { optionalObject } from '../../arm/body.js';
import { ArmError, armErrors } from '../../arm/errors.js';
import { idKey } from '../../arm/path.js';
import type { ArmRequest } from '../../arm/types.js';
import { requireLinkedAction } from '../../rbac/authorize.js';
import { resourceStore } from '../../store/resources.js';
import type { IdentityProperties } from '../managedIdentity/identityProperties.js';
import { usesIdentityIds } from './apiVersions.js';
import type { StoredIdentity, StoredUserIdentity } from './storedIdentity.js';

const UAMI_ID_PATTERN = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/[-\w._()]{1,90}\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/i;
const ASSIGN_ACTION = 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action';

export interface HostIdentityContext {
  req: ArmRequest;
  method: 'PUT' | 'PATCH';
  /** The host's id, its type (for assignmentRestrictions and the RBAC action) and location (for isolationScope). */
  hostId: string;
  hostType: string;
  location: string;
  existing: StoredIdentity | undefined;
}

function invalid(message: string, target = 'identity'): ArmError {
  return armErrors.invalidParameter(message, target);
}

/** `SystemAssigned`, `UserAssigned`, `SystemAssigned, UserAssigned` (or without the space), `None`, any case. */
function parseType(raw: unknown): { system: boolean; user: boolean } {
  if (typeof raw !== 'string') throw invalid(`The value '${String(raw)}' of property 'identity.type' is not valid. The allowed values are 'SystemAssigned', 'UserAssigned', 'SystemAssigned, UserAssigned', 'None'.`, 'identity.type');
  const parts = raw.split(',').map((p) => p.trim().toLowerCase());
  const known = new Set(['systemassigned', 'userassigned']);
  if (parts.length === 1 && parts[0] === 'none') return { system: false, user: false };
  if (parts.some((p) => !known.has(p)) || new Set(parts).size !== parts.length) {
    throw invalid(`The value '${raw}' of property 'identity.type' is not valid. The allowed values are 'SystemAssigned', 'UserAssigned', 'SystemAssigned, UserAssigned', 'None'.`, 'identity.type');
  }
  return { system: parts.includes('systemassigned'), user: parts.includes('userassigned') };
}

/**
 * The host's identity after this write: the request's `identity` block applied to what the host has (PATCH merges
 * the userAssignedIdentities map, `null` removing one; PUT replaces it; `None` removes all), with every newly added
 * user-assigned identity checked: id format (InvalidIdentityId), `assign/action` on it (LinkedAuthorizationFailed),
 * existence, and its own assignment rules (isolationScope Regional, assignmentRestrictions.providers).
 * A request without `identity` keeps the host's identity.
 */
export async function resolveIdentity(raw: unknown, ctx: HostIdentityContext): Promise<StoredIdentity> {
  const tenantId = ctx.existing?.tenantId ?? ctx.req.server.tenantId;
  const current: StoredIdentity = ctx.existing ?? { tenantId, user: [] };
  const block = optionalObject(raw, 'identity');
  if (!block) return current;

  const legacy = usesIdentityIds(ctx.req.apiVersion);
  const type = block.type === undefined || block.type === null ? { system: !!current.system, user: current.user.length > 0 } : parseType(block.type);

  // The requested user-assigned set, as adds (id → true) and removals (id → false), or a replacement list.
  let requested: Map<string, { id: string; add: boolean }> | undefined;
  if (legacy) {
    if (block.identityIds !== undefined && block.identityIds !== null) {
      if (!Array.isArray(block.identityIds) || block.identityIds.some((v) => typeof v !== 'string')) {
        throw armErrors.invalidRequestContent("Error converting value to type 'String[]'. Path 'identity.identityIds'");
      }
      requested = new Map((block.identityIds as string[]).map((id) => [idKey(id), { id, add: true }]));
    }
  } else if (block.userAssignedIdentities !== undefined && block.userAssignedIdentities !== null) {
    const map = optionalObject(block.userAssignedIdentities, 'identity.userAssignedIdentities')!;
    requested = new Map();
    for (const [id, v] of Object.entries(map)) {
      if (v !== null && (typeof v !== 'object' || Array.isArray(v))) {
        throw armErrors.invalidRequestContent(`Error converting value to type 'UserAssignedIdentitiesValue'. Path 'identity.userAssignedIdentities['${id}']'`);
      }
      requested.set(idKey(id), { id, add: v !== null });
    }
  }
  const listName = legacy ? 'identityIds' : 'userAssignedIdentities';
  const typeName = type.system ? 'SystemAssigned' : 'None';

  let user: StoredUserIdentity[];
  if (!type.user) {
    if (requested && [...requested.values()].some((r) => r.add)) {
      throw invalid(`ResourceIdentity ${listName} should not be provided if the type is "${typeName}".`, `identity.${listName}`);
    }
    user = [];
  } else {
    // PATCH (and the 2017-12-01 list, which always replaces) start from the host's set; PUT from nothing.
    const base = ctx.method === 'PATCH' && !legacy ? current.user : requested ? [] : current.user;
    const byKey = new Map(base.map((u) => [idKey(u.id), u]));
    const added: string[] = [];
    for (const [key, r] of requested ?? []) {
      if (!r.add) byKey.delete(key);
      else if (!byKey.has(key)) {
        const kept = current.user.find((u) => idKey(u.id) === key);
        if (kept) byKey.set(key, kept);
        else added.push(r.id);
      }
    }
    const fresh = await checkNewIdentities(added, ctx);
    for (const u of fresh) byKey.set(idKey(u.id), u);
    user = [...byKey.values()];
    if (!user.length) {
      throw invalid(`The identity type '${type.system ? 'SystemAssigned, UserAssigned' : 'UserAssigned'}' needs at least one user-assigned identity in '${listName}'. Use type '${typeName}' to remove the last one.`, `identity.${listName}`);
    }
  }

  const system = type.system ? (current.system ?? { principalId: crypto.randomUUID(), clientId: crypto.randomUUID() }) : undefined;
  return { tenantId, ...(system ? { system } : {}), user };
}

/** The checks on user-assigned identities a write adds to a host, in ARM's order; the identities' current ids. */
async function checkNewIdentities(ids: string[], ctx: HostIdentityContext): Promise<StoredUserIdentity[]> {
  if (!ids.length) return [];
  const malformed = ids.filter((id) => !UAMI_ID_PATTERN.test(id));
  if (malformed.length) {
    throw new ArmError(
      400,
      'InvalidIdentityId',
      `The identity ids '${malformed.join(',')}' are invalid. It must be of the following format: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}'.`,
    );
  }
  await requireLinkedAction(ctx.req.server, ctx.req.principal, {
    action: ASSIGN_ACTION,
    linkedScope: ids,
    requestAction: `${ctx.hostType}/write`,
    requestScope: ctx.hostId,
  });
  const db = ctx.req.server.database.db;
  const out: StoredUserIdentity[] = [];
  for (const id of ids) {
    const row = await resourceStore.get(db, idKey(id));
    if (!row || row.type !== 'microsoft.managedidentity/userassignedidentities') {
      // What Azure answers when an assigned identity does not exist (seen in real responses).
      throw new ArmError(
        400,
        'FailedIdentityOperation',
        `Identity operation for resource '${ctx.hostId}' failed with error 'Failed to perform resource identity operation. Status: 'BadRequest'. Response: '{"error":{"code":"BadRequest","message":"Resource '${id}' was not found."}}'.'.`,
      );
    }
    const props = JSON.parse(row.properties) as IdentityProperties;
    if (props.isolationScope === 'Regional' && (row.location ?? '') !== ctx.location) {
      throw new ArmError(
        400,
        'IdentityIsolationScopeViolation',
        `The user-assigned identity '${id}' has isolationScope 'Regional' and is in location '${row.location}': it can only be assigned to resources in that location, and '${ctx.hostId}' is in '${ctx.location}'.`,
        { target: 'identity.userAssignedIdentities' },
      );
    }
    const providers = props.assignmentRestrictions?.providers ?? [];
    const hostType = ctx.hostType.toLowerCase();
    const namespace = hostType.split('/')[0];
    if (providers.length && !providers.some((p) => p.toLowerCase() === namespace || p.toLowerCase() === hostType)) {
      throw new ArmError(
        400,
        'IdentityAssignmentRestricted',
        `The user-assigned identity '${id}' has assignmentRestrictions.providers '${providers.join("','")}': it can only be assigned to resources of those providers or types, and '${ctx.hostId}' is a '${ctx.hostType}'.`,
        { target: 'identity.userAssignedIdentities' },
      );
    }
    out.push({ id, principalId: props.principalId, clientId: props.clientId });
  }
  return out;
}

import crypto from 'node:crypto';
import { idKey } from '../../arm/path.js';
import { resourceStore, type Db, type ResourceRow } from '../../store/resources.js';
import { CONVERGENCE_MS } from '../../store/convergence.js';
import type { IdentityProperties } from '../managedIdentity/identityProperties.js';
import { storedIdentityOfRow, type StoredIdentity } from './storedIdentity.js';

export type { Db };

export const VIRTUAL_MACHINE_TYPE = 'Microsoft.Compute/virtualMachines';
/** Resource types (lower-case) that are hosts: they carry identities and get workload credentials. */
export const HOST_TYPES = new Set([VIRTUAL_MACHINE_TYPE.toLowerCase()]);
const UAMI_TYPE = 'microsoft.managedidentity/userassignedidentities';

export interface HostIdentity {
  kind: 'SystemAssigned' | 'UserAssigned';
  principalId: string;
  clientId: string;
  /** ARM id: the UAMI's id, or for system-assigned the host's id */
  resourceId: string;
  /** tokens issued before this instant (ms since epoch) are revoked; 0 = none */
  revokedBefore: number;
}

export interface HostRecord {
  hostKey: string;
  hostId: string;
  tenantId: string;
  location: string;
  system?: HostIdentity;
  /** assigned user identities that still exist */
  user: HostIdentity[];
  /** ids assigned to the host whose identity was deleted (dangling) */
  dangling: string[];
}

/** The user-assigned identity rows a host refers to, by key (absent: deleted). */
async function identityRows(db: Db, identity: StoredIdentity | undefined): Promise<Map<string, ResourceRow>> {
  const keys = (identity?.user ?? []).map((u) => idKey(u.id));
  if (!keys.length) return new Map();
  const rows = await db.selectFrom('resources').selectAll().where('key', 'in', keys).where('type', '=', UAMI_TYPE).execute();
  return new Map(rows.map((r) => [r.key, r]));
}

export async function loadHost(db: Db, hostKey: string): Promise<HostRecord | undefined> {
  const row = await resourceStore.get(db, hostKey.toLowerCase());
  if (!row || !HOST_TYPES.has(row.type)) return undefined;
  const identity = storedIdentityOfRow(row);
  const rows = await identityRows(db, identity);
  const record: HostRecord = {
    hostKey: row.key,
    hostId: row.id,
    tenantId: identity?.tenantId ?? '',
    location: row.location ?? '',
    user: [],
    dangling: [],
  };
  if (!record.tenantId) {
    const sub = await db.selectFrom('subscriptions').select('tenant_id').where('key', '=', row.subscription_id).executeTakeFirst();
    record.tenantId = sub?.tenant_id ?? '';
  }
  if (identity?.system) {
    record.system = { kind: 'SystemAssigned', principalId: identity.system.principalId, clientId: identity.system.clientId, resourceId: row.id, revokedBefore: 0 };
  }
  for (const u of identity?.user ?? []) {
    const uami = rows.get(idKey(u.id));
    const props = uami ? (JSON.parse(uami.properties) as IdentityProperties) : undefined;
    // An identity deleted (and perhaps made again under the same name: a new principal) is no longer the one assigned.
    if (!uami || !props || props.principalId !== u.principalId) {
      record.dangling.push(u.id);
      continue;
    }
    record.user.push({ kind: 'UserAssigned', principalId: props.principalId, clientId: props.clientId, resourceId: uami.id, revokedBefore: props.tokensRevokedBefore ?? 0 });
  }
  return record;
}

export function secretDigest(secret: string): string {
  return crypto.createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** the host a workload secret belongs to (host_credentials.secret_digest = base64url sha256 of the secret) */
export async function hostKeyForSecret(db: Db, secret: string): Promise<string | undefined> {
  if (!secret) return undefined;
  const row = await db.selectFrom('host_credentials').select('host_key').where('secret_digest', '=', secretDigest(secret)).executeTakeFirst();
  return row?.host_key;
}

/**
 * A value that changes whenever the host's identity state does: an identity assigned or unassigned (the host's
 * etag), an assigned identity deleted, changed or its tokens revoked (the identity's etag), or the host deleted.
 */
export async function hostStateVersion(db: Db, hostKey: string): Promise<string> {
  const row = await resourceStore.get(db, hostKey.toLowerCase());
  const hash = crypto.createHash('sha256');
  if (!row || !HOST_TYPES.has(row.type)) return hash.update(`deleted:${hostKey.toLowerCase()}`).digest('base64url').slice(0, 22);
  const identity = storedIdentityOfRow(row);
  const rows = await identityRows(db, identity);
  hash.update(row.etag);
  for (const u of identity?.user ?? []) {
    const uami = rows.get(idKey(u.id));
    const revoked = uami ? ((JSON.parse(uami.properties) as IdentityProperties).tokensRevokedBefore ?? 0) : 0;
    hash.update(`|${idKey(u.id)}:${uami?.etag ?? 'gone'}:${revoked}`);
  }
  return hash.digest('base64url').slice(0, 22);
}

// Half the nodes' convergence bound: the token verifier caches the answer for the other half.
const REVOCATION_CACHE_MS = CONVERGENCE_MS / 2;
const revocationCache = new Map<string, { value: number; at: number }>();

/**
 * When tokens of a user-assigned identity (by ARM id, e.g. a token's `xms_mirid`) were last revoked, in ms since
 * epoch (0: never, or not a user-assigned identity); cached for at most CONVERGENCE_MS / 2, for token verifiers.
 */
export async function identityRevokedBefore(db: Db, identityId: string): Promise<number> {
  const key = idKey(identityId);
  const now = Date.now();
  const hit = revocationCache.get(key);
  if (hit && now - hit.at < REVOCATION_CACHE_MS) return hit.value;
  const row = await resourceStore.get(db, key);
  const value = row && row.type === UAMI_TYPE ? ((JSON.parse(row.properties) as IdentityProperties).tokensRevokedBefore ?? 0) : 0;
  if (revocationCache.size > 10_000) revocationCache.clear();
  revocationCache.set(key, { value, at: now });
  return value;
}

/** Forgets the cached revocation instant of an identity (this node revoked its tokens just now). */
export function forgetRevocation(identityId: string): void {
  revocationCache.delete(idKey(identityId));
}


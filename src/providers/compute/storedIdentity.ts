import type { ResourceRow } from '../../store/resources.js';

/** A user-assigned identity as the host recorded it when it was assigned (the ids are a snapshot, as in Azure). */
export interface StoredUserIdentity {
  /** The ARM id as the client first wrote it. */
  id: string;
  principalId: string;
  clientId: string;
}

/** The `identity` block of a host, as kept in its stored properties (never shown as is). */
export interface StoredIdentity {
  tenantId: string;
  system?: { principalId: string; clientId: string };
  user: StoredUserIdentity[];
}

/** Where a host keeps its identity inside the stored properties JSON; stripped from every response. */
export const IDENTITY_FIELD = 'identity';

export function storedIdentityOf(props: Record<string, unknown> | undefined): StoredIdentity | undefined {
  const v = props?.[IDENTITY_FIELD] as StoredIdentity | undefined;
  return v && typeof v === 'object' ? { tenantId: v.tenantId, system: v.system, user: v.user ?? [] } : undefined;
}

export function storedIdentityOfRow(row: ResourceRow): StoredIdentity | undefined {
  return storedIdentityOf(JSON.parse(row.properties) as Record<string, unknown>);
}

/** Azure Compute's spelling of the identity type. */
export function identityTypeOf(identity: StoredIdentity | undefined): 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned, UserAssigned' | 'None' {
  const sys = !!identity?.system;
  const user = (identity?.user.length ?? 0) > 0;
  if (sys && user) return 'SystemAssigned, UserAssigned';
  if (sys) return 'SystemAssigned';
  if (user) return 'UserAssigned';
  return 'None';
}

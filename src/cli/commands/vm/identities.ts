import type { CliContext } from '../../runtime/context.js';

/** az's name for the system-assigned identity in `--assign-identity` / `--identities` lists. */
export const SYSTEM_IDENTITY = '[system]';

/** A user-assigned identity given by name is looked up in the VM's group, as az's validator does. */
export function identityIdOf(ctx: CliContext, resourceGroup: string, value: string): string {
  if (value.startsWith('/')) return value;
  return `/subscriptions/${ctx.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${value}`;
}

/** az's `_build_identities_info`: an empty list means system-assigned; `[system]` adds it to user-assigned ones. */
export function identitiesInfo(ctx: CliContext, resourceGroup: string, values: string[]): { system: boolean; user: string[] } {
  const system = values.length === 0 || values.some((v) => v.toLowerCase() === SYSTEM_IDENTITY);
  const user = values.filter((v) => v.toLowerCase() !== SYSTEM_IDENTITY).map((v) => identityIdOf(ctx, resourceGroup, v));
  return { system, user };
}

export function identityType(system: boolean, user: boolean): string {
  if (system && user) return 'SystemAssigned, UserAssigned';
  if (system) return 'SystemAssigned';
  return user ? 'UserAssigned' : 'None';
}

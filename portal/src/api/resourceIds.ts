/** Helpers over ARM resource ids (`/subscriptions/{s}/resourceGroups/{g}/providers/{ns}/{type}/{name}`). */

export const IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';

export function identityId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${encodeURIComponent(resourceGroup)}/providers/${IDENTITY_TYPE}/${encodeURIComponent(name)}`;
}

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${encodeURIComponent(resourceGroup)}`;
}

/** The parts of an id, by the segment names ARM uses (case-insensitively). */
export function parseResourceId(id: string): { subscriptionId?: string; resourceGroup?: string; name?: string } {
  const segs = id.split('/').filter(Boolean);
  const at = (key: string) => {
    const i = segs.findIndex((s) => s.toLowerCase() === key);
    return i >= 0 && i + 1 < segs.length ? decodeURIComponent(segs[i + 1]) : undefined;
  };
  return { subscriptionId: at('subscriptions'), resourceGroup: at('resourcegroups'), name: segs.length ? decodeURIComponent(segs[segs.length - 1]) : undefined };
}

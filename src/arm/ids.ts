/** Building ARM ids: one place, so every provider writes them the same way. */
export const RESOURCE_GROUP_TYPE = 'microsoft.resources/resourcegroups';

export function subscriptionId(subscription: string): string {
  return `/subscriptions/${subscription}`;
}

export function groupId(subscription: string, group: string): string {
  return `/subscriptions/${subscription}/resourceGroups/${group}`;
}

export function groupKeyOf(subscription: string, group: string): string {
  return groupId(subscription, group).toLowerCase();
}

/** `/subscriptions/{s}/resourceGroups/{g}/providers/{Namespace}/{type}/{name}[/{childType}/{childName}...]` */
export function resourceId(subscription: string, group: string, type: string, names: string[]): string {
  const [namespace, ...types] = type.split('/');
  const tail = types.map((t, i) => `${t}/${names[i]}`).join('/');
  return `${groupId(subscription, group)}/providers/${namespace}/${tail}`;
}

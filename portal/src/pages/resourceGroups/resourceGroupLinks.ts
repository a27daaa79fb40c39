/** App paths of the resource group and subscription pages (deep-linkable, independent of the selected subscription). */

export function resourceGroupPath(subscriptionId: string, name: string, tab?: string): string {
  return `/subscriptions/${encodeURIComponent(subscriptionId)}/resourcegroups/${encodeURIComponent(name)}${tab ? `?tab=${tab}` : ''}`;
}

export function subscriptionPath(subscriptionId: string, tab?: string): string {
  return `/subscriptions/${encodeURIComponent(subscriptionId)}${tab ? `?tab=${tab}` : ''}`;
}

/** Rows whose name contains the text (case-insensitively), sorted by name. */
export function filterByName<T extends { name: string }>(rows: readonly T[], text: string): T[] {
  const t = text.trim().toLowerCase();
  return rows.filter((r) => !t || r.name.toLowerCase().includes(t)).sort((a, b) => a.name.localeCompare(b.name));
}

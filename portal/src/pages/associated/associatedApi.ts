import { arm, withApiVersion } from '../../api/arm.js';

/** The api-version of `listAssociatedResources` (a preview action in Azure too). */
export const ASSOCIATED_API_VERSION = '2022-01-31-preview';

/** A host using an identity, as `listAssociatedResources` describes it. */
export interface AssociatedResource {
  id: string;
  name: string;
  type: string;
  resourceGroup: string;
  subscriptionId: string;
  subscriptionDisplayName: string;
}

export interface AssociatedPage {
  totalCount: number;
  value: AssociatedResource[];
  nextLink?: string;
}

/**
 * `POST {identity}/listAssociatedResources`: one page (`top` items, sorted by name). `nextLink`, when given, is
 * POSTed as is for the next page.
 */
export function listAssociated(identityId: string, options: { top?: number; filter?: string; nextLink?: string; signal?: AbortSignal } = {}): Promise<AssociatedPage> {
  if (options.nextLink) return arm.post<AssociatedPage>(options.nextLink, undefined, { signal: options.signal });
  let path = withApiVersion(`${identityId}/listAssociatedResources`, ASSOCIATED_API_VERSION);
  if (options.top !== undefined) path += `&$top=${options.top}`;
  if (options.filter) path += `&$filter=${encodeURIComponent(options.filter)}`;
  return arm.post<AssociatedPage>(path, undefined, { signal: options.signal });
}

/** The friendly name of a host type: "Virtual machine" for Microsoft.Compute/virtualMachines, else the type. */
export function typeLabel(type: string): string {
  const known: Record<string, string> = {
    'microsoft.compute/virtualmachines': 'Virtual machine',
    'microsoft.compute/virtualmachinescalesets': 'Virtual machine scale set',
    'microsoft.web/sites': 'App Service',
  };
  return known[type.toLowerCase()] ?? type;
}

/** The filter for a name search (contains, case-insensitive on the server). */
export function nameFilter(text: string): string | undefined {
  const t = text.trim();
  return t ? `contains(name, '${t.replace(/'/g, "''")}')` : undefined;
}

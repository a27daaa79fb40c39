/**
 * An ARM request path split the way ARM reads it: an optional scope, then a provider namespace and
 * alternating type/name segments. Paths without `/providers/` belong to Microsoft.Resources
 * (`/subscriptions/{s}/resourcegroups/{rg}`, `/tenants`, ...).
 */
export interface ArmPath {
  /** Segments before the last `/providers/{namespace}`, as written. */
  scopeSegments: string[];
  subscriptionId?: string;
  resourceGroup?: string;
  /** True when the scope is a resource below a resource group (an extension resource such as identities/default). */
  scopeIsResource: boolean;
  namespace: string;
  types: string[];
  names: string[];
}

/** Collapses the leading `//` some clients send and drops a trailing slash. */
export function normalisePath(rawPath: string): string {
  let p = rawPath.replace(/^\/{2,}/, '/');
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

export function parseArmPath(path: string): ArmPath {
  const segs = path.split('/').filter((s) => s.length > 0).map(decodeSegment);
  let providersAt = -1;
  for (let i = segs.length - 2; i >= 0; i--) {
    if (segs[i].toLowerCase() === 'providers') {
      providersAt = i;
      break;
    }
  }
  if (providersAt < 0) {
    return { scopeSegments: [], scopeIsResource: false, namespace: 'Microsoft.Resources', ...pairs(segs), ...scopeOf(segs) };
  }
  const scopeSegments = segs.slice(0, providersAt);
  const scope = scopeOf(scopeSegments);
  return {
    scopeSegments,
    ...scope,
    scopeIsResource: scopeSegments.length > 4 || (scopeSegments.length > 2 && scope.resourceGroup === undefined),
    namespace: segs[providersAt + 1],
    ...pairs(segs.slice(providersAt + 2)),
  };
}

function pairs(rest: string[]): { types: string[]; names: string[] } {
  const types: string[] = [];
  const names: string[] = [];
  rest.forEach((s, i) => (i % 2 === 0 ? types : names).push(s));
  return { types, names };
}

function scopeOf(segs: string[]): { subscriptionId?: string; resourceGroup?: string } {
  if (segs[0]?.toLowerCase() !== 'subscriptions' || segs.length < 2) return {};
  const resourceGroup = segs[2]?.toLowerCase() === 'resourcegroups' && segs.length >= 4 ? segs[3] : undefined;
  return { subscriptionId: segs[1], resourceGroup };
}

function decodeSegment(s: string): string {
  if (!s.includes('%')) return s;
  try {
    // An escaped '/' stays escaped, so a name can never spell out the path of another resource.
    return decodeURIComponent(s.replace(/%2f/gi, '%252F'));
  } catch {
    return s;
  }
}

/** ARM compares ids case-insensitively; this is the form used as a key. */
export function idKey(id: string): string {
  return id.toLowerCase();
}

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

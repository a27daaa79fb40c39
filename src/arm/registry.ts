import type { ArmPath } from './path.js';
import type { ArmHandler, ResourceTypeDef, ScopeKind } from './types.js';
import { armErrors } from './errors.js';

export type RouteMatch =
  | { kind: 'item'; def: ResourceTypeDef }
  | { kind: 'collection'; def: ResourceTypeDef }
  | { kind: 'action'; def: ResourceTypeDef; action: string; handler: ArmHandler };

/** Resource types by lower-cased full type, and the lookup that turns a parsed path into a handler. */
export class TypeRegistry {
  private readonly byType = new Map<string, ResourceTypeDef>();
  private readonly namespaces = new Set<string>();

  constructor(defs: ResourceTypeDef[]) {
    for (const def of defs) {
      this.byType.set(def.type.toLowerCase(), def);
      this.namespaces.add(def.type.split('/')[0].toLowerCase());
    }
  }

  all(): ResourceTypeDef[] {
    return [...this.byType.values()];
  }

  match(path: ArmPath): RouteMatch | undefined {
    const typeName = (types: string[]) => `${path.namespace}/${types.join('/')}`.toLowerCase();
    const scope = scopeKindOf(path);
    const fits = (def: ResourceTypeDef | undefined, collection = false): def is ResourceTypeDef => {
      const scopes = (collection && def?.collectionScopes) || def?.scopes || [];
      return scopes.includes(scope) || scopes.includes('any');
    };
    if (path.types.length === 0) return undefined;
    const def = this.byType.get(typeName(path.types));
    if (path.names.length === path.types.length && fits(def) && def.item) return { kind: 'item', def };
    if (path.names.length === path.types.length - 1) {
      if (fits(def, true) && def.collection) return { kind: 'collection', def };
      const parent = this.byType.get(typeName(path.types.slice(0, -1)));
      const action = path.types[path.types.length - 1].toLowerCase();
      const handler = parent?.actions?.[action];
      if (fits(parent) && handler) return { kind: 'action', def: parent, action, handler };
    }
    return undefined;
  }

  /** The error ARM gives for a path no type claims: unknown namespace, or unknown type within one. */
  unmatched(path: ArmPath, apiVersion: string | undefined): Error {
    const ns = path.namespace.toLowerCase();
    if (!this.namespaces.has(ns)) return armErrors.invalidResourceNamespace(path.namespace);
    const siblings = this.all().filter((d) => d.type.toLowerCase().startsWith(`${ns}/`));
    return armErrors.invalidResourceType(path.types.join('/'), path.namespace, apiVersion ?? '', siblings[0]?.apiVersions ?? []);
  }
}

export function scopeKindOf(path: ArmPath): ScopeKind {
  if (path.scopeSegments.length === 0) return 'tenant';
  if (path.scopeIsResource) return 'resource';
  if (path.resourceGroup !== undefined) return 'resourceGroup';
  if (path.subscriptionId !== undefined && path.scopeSegments.length === 2) return 'subscription';
  return 'resource';
}

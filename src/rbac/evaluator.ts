import type { Db } from '../store/resources.js';
import { settingsStore } from '../store/settings.js';
import { CONVERGENCE_MS } from '../store/convergence.js';
import { RBAC_VERSION_SETTING, roleAssignmentStore, roleGuidOf, type RoleAssignmentRow } from '../store/roleAssignments.js';
import { roleDefinitionStore, type RoleDefinitionRow } from '../store/roleDefinitions.js';
import { permissionAllows } from './actionMatch.js';
import { BUILT_IN_BY_ID, type Permission, type RoleDefinition } from './builtInRoles.js';

export type RbacMode = 'enforce' | 'bypass';

/** One assignment as the evaluator holds it. */
export interface AssignmentEntry {
  id: string;
  name: string;
  scope: string;
  scopeKey: string;
  principalId: string;
  roleDefinitionId: string;
  roleGuid: string;
}

/** An assignment that grants an action, with its role. */
export interface Decision {
  allowed: boolean;
  deciding: { assignment: AssignmentEntry; role: RoleDefinition }[];
  /** Assignments of the principal that apply at the scope but whose roles do not grant the action. */
  considered: { assignment: AssignmentEntry; role: RoleDefinition | undefined }[];
}

/** How often a node asks the database whether assignments changed elsewhere (another node on one PostgreSQL). */
export const RBAC_REFRESH_MS = CONVERGENCE_MS;

/** Whether an assignment at `assignmentScopeKey` applies to `scopeKey` (at or above it). Both lower-cased. */
export function scopeCovers(assignmentScopeKey: string, scopeKey: string): boolean {
  if (assignmentScopeKey === '/' || assignmentScopeKey === scopeKey) return true;
  return scopeKey.startsWith(assignmentScopeKey) && scopeKey.charAt(assignmentScopeKey.length) === '/';
}

export function customRoleOf(row: RoleDefinitionRow): RoleDefinition {
  return {
    id: row.id,
    roleName: row.role_name,
    description: row.description,
    roleType: 'CustomRole',
    permissions: JSON.parse(row.permissions),
    assignableScopes: JSON.parse(row.assignable_scopes),
    scope: row.scope,
    createdOn: row.created_at,
    updatedOn: row.changed_at,
    createdBy: row.created_by,
    updatedBy: row.changed_by,
  };
}

function entryOf(row: RoleAssignmentRow): AssignmentEntry {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    scopeKey: row.scope_key,
    principalId: row.principal_id.toLowerCase(),
    roleDefinitionId: row.role_definition_id,
    roleGuid: roleGuidOf(row.role_definition_id),
  };
}

/**
 * Answers RBAC questions from memory: assignments by principal and role definitions by id. The index is
 * reloaded when the `rbacVersion` settings row changes, which every assignment and definition write does
 * in its own transaction; the row is read at most every CONVERGENCE_MS, and at once after a write on this node.
 */
export class RbacEvaluator {
  private byPrincipal = new Map<string, AssignmentEntry[]>();
  private customRoles = new Map<string, RoleDefinition>();
  private version: string | undefined;
  private loaded = false;
  private lastCheck = 0;
  private dirtyGen = 0;
  private cleanGen = -1;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    readonly mode: RbacMode = 'enforce',
  ) {}

  /** A write on this node committed: the next question reads the version again. */
  markDirty(): void {
    this.dirtyGen++;
  }

  async ensureFresh(): Promise<void> {
    while (this.cleanGen < this.dirtyGen || Date.now() - this.lastCheck >= RBAC_REFRESH_MS) {
      this.inflight ??= this.refresh().finally(() => (this.inflight = undefined));
      await this.inflight;
    }
  }

  private async refresh(): Promise<void> {
    const gen = this.dirtyGen;
    const version = await settingsStore.get(this.db, RBAC_VERSION_SETTING);
    if (!this.loaded || version !== this.version) {
      // Version first, rows second: a write in between leaves a newer index under an older version, reloaded next time.
      const [assignments, definitions] = await Promise.all([roleAssignmentStore.all(this.db), roleDefinitionStore.all(this.db)]);
      const byPrincipal = new Map<string, AssignmentEntry[]>();
      for (const row of assignments) {
        const e = entryOf(row);
        const list = byPrincipal.get(e.principalId);
        if (list) list.push(e);
        else byPrincipal.set(e.principalId, [e]);
      }
      this.byPrincipal = byPrincipal;
      this.customRoles = new Map(definitions.map((d) => [d.id, customRoleOf(d)]));
      this.version = version;
      this.loaded = true;
    }
    this.lastCheck = Date.now();
    this.cleanGen = gen;
  }

  role(guid: string): RoleDefinition | undefined {
    const id = guid.toLowerCase();
    return BUILT_IN_BY_ID.get(id) ?? this.customRoles.get(id);
  }

  customRoleList(): RoleDefinition[] {
    return [...this.customRoles.values()];
  }

  assignmentsOf(principalId: string): readonly AssignmentEntry[] {
    return this.byPrincipal.get(principalId.toLowerCase()) ?? [];
  }

  /** The principal's assignments at the scope or above it. */
  applicable(principalId: string, scope: string): AssignmentEntry[] {
    const key = scope.toLowerCase();
    return this.assignmentsOf(principalId).filter((a) => scopeCovers(a.scopeKey, key));
  }

  allows(principalId: string, action: string, scope: string): boolean {
    const key = scope.toLowerCase();
    for (const a of this.assignmentsOf(principalId)) {
      if (!scopeCovers(a.scopeKey, key)) continue;
      const role = this.role(a.roleGuid);
      if (role?.permissions.some((p) => permissionAllows(p, action))) return true;
    }
    return false;
  }

  decide(principalId: string, action: string, scope: string): Decision {
    const decision: Decision = { allowed: false, deciding: [], considered: [] };
    for (const assignment of this.applicable(principalId, scope)) {
      const role = this.role(assignment.roleGuid);
      if (role && role.permissions.some((p) => permissionAllows(p, action))) decision.deciding.push({ assignment, role });
      else decision.considered.push({ assignment, role });
    }
    decision.allowed = decision.deciding.length > 0;
    return decision;
  }

  /** Whether some assignment strictly below the scope grants the action (a list then shows what it covers). */
  allowsBelow(principalId: string, action: string, scope: string): boolean {
    const key = scope.toLowerCase();
    return this.assignmentsOf(principalId).some((a) => {
      if (a.scopeKey === key || !scopeCovers(key, a.scopeKey)) return false;
      return this.role(a.roleGuid)?.permissions.some((p) => permissionAllows(p, action)) ?? false;
    });
  }

  /** Whether the principal holds any role at, above or below the scope (what makes a subscription visible). */
  touches(principalId: string, scope: string): boolean {
    const key = scope.toLowerCase();
    return this.assignmentsOf(principalId).some((a) => scopeCovers(a.scopeKey, key) || scopeCovers(key, a.scopeKey));
  }

  /** The permission blocks of the roles the principal holds at the scope or above. */
  permissionsAt(principalId: string, scope: string): Permission[] {
    const seen = new Set<string>();
    const out: Permission[] = [];
    for (const a of this.applicable(principalId, scope)) {
      if (seen.has(a.roleGuid)) continue;
      seen.add(a.roleGuid);
      const role = this.role(a.roleGuid);
      if (role) out.push(...role.permissions.map((p) => ({ actions: [...p.actions], notActions: [...p.notActions], dataActions: [...p.dataActions], notDataActions: [...p.notDataActions] })));
    }
    return out;
  }
}

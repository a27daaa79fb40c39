import type { CliContext } from '../../runtime/context.js';
import { CliError, ServiceError } from '../../runtime/errors.js';
import { GUID } from '../shared/jsonArg.js';

export type PrincipalType = 'User' | 'ServicePrincipal' | 'Group';

export interface ResolvedPrincipal {
  objectId: string;
  principalType: PrincipalType | undefined;
}

const PRINCIPAL_TYPE_OF_ODATA: Record<string, PrincipalType> = {
  '#microsoft.graph.user': 'User',
  '#microsoft.graph.servicePrincipal': 'ServicePrincipal',
  '#microsoft.graph.group': 'Group',
};

const quote = (s: string) => s.replace(/'/g, "''");

/** `POST /directoryObjects/getByIds` as az sends it: the objects of those ids that exist, each with `@odata.type`. */
export async function objectStubs(ctx: CliContext, ids: string[]): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const reply = await ctx.graph().call('POST', '/directoryObjects/getByIds', { body: { ids: ids.slice(i, i + 1000), types: ['user', 'group', 'servicePrincipal', 'directoryObjectPartnerReference'] } });
    out.push(...(((reply.body as { value?: Record<string, unknown>[] })?.value) ?? []));
  }
  return out;
}

/** What az lists as an assignment's principalName: the UPN of a user, the first service principal name, else the display name. */
export function displayableName(o: Record<string, unknown>): string {
  if (typeof o.userPrincipalName === 'string') return o.userPrincipalName;
  if (Array.isArray(o.servicePrincipalNames) && typeof o.servicePrincipalNames[0] === 'string') return o.servicePrincipalNames[0];
  return typeof o.displayName === 'string' ? o.displayName : '';
}

async function graphList(ctx: CliContext, path: string, filter: string): Promise<Record<string, unknown>[]> {
  return (await ctx.graph().listAll(path, { query: { $filter: filter } })) as Record<string, unknown>[];
}

/**
 * az's `_resolve_object_id_and_type`: a user by UPN (when the name has an `@`), a service principal by one of its
 * names (its appId, a managed identity's ARM id), an object id checked through getByIds. Beyond az: a service
 * principal (a managed identity among them) by its display name when exactly one has it.
 * When Graph itself fails, a GUID is taken as the object id with no type, as az does (with its warnings).
 */
export async function resolveAssignee(ctx: CliContext, assignee: string): Promise<ResolvedPrincipal> {
  try {
    if (assignee.includes('@')) {
      const users = await graphList(ctx, '/users', `userPrincipalName eq '${quote(assignee)}'`);
      if (users.length) return { objectId: String(users[0].id), principalType: 'User' };
    }
    const byName = await graphList(ctx, '/servicePrincipals', `servicePrincipalNames/any(c:c eq '${quote(assignee)}')`);
    if (byName.length) return { objectId: String(byName[0].id), principalType: 'ServicePrincipal' };
    if (GUID.test(assignee)) {
      const stubs = await objectStubs(ctx, [assignee]);
      if (stubs.length) return { objectId: String(stubs[0].id), principalType: PRINCIPAL_TYPE_OF_ODATA[String(stubs[0]['@odata.type'])] };
    }
    const byDisplayName = await graphList(ctx, '/servicePrincipals', `displayName eq '${quote(assignee)}'`);
    if (byDisplayName.length === 1) return { objectId: String(byDisplayName[0].id), principalType: 'ServicePrincipal' };
    if (byDisplayName.length > 1) {
      throw new CliError(`More than one service principal has the display name '${assignee}': ${byDisplayName.map((s) => `${String(s.id)} (appId ${String(s.appId)})`).join(', ')}. Use the appId or object id.`);
    }
    throw new CliError(
      `Cannot find user or service principal in graph database for '${assignee}'. If the assignee is an appId, make sure the corresponding service principal is created with 'amity ad sp create --id ${assignee}'.`,
    );
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    ctx.warn(`Failed to query ${assignee} by invoking Graph API. If you don't have permission to query Graph API, please specify --assignee-object-id and --assignee-principal-type.`);
    if (GUID.test(assignee)) {
      ctx.warn(`Assuming ${assignee} as an object ID.`);
      return { objectId: assignee, principalType: undefined };
    }
    throw e;
  }
}

/** az's `_get_principal_type_from_object_id`: the type of an object id, or undefined when Graph cannot say. */
export async function principalTypeOf(ctx: CliContext, objectId: string): Promise<PrincipalType | undefined> {
  try {
    const stubs = await objectStubs(ctx, [objectId]);
    return stubs.length ? PRINCIPAL_TYPE_OF_ODATA[String(stubs[0]['@odata.type'])] : undefined;
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    ctx.warn(`Failed to query --assignee-principal-type for --assignee-object-id ${objectId} by invoking Graph API.`);
    return undefined;
  }
}

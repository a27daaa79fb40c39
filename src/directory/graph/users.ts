import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../server/context.js';
import { directoryObjectStore, type DirectoryPrincipal } from '../../store/directoryObjects.js';
import { isUniqueViolation } from '../../arm/trackedResource.js';
import { createUser } from '../users.js';
import { hashPassword } from '../secrets.js';
import crypto from 'node:crypto';
import { graphErrors } from './errors.js';
import { GUID_PATTERN, graphBase, graphCaller, listResponse, objectBody, requireDirectoryWrite, selectProperties, queryOf, sendGraph } from './request.js';

/** A user as Graph v1.0 returns it by default (plus accountEnabled). */
export function serializeUser(row: DirectoryPrincipal): Record<string, unknown> {
  return {
    id: row.object_id,
    businessPhones: [],
    displayName: row.display_name,
    givenName: null,
    jobTitle: null,
    mail: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: null,
    userPrincipalName: row.user_principal_name,
    accountEnabled: row.account_enabled !== 0,
  };
}

const FILTERABLE = new Set(['id', 'displayName', 'userPrincipalName', 'accountEnabled', 'mail', 'givenName', 'surname']);

/** A user by object id or userPrincipalName (`/users/{id | upn}`, or `/users('{upn}')` for names starting with `$`). */
export async function findUser(server: ServerContext, idOrUpn: string): Promise<DirectoryPrincipal> {
  const key = /^\('(.*)'\)$/.exec(idOrUpn)?.[1] ?? idOrUpn;
  let row: DirectoryPrincipal | undefined;
  if (key.includes('@')) row = await directoryObjectStore.userByPrincipalName(server.database.db, server.tenantId, key);
  else if (GUID_PATTERN.test(key)) {
    row = await directoryObjectStore.byObjectId(server.database.db, server.tenantId, key);
    if (row?.kind !== 'User') row = undefined;
  }
  if (!row) throw graphErrors.notFound(key);
  return row;
}

function requiredString(body: Record<string, any>, name: string): string {
  const v = body[name];
  if (v === undefined || v === null || v === '') throw graphErrors.propertyRequired(name);
  if (typeof v !== 'string') throw graphErrors.invalidValue(name);
  return v;
}

function validUpn(upn: string): string {
  if (!/^[^@\s]+@[^@\s]+$/.test(upn)) throw graphErrors.badRequest(`Invalid value specified for property 'userPrincipalName' of resource 'User'.`);
  return upn;
}

export function registerUserRoutes(graph: FastifyInstance, server: ServerContext): void {
  const db = () => server.database.db;

  graph.get('/v1.0/users', async (req, reply) => {
    await graphCaller(server, req);
    const rows = await directoryObjectStore.list(db(), server.tenantId, ['User']);
    return sendGraph(reply, 200, listResponse(server, req, 'users', rows.map(serializeUser), FILTERABLE));
  });

  graph.post('/v1.0/users', async (req, reply) => {
    const caller = await graphCaller(server, req);
    await requireDirectoryWrite(server, caller, 'microsoft.directory/users/create');
    const body = objectBody(req);
    const displayName = requiredString(body, 'displayName');
    const userPrincipalName = validUpn(requiredString(body, 'userPrincipalName'));
    const profile = body.passwordProfile;
    if (!profile || typeof profile !== 'object') throw graphErrors.propertyRequired('passwordProfile');
    if (typeof profile.password !== 'string' || !profile.password) throw graphErrors.propertyRequired('passwordProfile.password');
    if (body.accountEnabled !== undefined && typeof body.accountEnabled !== 'boolean') throw graphErrors.invalidValue('accountEnabled');
    if (await directoryObjectStore.userByPrincipalName(db(), server.tenantId, userPrincipalName)) throw graphErrors.alreadyExists('userPrincipalName');
    let row;
    try {
      row = await createUser(db(), server.tenantId, { userPrincipalName, displayName, password: profile.password, accountEnabled: body.accountEnabled });
    } catch (e) {
      if (isUniqueViolation(e)) throw graphErrors.alreadyExists('userPrincipalName');
      throw e;
    }
    reply.header('location', `${graphBase(server)}/directoryObjects/${row.object_id}/Microsoft.DirectoryServices.User`);
    return sendGraph(reply, 201, { '@odata.context': `${graphBase(server)}/$metadata#users/$entity`, ...serializeUser({ ...row, resource_id: null }) });
  });

  graph.get('/v1.0/users/:id', async (req, reply) => {
    await graphCaller(server, req);
    const row = await findUser(server, (req.params as { id: string }).id);
    return sendGraph(reply, 200, { '@odata.context': `${graphBase(server)}/$metadata#users/$entity`, ...selectProperties(serializeUser(row), queryOf(req).$select) });
  });

  graph.patch('/v1.0/users/:id', async (req, reply) => {
    const caller = await graphCaller(server, req);
    await requireDirectoryWrite(server, caller, 'microsoft.directory/users/basic/update');
    const row = await findUser(server, (req.params as { id: string }).id);
    const body = objectBody(req);
    const changes: { display_name?: string; user_principal_name?: string; account_enabled?: number } = {};
    if (body.displayName !== undefined) changes.display_name = requiredString(body, 'displayName');
    if (body.accountEnabled !== undefined) {
      if (typeof body.accountEnabled !== 'boolean') throw graphErrors.invalidValue('accountEnabled');
      changes.account_enabled = body.accountEnabled ? 1 : 0;
    }
    if (body.userPrincipalName !== undefined) {
      const upn = validUpn(requiredString(body, 'userPrincipalName')).toLowerCase();
      const other = await directoryObjectStore.userByPrincipalName(db(), server.tenantId, upn);
      if (other && other.object_id !== row.object_id) throw graphErrors.alreadyExists('userPrincipalName');
      changes.user_principal_name = upn;
    }
    let passwordHash: string | undefined;
    if (body.passwordProfile !== undefined) {
      const password = body.passwordProfile?.password;
      if (password !== undefined) {
        if (typeof password !== 'string' || !password) throw graphErrors.invalidValue('passwordProfile');
        await requireDirectoryWrite(server, caller, 'microsoft.directory/users/password/update');
        passwordHash = await hashPassword(password);
      }
    }
    try {
      await db().transaction().execute(async (trx) => {
        await directoryObjectStore.updateUser(trx, row.object_id, changes);
        if (passwordHash) {
          // A new password replaces the old one.
          await directoryObjectStore.deleteCredentials(trx, row.object_id, 'password');
          await trx
            .insertInto('credentials')
            .values({ id: crypto.randomUUID(), principal_id: row.object_id, secret_hash: passwordHash, hint: '', created_at: new Date().toISOString(), expires_at: null, kind: 'password' })
            .execute();
        }
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw graphErrors.alreadyExists('userPrincipalName');
      throw e;
    }
    return sendGraph(reply, 204);
  });

  graph.delete('/v1.0/users/:id', async (req, reply) => {
    const caller = await graphCaller(server, req);
    await requireDirectoryWrite(server, caller, 'microsoft.directory/users/delete');
    const row = await findUser(server, (req.params as { id: string }).id);
    await db().transaction().execute((trx) => directoryObjectStore.deletePrincipal(trx, row.object_id));
    return sendGraph(reply, 204);
  });
}

import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Selectable } from 'kysely';
import type { ServerContext } from '../../server/context.js';
import type { CredentialsTable } from '../../store/schema.js';
import { applicationStore, type ApplicationRow } from '../../store/applications.js';
import { directoryObjectStore, type DirectoryPrincipal } from '../../store/directoryObjects.js';
import { principalStore } from '../../store/principals.js';
import { settingsStore } from '../../store/settings.js';
import { isUniqueViolation } from '../../arm/trackedResource.js';
import { graphErrors } from './errors.js';
import { registerPasswordRoutes } from './passwordRoutes.js';
import { passwordCredential } from './passwords.js';
import { graphBase, graphCaller, listResponse, objectBody, queryOf, requireDirectoryWrite, selectProperties, sendGraph } from './request.js';

/** The tenant Entra shows as the owner of managed identities' applications (Microsoft Services). */
const MANAGED_IDENTITY_OWNER_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

export const SERVICE_PRINCIPAL_KINDS = ['ServicePrincipal', 'ManagedIdentity'];

/**
 * A service principal as Graph v1.0 returns it: an application's (servicePrincipalType "Application"), the
 * bootstrap administrator's, or a managed identity's (servicePrincipalType "ManagedIdentity", with the identity's
 * ARM id among its names, as Entra has it).
 */
export function serializeServicePrincipal(
  server: ServerContext,
  row: DirectoryPrincipal,
  app: ApplicationRow | undefined,
  secrets: Selectable<CredentialsTable>[],
): Record<string, unknown> {
  const managed = row.kind === 'ManagedIdentity';
  const resourceId = managed ? (row.resource_id ?? row.resource_key) : null;
  return {
    id: row.object_id,
    deletedDateTime: null,
    accountEnabled: row.account_enabled !== 0,
    alternativeNames: managed && resourceId ? ['isExplicit=True', resourceId] : [],
    appDisplayName: managed ? null : (app?.display_name ?? row.display_name),
    appDescription: null,
    appId: row.app_id,
    applicationTemplateId: null,
    appOwnerOrganizationId: managed ? MANAGED_IDENTITY_OWNER_TENANT : server.tenantId,
    appRoleAssignmentRequired: false,
    createdDateTime: row.created_at,
    description: null,
    disabledByMicrosoftStatus: null,
    displayName: row.display_name,
    homepage: null,
    loginUrl: null,
    logoutUrl: null,
    notes: null,
    notificationEmailAddresses: [],
    preferredSingleSignOnMode: null,
    preferredTokenSigningKeyThumbprint: null,
    replyUrls: [],
    servicePrincipalNames: managed && resourceId ? [row.app_id, resourceId] : [row.app_id],
    servicePrincipalType: managed ? 'ManagedIdentity' : 'Application',
    signInAudience: managed ? null : 'AzureADMyOrg',
    tags: [],
    tokenEncryptionKeyId: null,
    samlSingleSignOnSettings: null,
    addIns: [],
    appRoles: [],
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    keyCredentials: [],
    oauth2PermissionScopes: [],
    passwordCredentials: secrets.map((s) => passwordCredential(s)),
    resourceSpecificApplicationPermissions: [],
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
  };
}

export async function serializeServicePrincipals(server: ServerContext, rows: DirectoryPrincipal[]): Promise<Record<string, unknown>[]> {
  const db = server.database.db;
  const [secrets, apps] = await Promise.all([directoryObjectStore.secretsOf(db, rows.map((r) => r.object_id)), applicationStore.list(db, server.tenantId)]);
  const appsById = new Map(apps.map((a) => [a.app_id, a]));
  return rows.map((r) => serializeServicePrincipal(server, r, r.app_id ? appsById.get(r.app_id) : undefined, secrets.filter((s) => s.principal_id === r.object_id)));
}

const FILTERABLE = new Set(['id', 'appId', 'displayName', 'servicePrincipalNames', 'servicePrincipalType', 'accountEnabled', 'alternativeNames', 'appOwnerOrganizationId', 'tags']);

async function findServicePrincipal(server: ServerContext, objectId: string): Promise<DirectoryPrincipal> {
  const row = await directoryObjectStore.byObjectId(server.database.db, server.tenantId, objectId);
  if (!row || !SERVICE_PRINCIPAL_KINDS.includes(row.kind)) throw graphErrors.notFound(objectId);
  return row;
}

/** Managed identities' service principals live and die with the identity resource (ARM), not through Graph. */
async function findWritable(server: ServerContext, objectId: string): Promise<DirectoryPrincipal> {
  const row = await findServicePrincipal(server, objectId);
  if (row.kind === 'ManagedIdentity') throw graphErrors.managedIdentityReadOnly(row.object_id);
  return row;
}

export function registerServicePrincipalRoutes(graph: FastifyInstance, server: ServerContext): void {
  const db = () => server.database.db;
  const id = (req: { params: unknown }) => (req.params as { id: string }).id;
  const entity = (req: FastifyRequest, object: Record<string, unknown>) => ({
    '@odata.context': `${graphBase(server)}/$metadata#servicePrincipals/$entity`,
    ...selectProperties(object, queryOf(req).$select),
  });

  graph.get('/v1.0/servicePrincipals', async (req, reply) => {
    await graphCaller(server, req);
    const rows = await directoryObjectStore.list(db(), server.tenantId, SERVICE_PRINCIPAL_KINDS);
    return sendGraph(reply, 200, listResponse(server, req, 'servicePrincipals', await serializeServicePrincipals(server, rows), FILTERABLE));
  });

  graph.post('/v1.0/servicePrincipals', async (req, reply) => {
    const caller = await graphCaller(server, req);
    await requireDirectoryWrite(server, caller, 'microsoft.directory/servicePrincipals/create');
    const body = objectBody(req);
    if (typeof body.appId !== 'string' || !body.appId) throw graphErrors.propertyRequired('appId');
    if (body.accountEnabled !== undefined && typeof body.accountEnabled !== 'boolean') throw graphErrors.invalidValue('accountEnabled');
    const app = await applicationStore.byAppId(db(), body.appId);
    if (!app || app.tenant_id !== server.tenantId) throw graphErrors.appNotFound(body.appId);
    if (await principalStore.byAppId(db(), app.app_id)) throw graphErrors.spExists();
    const objectId = crypto.randomUUID();
    try {
      await principalStore.insert(db(), {
        object_id: objectId,
        tenant_id: server.tenantId,
        kind: 'ServicePrincipal',
        app_id: app.app_id,
        display_name: app.display_name,
        resource_key: null,
        created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        account_enabled: body.accountEnabled === false ? 0 : 1,
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw graphErrors.spExists();
      throw e;
    }
    const row = await findServicePrincipal(server, objectId);
    reply.header('location', `${graphBase(server)}/directoryObjects/${objectId}/Microsoft.DirectoryServices.ServicePrincipal`);
    return sendGraph(reply, 201, entity(req, serializeServicePrincipal(server, row, app, [])));
  });

  graph.get('/v1.0/servicePrincipals/:id', async (req, reply) => {
    await graphCaller(server, req);
    const [object] = await serializeServicePrincipals(server, [await findServicePrincipal(server, id(req))]);
    return sendGraph(reply, 200, entity(req, object));
  });

  graph.delete('/v1.0/servicePrincipals/:id', async (req, reply) => {
    const caller = await graphCaller(server, req);
    await requireDirectoryWrite(server, caller, 'microsoft.directory/servicePrincipals/delete');
    const row = await findWritable(server, id(req));
    // The bootstrap administrator is the way into a fresh server: removing it would lock everyone out.
    if (row.object_id === (await settingsStore.get(db(), 'adminObjectId'))) {
      throw graphErrors.badRequest("The bootstrap administrator's service principal can't be deleted.");
    }
    await db().transaction().execute((trx) => directoryObjectStore.deletePrincipal(trx, row.object_id));
    return sendGraph(reply, 204);
  });

  registerPasswordRoutes(graph, server, 'servicePrincipals', findWritable);
}

import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Selectable } from 'kysely';
import type { ServerContext } from '../../server/context.js';
import type { CredentialsTable } from '../../store/schema.js';
import { applicationStore, type ApplicationRow } from '../../store/applications.js';
import { directoryObjectStore } from '../../store/directoryObjects.js';
import { graphErrors } from './errors.js';
import { registerPasswordRoutes } from './passwordRoutes.js';
import { passwordCredential } from './passwords.js';
import { graphBase, graphCaller, listResponse, objectBody, queryOf, requireDirectoryWrite, selectProperties, sendGraph } from './request.js';

/** An application as Graph v1.0 returns it. Amity keeps the display name and the secrets; the rest are Graph's defaults. */
export function serializeApplication(row: ApplicationRow, secrets: Selectable<CredentialsTable>[]): Record<string, unknown> {
  return {
    id: row.object_id,
    deletedDateTime: null,
    appId: row.app_id,
    applicationTemplateId: null,
    disabledByMicrosoftStatus: null,
    createdDateTime: row.created_at,
    displayName: row.display_name,
    description: null,
    groupMembershipClaims: null,
    identifierUris: [],
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: null,
    notes: null,
    publisherDomain: null,
    serviceManagementReference: null,
    signInAudience: 'AzureADMyOrg',
    tags: [],
    tokenEncryptionKeyId: null,
    defaultRedirectUri: null,
    certification: null,
    optionalClaims: null,
    addIns: [],
    api: { acceptMappedClaims: null, knownClientApplications: [], requestedAccessTokenVersion: null, oauth2PermissionScopes: [], preAuthorizedApplications: [] },
    appRoles: [],
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    keyCredentials: [],
    parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: 'Allow' },
    passwordCredentials: secrets.map((s) => passwordCredential(s)),
    publicClient: { redirectUris: [] },
    requiredResourceAccess: [],
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    web: { homePageUrl: null, logoutUrl: null, redirectUris: [], implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false } },
    spa: { redirectUris: [] },
  };
}

const FILTERABLE = new Set(['id', 'appId', 'displayName', 'identifierUris', 'signInAudience', 'createdDateTime']);

export async function serializeApplications(server: ServerContext, rows: ApplicationRow[]): Promise<Record<string, unknown>[]> {
  const secrets = await directoryObjectStore.secretsOf(server.database.db, rows.map((r) => r.object_id));
  return rows.map((r) => serializeApplication(r, secrets.filter((s) => s.principal_id === r.object_id)));
}

/** An application by object id (`/applications/{id}`). */
async function findApplication(server: ServerContext, objectId: string): Promise<ApplicationRow> {
  const row = await applicationStore.byObjectId(server.database.db, server.tenantId, objectId);
  if (!row) throw graphErrors.notFound(objectId);
  return row;
}

function displayNameOf(body: Record<string, any>, required: boolean): string | undefined {
  const v = body.displayName;
  if (v === undefined || v === null || v === '') {
    if (required) throw graphErrors.propertyRequired('displayName');
    return undefined;
  }
  if (typeof v !== 'string') throw graphErrors.invalidValue('displayName');
  return v;
}

/** Properties Amity does not keep: refused rather than silently dropped when they carry a value. */
function refuseUnsupported(body: Record<string, any>): void {
  const k = body.keyCredentials;
  if (Array.isArray(k) && k.length) throw graphErrors.badRequest('Certificate credentials (keyCredentials) are not supported by Amity; use addPassword.');
}

export function registerApplicationRoutes(graph: FastifyInstance, server: ServerContext): void {
  const db = () => server.database.db;
  const id = (req: { params: unknown }) => (req.params as { id: string }).id;

  graph.get('/v1.0/applications', async (req, reply) => {
    await graphCaller(server, req);
    const rows = await applicationStore.list(db(), server.tenantId);
    return sendGraph(reply, 200, listResponse(server, req, 'applications', await serializeApplications(server, rows), FILTERABLE));
  });

  graph.post('/v1.0/applications', async (req, reply) => {
    const caller = await graphCaller(server, req);
    await requireDirectoryWrite(server, caller, 'microsoft.directory/applications/create');
    const body = objectBody(req);
    const displayName = displayNameOf(body, true)!;
    refuseUnsupported(body);
    const row: ApplicationRow = { object_id: crypto.randomUUID(), tenant_id: server.tenantId, app_id: crypto.randomUUID(), display_name: displayName, created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    await applicationStore.insert(db(), row);
    reply.header('location', `${graphBase(server)}/directoryObjects/${row.object_id}/Microsoft.DirectoryServices.Application`);
    return sendGraph(reply, 201, { '@odata.context': `${graphBase(server)}/$metadata#applications/$entity`, ...serializeApplication(row, []) });
  });

  graph.get('/v1.0/applications/:id', async (req, reply) => {
    await graphCaller(server, req);
    const row = await findApplication(server, id(req));
    const [object] = await serializeApplications(server, [row]);
    return sendGraph(reply, 200, { '@odata.context': `${graphBase(server)}/$metadata#applications/$entity`, ...selectProperties(object, queryOf(req).$select) });
  });

  graph.patch('/v1.0/applications/:id', async (req, reply) => {
    const caller = await graphCaller(server, req);
    await requireDirectoryWrite(server, caller, 'microsoft.directory/applications/basic/update');
    const row = await findApplication(server, id(req));
    const body = objectBody(req);
    refuseUnsupported(body);
    const displayName = displayNameOf(body, false);
    if (displayName !== undefined) await applicationStore.setDisplayName(db(), row.object_id, displayName);
    return sendGraph(reply, 204);
  });

  graph.delete('/v1.0/applications/:id', async (req, reply) => {
    const caller = await graphCaller(server, req);
    await requireDirectoryWrite(server, caller, 'microsoft.directory/applications/delete');
    const row = await findApplication(server, id(req));
    // As in Entra, deleting the application deletes its service principal in the home tenant (and so its sign-ins).
    await db().transaction().execute(async (trx) => {
      const sp = await trx.selectFrom('principals').select('object_id').where('app_id', '=', row.app_id).where('kind', '=', 'ServicePrincipal').executeTakeFirst();
      if (sp) await directoryObjectStore.deletePrincipal(trx, sp.object_id);
      await applicationStore.delete(trx, row.object_id);
    });
    return sendGraph(reply, 204);
  });

  registerPasswordRoutes(graph, server, 'applications', findApplication);
}

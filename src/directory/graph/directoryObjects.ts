import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../server/context.js';
import { applicationStore } from '../../store/applications.js';
import { directoryObjectStore } from '../../store/directoryObjects.js';
import { graphErrors } from './errors.js';
import { serializeApplications } from './applications.js';
import { graphBase, graphCaller, objectBody, sendGraph } from './request.js';
import { serializeServicePrincipals } from './servicePrincipals.js';
import { serializeUser } from './users.js';

const TYPE_OF_KIND: Record<string, string> = { User: 'user', ServicePrincipal: 'servicePrincipal', ManagedIdentity: 'servicePrincipal' };
const MAX_IDS = 1000;

/**
 * `POST /directoryObjects/getByIds`: users, service principals (managed identities among them) and applications
 * by object id, each with its `@odata.type`, in the order asked; `types` narrows the kinds, unknown ids are left out.
 */
export function registerDirectoryObjectRoutes(graph: FastifyInstance, server: ServerContext): void {
  graph.post('/v1.0/directoryObjects/getByIds', async (req, reply) => {
    await graphCaller(server, req);
    const body = objectBody(req);
    if (!Array.isArray(body.ids) || !body.ids.every((i: unknown) => typeof i === 'string')) throw graphErrors.propertyRequired('ids');
    if (body.ids.length > MAX_IDS) throw graphErrors.badRequest(`Too many ids: at most ${MAX_IDS} are allowed.`);
    if (body.types !== undefined && (!Array.isArray(body.types) || !body.types.every((t: unknown) => typeof t === 'string'))) throw graphErrors.invalidValue('types');
    const types: Set<string> | undefined = body.types?.length ? new Set((body.types as string[]).map((t) => t.toLowerCase().replace(/^#?microsoft\.graph\./, ''))) : undefined;
    const wanted = (type: string) => !types || types.has(type.toLowerCase());
    const ids = (body.ids as string[]).map((i) => i.toLowerCase());
    const db = server.database.db;

    const found = new Map<string, Record<string, unknown>>();
    const principals = await directoryObjectStore.byObjectIds(db, server.tenantId, ids);
    const users = principals.filter((p) => p.kind === 'User' && wanted('user'));
    const sps = principals.filter((p) => TYPE_OF_KIND[p.kind] === 'servicePrincipal' && wanted('servicePrincipal'));
    for (const u of users) found.set(u.object_id, { '@odata.type': '#microsoft.graph.user', ...serializeUser(u) });
    for (const sp of await serializeServicePrincipals(server, sps)) found.set(String(sp.id), { '@odata.type': '#microsoft.graph.servicePrincipal', ...sp });
    if (wanted('application')) {
      const apps = await applicationStore.byObjectIds(db, server.tenantId, ids);
      for (const app of await serializeApplications(server, apps)) found.set(String(app.id), { '@odata.type': '#microsoft.graph.application', ...app });
    }
    const value = [...new Set(ids)].flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
    return sendGraph(reply, 200, { '@odata.context': `${graphBase(server)}/$metadata#directoryObjects`, value });
  });
}

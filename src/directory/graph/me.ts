import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../server/context.js';
import { directoryObjectStore } from '../../store/directoryObjects.js';
import { graphErrors } from './errors.js';
import { graphBase, graphCaller, queryOf, selectProperties, sendGraph } from './request.js';
import { serializeUser } from './users.js';

/** `GET /me`: the signed-in user; an app-only token (a service principal) gets Graph's 400, as in Entra. */
export function registerMeRoutes(graph: FastifyInstance, server: ServerContext): void {
  graph.get('/v1.0/me', async (req, reply) => {
    const caller = await graphCaller(server, req);
    const row = await directoryObjectStore.byObjectId(server.database.db, server.tenantId, caller.objectId);
    if (!row || row.kind !== 'User') throw graphErrors.meNeedsDelegation();
    return sendGraph(reply, 200, { '@odata.context': `${graphBase(server)}/$metadata#users/$entity`, ...selectProperties(serializeUser(row), queryOf(req).$select) });
  });
}

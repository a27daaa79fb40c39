import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../server/context.js';
import { addPassword, removePassword } from './passwords.js';
import { graphBase, graphCaller, objectBody, requireDirectoryWrite, sendGraph } from './request.js';

/** Finds the object whose secrets the request manages, throwing Graph's error when it is missing or may not be changed. */
export type SecretOwnerFinder = (server: ServerContext, objectId: string) => Promise<{ object_id: string }>;

/**
 * `addPassword` and `removePassword` under `/v1.0/{collection}/{id}`: Graph gives applications and service principals
 * the same two actions, each guarded by the collection's own credentials permission.
 */
export function registerPasswordRoutes(graph: FastifyInstance, server: ServerContext, collection: 'applications' | 'servicePrincipals', findOwner: SecretOwnerFinder): void {
  const db = () => server.database.db;
  const permission = `microsoft.directory/${collection}/credentials/update`;
  const owner = (req: { params: unknown }) => findOwner(server, (req.params as { id: string }).id);

  graph.post(`/v1.0/${collection}/:id/addPassword`, async (req, reply) => {
    const caller = await graphCaller(server, req);
    await requireDirectoryWrite(server, caller, permission);
    const row = await owner(req);
    const credential = await addPassword(db(), row.object_id, objectBody(req, true));
    return sendGraph(reply, 200, { '@odata.context': `${graphBase(server)}/$metadata#microsoft.graph.passwordCredential`, ...credential });
  });

  graph.post(`/v1.0/${collection}/:id/removePassword`, async (req, reply) => {
    const caller = await graphCaller(server, req);
    await requireDirectoryWrite(server, caller, permission);
    const row = await owner(req);
    await removePassword(db(), row.object_id, objectBody(req));
    return sendGraph(reply, 204);
  });
}

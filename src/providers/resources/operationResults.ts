import { armErrors } from '../../arm/errors.js';
import type { ResourceTypeDef } from '../../arm/types.js';
import { asyncOperationStore } from '../../store/asyncOperations.js';
import { RESOURCES_API_VERSIONS } from './apiVersions.js';

/** The Location URL of a long-running operation: 202 while it runs, 200 when done, the error when it failed. */
export const operationResults: ResourceTypeDef = {
  type: 'Microsoft.Resources/subscriptions/operationresults',
  apiVersions: RESOURCES_API_VERSIONS,
  apiVersionStyle: 'arm',
  scopes: ['tenant'],
  item: {
    GET: async (req) => {
      const op = await asyncOperationStore.get(req.server.database.db, req.path.names[1]);
      if (!op) throw armErrors.notFound(req.pathname);
      if (op.status === 'Running') {
        return { status: 202, headers: { location: `${req.server.publicUrl}${req.pathname}?api-version=${req.apiVersion}`, 'retry-after': '1' } };
      }
      if (op.status === 'Failed') {
        return { status: 500, body: { error: { code: 'ResourceGroupDeletionFailed', message: op.error ?? 'The operation failed.' } } };
      }
      return { status: 200 };
    },
  },
};

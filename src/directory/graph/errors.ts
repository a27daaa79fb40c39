import crypto from 'node:crypto';

/** A Microsoft Graph error: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  toBody(requestId: string, clientRequestId: string): Record<string, unknown> {
    return {
      error: {
        code: this.code,
        message: this.message,
        innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': requestId, 'client-request-id': clientRequestId },
      },
    };
  }
}

// Codes and messages as Graph answers them.
export const graphErrors = {
  notFound: (id: string) => new GraphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`),
  segmentNotFound: (segment: string) => new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`),
  methodNotAllowed: () => new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.'),
  badRequest: (message: string) => new GraphError(400, 'Request_BadRequest', message),
  invalidFilter: (detail: string) => new GraphError(400, 'BadRequest', `Invalid filter clause: ${detail}`),
  unsupportedQuery: () => new GraphError(400, 'Request_UnsupportedQuery', 'Unsupported Query.'),
  propertyRequired: (name: string) => new GraphError(400, 'Request_BadRequest', `Property '${name}' is required when creating the object.`),
  invalidValue: (name: string) => new GraphError(400, 'Request_BadRequest', `Invalid value specified for property '${name}' of resource.`),
  alreadyExists: (property: string) => new GraphError(400, 'Request_BadRequest', `Another object with the same value for property ${property} already exists.`),
  noSuchPassword: (keyId: string) => new GraphError(400, 'Request_BadRequest', `No password credential found with keyId '${keyId}'.`),
  appNotFound: (appId: string) =>
    new GraphError(400, 'Request_BadRequest', `The appId '${appId}' of the service principal does not reference a valid application object.`),
  spExists: () => new GraphError(409, 'Request_MultipleObjectsWithSameKeyValue', 'The service principal cannot be created, updated, or restored because the service principal name is already in use.'),
  managedIdentityReadOnly: (id: string) =>
    new GraphError(400, 'Request_BadRequest', `The service principal '${id}' belongs to a managed identity and can't be changed or deleted through Microsoft Graph; delete the identity resource instead.`),
  meNeedsDelegation: () => new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.'),
  tokenEmpty: () => new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.'),
  tokenInvalid: (why: string) => new GraphError(401, 'InvalidAuthenticationToken', why),
  denied: () => new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
  internal: () => new GraphError(500, 'generalException', 'An internal error occurred while processing the request.'),
};

export function newRequestId(): string {
  return crypto.randomUUID();
}

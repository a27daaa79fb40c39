/** An ARM error: serialised as `{"error":{"code","message",...}}` with its HTTP status. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { target?: string; details?: { code: string; message: string; target?: string }[] } = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}

// Message templates are Azure's own, as observed in real responses (see shared/reference/azure-wire-facts.md §4).
export const armErrors = {
  missingApiVersion: () =>
    new ArmError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.'),
  invalidApiVersion: (version: string, supported: readonly string[]) =>
    new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${version}' is invalid. The supported versions are '${supported.join(',')}'.`),
  noRegisteredProviderFound: (location: string, version: string, type: string, supported: readonly string[], locations: readonly string[]) =>
    new ArmError(
      400,
      'NoRegisteredProviderFound',
      `No registered resource provider found for location '${location}' and API version '${version}' for type '${type}'. The supported api-versions are '${supported.join(', ')}'. The supported locations are '${locations.join(', ')}'.`,
    ),
  invalidResourceType: (type: string, namespace: string, version: string, supported: readonly string[]) =>
    new ArmError(404, 'InvalidResourceType', `The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${version}'. The supported api-versions are '${supported.join(',')}'.`),
  invalidResourceNamespace: (namespace: string) =>
    new ArmError(404, 'InvalidResourceNamespace', `The resource namespace '${namespace}' is invalid.`),
  subscriptionNotFound: (subscriptionId: string) =>
    new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`),
  invalidSubscriptionId: (value: string) =>
    new ArmError(400, 'InvalidSubscriptionId', `The provided subscription identifier '${value}' is malformed or invalid.`),
  resourceGroupNotFound: (group: string) =>
    new ArmError(404, 'ResourceGroupNotFound', `Resource group '${group}' could not be found.`),
  resourceGroupBeingDeleted: (group: string) =>
    new ArmError(409, 'ResourceGroupBeingDeleted', `The resource group '${group}' is in deprovisioning state and cannot perform this operation.`),
  resourceNotFound: (qualifiedName: string, group: string) =>
    new ArmError(
      404,
      'ResourceNotFound',
      `The Resource '${qualifiedName}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),
  notFound: (path: string) => new ArmError(404, 'NotFound', `The requested path '${path}' was not found.`),
  methodNotAllowed: (method: string) =>
    new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`),
  invalidRequestContent: (detail: string) =>
    new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${detail}'.`),
  requestTooLarge: (limitBytes: number) =>
    new ArmError(413, 'RequestEntityTooLarge', `The request content length exceeds the maximum allowed size of '${limitBytes}' bytes.`),
  unsupportedMediaType: (contentType: string) =>
    new ArmError(415, 'UnsupportedMediaType', `The content media type '${contentType}' is not supported. Only 'application/json' is supported.`),
  locationRequired: () => new ArmError(400, 'LocationRequired', 'The location property is required for this definition.'),
  invalidLocation: (location: string, type: string, supported: readonly string[]) =>
    new ArmError(
      400,
      'LocationNotAvailableForResourceType',
      `The provided location '${location}' is not available for resource type '${type}'. List of available regions for the resource type is '${supported.join(',')}'.`,
    ),
  invalidResourceLocation: (name: string, oldLocation: string, group: string, newLocation: string) =>
    new ArmError(
      409,
      'InvalidResourceLocation',
      `The resource '${name}' already exists in location '${oldLocation}' in resource group '${group}'. A resource with the same name cannot be created in location '${newLocation}'. Please select a new resource name.`,
    ),
  concurrentWrite: (name: string) =>
    new ArmError(409, 'Conflict', `The resource '${name}' was changed by another request at the same time. Retry the request.`),
  invalidResourceGroupLocation: (newLocation: string, oldLocation: string) =>
    new ArmError(409, 'InvalidResourceGroupLocation', `Invalid resource group location '${newLocation}'. The Resource group already exists in location '${oldLocation}'.`),
  invalidResourceGroupName: (name: string, invalidChars: string) =>
    new ArmError(
      400,
      'InvalidResourceGroup',
      `The provided resource group name '${name}' has these invalid characters: '${invalidChars}'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.`,
    ),
  invalidParameter: (message: string, target?: string) => new ArmError(400, 'InvalidParameter', message, target ? { target } : {}),
  badRequest: (code: string, message: string) => new ArmError(400, code, message),
  // 401s: ARM answers these before the request reaches a resource provider.
  authenticationMissing: () =>
    new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."),
  authenticationInvalidHeader: () =>
    new ArmError(401, 'AuthenticationFailedInvalidHeader', "Authentication failed. The 'Authorization' header is provided in an invalid format."),
  invalidToken: (why: string) =>
    new ArmError(401, 'InvalidAuthenticationToken', `The access token is invalid. ${why}`.trim()),
  expiredToken: (expiredAt: Date, now: Date) =>
    new ArmError(
      401,
      'ExpiredAuthenticationToken',
      `The access token expiry UTC time '${dotNetTime(expiredAt)}' is earlier than current UTC time '${dotNetTime(now)}'.`,
    ),
  tokenNotYetValid: (notBefore: Date, now: Date) =>
    new ArmError(
      401,
      'InvalidAuthenticationToken',
      `The access token validity start UTC time '${dotNetTime(notBefore)}' is later than current UTC time '${dotNetTime(now)}'.`,
    ),
  wrongAudience: (audience: string, allowed: readonly string[]) =>
    new ArmError(
      401,
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences ${allowed.map((a) => `'${a}'`).join(',')}.`,
    ),
  wrongTenant: (issuer: string) =>
    new ArmError(401, 'InvalidAuthenticationTokenTenant', `The access token is from the wrong issuer '${issuer}'. It must match the tenant associated with this subscription. Please use the authority (URL) associated with the tenant to obtain the token.`),
  internal: () => new ArmError(500, 'InternalServerError', 'An internal error occurred while processing the request.'),
  // ARM's throttling answer: the message names the category, scope and caller as Azure's does, and Retry-After says when.
  tooManyRequests: (category: string, scope: string, principalId: string, retryAfterSeconds: number) =>
    new ArmError(
      429,
      'TooManyRequests',
      `Number of '${category}' requests for ${scope} actor '${principalId}' exceeded the limit. Please try again after '${retryAfterSeconds}' seconds.`,
      {},
      { 'retry-after': String(retryAfterSeconds) },
    ),
};

/** ARM quotes times in .NET's invariant `M/d/yyyy h:mm:ss tt` form. */
export function dotNetTime(d: Date): string {
  const h = d.getUTCHours();
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hour12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

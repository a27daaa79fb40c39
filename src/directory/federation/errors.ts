import { OAuthError } from '../oauth/errors.js';

const DOCS = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation';
const CHECK = 'Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.';

/** Entra's errors for the federated credential exchange (azure-wire-facts §9), with the presented values. */
export const federationErrors = {
  noRecord: (iss: string, sub: string, aud: string) =>
    new OAuthError(
      400,
      'invalid_request',
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${aud}'. ${DOCS}`,
    ),
  issuer: (iss: string) => new OAuthError(400, 'invalid_client', 700211, `No matching federated identity record found for presented assertion issuer '${iss}'. ${CHECK} ${DOCS}`),
  audience: (aud: string) => new OAuthError(400, 'invalid_client', 700212, `No matching federated identity record found for presented assertion audience '${aud}'. ${CHECK} ${DOCS}`),
  subject: (sub: string) => new OAuthError(400, 'invalid_client', 700213, `No matching federated identity record found for presented assertion subject '${sub}'. ${CHECK} ${DOCS}`),
  subjectCase: (sub: string) =>
    new OAuthError(
      400,
      'invalid_client',
      7002138,
      `No matching federated identity record found for presented assertion subject '${sub}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. See documentation at: ${DOCS}. See breaking change notification and remediation at: https://learn.microsoft.com/en-us/entra/identity-platform/reference-breaking-changes#august-2024.`,
    ),
  timeRange: (now: Date, from: Date | undefined, to: Date | undefined) =>
    new OAuthError(
      400,
      'invalid_client',
      700024,
      `Client assertion is not within its valid time range. Current time: ${now.toISOString()}, assertion valid from ${from ? from.toISOString() : 'unspecified'}, expiry time of assertion ${to ? to.toISOString() : 'unspecified'}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
    ),
  malformed: (why: string) => new OAuthError(400, 'invalid_client', 50027, `JWT token is invalid or malformed: ${why}`),
  unsupportedAlgorithm: (alg: string) =>
    new OAuthError(400, 'invalid_client', 5002738, `The client assertion is signed with the algorithm '${alg}', which is not supported. Supported: RS256, ES256.`),
  issuerNotAllowed: (iss: string, why: string) =>
    new OAuthError(400, 'invalid_client', 50166, `Request to External OIDC endpoint failed: the issuer '${iss}' is not allowed: ${why}.`),
  issuerUnreachable: (url: string, why: string) =>
    new OAuthError(400, 'invalid_client', 50166, `Request to External OIDC endpoint failed: '${url}' could not be fetched: ${why}.`),
  badDiscovery: (url: string, why: string) =>
    new OAuthError(400, 'invalid_client', 50166, `Request to External OIDC endpoint failed: the OpenID configuration or key set at '${url}' is not valid: ${why}.`),
  unknownKey: (kid: string, jwksUri: string) =>
    new OAuthError(401, 'invalid_client', 700027, `Client assertion failed signature validation: the signing key '${kid}' was not found in the issuer's key set '${jwksUri}', even after refreshing it.`),
  badSignature: () => new OAuthError(401, 'invalid_client', 700027, 'Client assertion failed signature validation: the signature does not verify with the issuer\'s key.'),
};

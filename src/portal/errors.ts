/** The portal API's errors, in the `{ error: { code, message } }` shape the page's client reads for ARM and Graph too. */
export class PortalError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const portalErrors = {
  notSignedIn: () => new PortalError(401, 'NotSignedIn', 'Sign in to the portal first (the session is missing or has expired).'),
  csrf: () => new PortalError(403, 'CsrfTokenInvalid', 'The request did not carry this session\'s anti-forgery token (x-amity-csrf header).'),
  crossSite: () => new PortalError(403, 'CrossSiteRequest', 'Cross-site requests to the portal API are not allowed.'),
  jsonOnly: () => new PortalError(415, 'UnsupportedMediaType', 'The portal API takes application/json only.'),
  badRequest: (message: string) => new PortalError(400, 'BadRequest', message),
  notProxied: (path: string) => new PortalError(404, 'NotFound', `The portal does not forward '${path}'.`),
};

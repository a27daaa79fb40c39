import crypto from 'node:crypto';

/**
 * The Content-Security-Policy of the portal's page: everything from this origin only (no CDN, no inline script,
 * no eval), styles from this origin or <style> elements carrying this response's nonce (Fluent UI creates its
 * styles at run time), no framing, no plugins, forms and connections to this origin only.
 */
export function contentSecurityPolicy(styleNonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${styleNonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function newNonce(): string {
  return crypto.randomBytes(18).toString('base64');
}

/** Headers every portal response carries, the page and the API alike. */
export const COMMON_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

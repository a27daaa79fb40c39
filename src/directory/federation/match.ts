import type { OAuthError } from '../oauth/errors.js';
import { evaluateExpression } from './claimsMatching.js';
import { federationErrors } from './errors.js';
import type { DecodedAssertion } from './verifyAssertion.js';

/** A federated identity credential's properties, as stored (see the resource type in exchange.ts). */
export interface FederatedCredential {
  name: string;
  issuer: string;
  subject?: string;
  audiences: string[];
  claimsMatchingExpression?: { value: string; languageVersion?: number };
}

/**
 * Finds the credential the assertion matches, Entra's way: exact issuer, audience among the credential's, exact
 * (case-sensitive) subject or a claims-matching expression. The error names the first property nothing matched.
 */
export function matchCredential(credentials: FederatedCredential[], a: DecodedAssertion): FederatedCredential {
  const shownAudience = a.aud.join(',');
  if (!credentials.length) throw federationErrors.noRecord(a.iss, a.sub, shownAudience);
  const byIssuer = credentials.filter((c) => c.issuer === a.iss);
  if (!byIssuer.length) throw federationErrors.issuer(a.iss);
  const byAudience = byIssuer.filter((c) => c.audiences.some((aud) => a.aud.includes(aud)));
  if (!byAudience.length) throw federationErrors.audience(shownAudience);
  let error: OAuthError = federationErrors.subject(a.sub);
  for (const c of byAudience) {
    if (c.claimsMatchingExpression?.value) {
      try {
        if (evaluateExpression(c.claimsMatchingExpression.value, a.claims as Record<string, unknown>)) return c;
      } catch {
        // A credential whose expression does not parse matches nothing.
      }
      continue;
    }
    if (c.subject === a.sub) return c;
    if (c.subject !== undefined && c.subject.toLowerCase() === a.sub.toLowerCase()) error = federationErrors.subjectCase(a.sub);
  }
  throw error;
}

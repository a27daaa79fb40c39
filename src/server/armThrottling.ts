import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { armErrors, type ArmError } from '../arm/errors.js';
import { normalisePath } from '../arm/path.js';
import { categoryOf } from '../arm/throttling.js';
import type { Principal } from '../directory/tokenVerifier.js';
import type { ServerContext } from './context.js';

/** Requests already admitted by the onRequest hook: the handler must not draw from the bucket a second time. */
const admittedEarly = new WeakSet<FastifyRequest>();

/**
 * ARM throttling at the very start of a request (a route-level onRequest hook, before the body is read or parsed):
 * when the caller's token is in the verifier's cache of verified tokens (any caller sending a burst is, after its
 * first request), the bucket is decided synchronously and a refusal is answered at once, so a throttled burst costs
 * the event loop almost nothing beyond TLS and HTTP parsing and `/healthz` stays responsive. A token not verified yet
 * falls through to admitArmRequest in the handler, which verifies it first. The cached principal is not checked for
 * revocation here: that only decides which bucket pays; an admitted request is verified in full by dispatch.
 */
export function earlyArmAdmission(server: ServerContext): onRequestHookHandler {
  return (request, reply, done) => {
    if (!server.throttle) return done();
    const authorization = request.headers.authorization;
    const principal = server.verifier.cachedPrincipal(Array.isArray(authorization) ? authorization[0] : authorization);
    if (!principal) return done();
    const refusal = admit(server, principal, request.method, request.url, reply);
    if (!refusal) {
      admittedEarly.add(request);
      return done();
    }
    reply
      .code(429)
      .headers(refusal.headers)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(refusal.toBody()));
  };
}

/**
 * ARM throttling for one request, when it is on and the onRequest hook has not decided already: authenticates the
 * caller (the buckets are per principal, so this comes first, as in ARM; dispatch then reuses the principal), takes a
 * token from its bucket, and puts the remaining count on the response (`x-ms-ratelimit-remaining-subscription-reads`,
 * or `-tenant-` for requests outside a subscription). Over the limit it throws 429 TooManyRequests with Retry-After.
 * Returns undefined when throttling is off or the request was admitted early (dispatch verifies the token then).
 */
export async function admitArmRequest(server: ServerContext, request: FastifyRequest, reply: FastifyReply, pathname: string): Promise<Principal | undefined> {
  if (!server.throttle || admittedEarly.has(request)) return undefined;
  const authorization = request.headers.authorization;
  const principal = await server.verifier.verify(Array.isArray(authorization) ? authorization[0] : authorization);
  const refusal = admit(server, principal, request.method, pathname, reply);
  if (refusal) throw refusal;
  return principal;
}

/** Takes a token from the caller's bucket and sets the remaining-count header; the 429 to answer when there is none. */
function admit(server: ServerContext, principal: Principal, method: string, url: string, reply: FastifyReply): ArmError | undefined {
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(normalisePath(pathname))?.[1];
  const subscriptionId = subscription === undefined ? undefined : safeDecode(subscription).toLowerCase();
  const category = categoryOf(method);
  const admission = server.throttle!.admit(subscriptionId ?? 'tenant', principal.objectId, category);
  reply.header(`x-ms-ratelimit-remaining-${subscriptionId === undefined ? 'tenant' : 'subscription'}-${category}`, String(admission.remaining));
  if (admission.ok) return undefined;
  server.metrics?.countThrottled(category);
  const scope = subscriptionId === undefined ? `tenant '${server.tenantId}'` : `subscription '${subscriptionId}'`;
  return armErrors.tooManyRequests(category === 'reads' ? 'read' : category === 'writes' ? 'write' : 'delete', scope, principal.objectId, admission.retryAfterSeconds);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

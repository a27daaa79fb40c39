import type { FastifyReply, FastifyRequest } from 'fastify';
import { armErrors } from '../arm/errors.js';
import { normalisePath } from '../arm/path.js';
import { categoryOf } from '../arm/throttling.js';
import type { Principal } from '../directory/tokenVerifier.js';
import type { ServerContext } from './context.js';

/**
 * ARM throttling for one request, when it is on: authenticates the caller (the buckets are per principal, so this
 * comes first, as in ARM; dispatch then reuses the principal), takes a token from its bucket, and puts the remaining
 * count on the response (`x-ms-ratelimit-remaining-subscription-reads`, or `-tenant-` for requests outside a
 * subscription). Over the limit it throws 429 TooManyRequests with Retry-After. Returns undefined when throttling is off.
 */
export async function admitArmRequest(server: ServerContext, request: FastifyRequest, reply: FastifyReply, pathname: string): Promise<Principal | undefined> {
  const throttle = server.throttle;
  if (!throttle) return undefined;
  const authorization = request.headers.authorization;
  const principal = await server.verifier.verify(Array.isArray(authorization) ? authorization[0] : authorization);
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(normalisePath(pathname))?.[1];
  const subscriptionId = subscription === undefined ? undefined : safeDecode(subscription).toLowerCase();
  const category = categoryOf(request.method);
  const admission = throttle.admit(subscriptionId ?? 'tenant', principal.objectId, category);
  reply.header(`x-ms-ratelimit-remaining-${subscriptionId === undefined ? 'tenant' : 'subscription'}-${category}`, String(admission.remaining));
  if (!admission.ok) {
    server.metrics?.countThrottled(category);
    const scope = subscriptionId === undefined ? `tenant '${server.tenantId}'` : `subscription '${subscriptionId}'`;
    throw armErrors.tooManyRequests(category === 'reads' ? 'read' : category === 'writes' ? 'write' : 'delete', scope, principal.objectId, admission.retryAfterSeconds);
  }
  return principal;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

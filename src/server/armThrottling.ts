import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { armErrors, type ArmError } from '../arm/errors.js';
import { normalisePath } from '../arm/path.js';
import { categoryOf } from '../arm/throttling.js';
import type { Principal } from '../directory/tokenVerifier.js';
import type { ServerContext } from './context.js';

/** Requests already admitted by the onRequest hook: the handler must not draw from the bucket a second time. */
const admittedEarly = new WeakSet<FastifyRequest>();

/**
 * The ARM route's first hook (a route-level onRequest hook, before the body is read or parsed). Two jobs:
 *
 * Throttling: when the caller's token is in the verifier's cache of verified tokens (any caller sending a burst is,
 * after its first request), the bucket is decided synchronously and a refusal is answered at once, so a throttled
 * burst costs the event loop almost nothing beyond TLS and HTTP parsing. A token not verified yet falls through to
 * admitArmRequest in the handler, which verifies it first. The cached principal is not checked for revocation here:
 * that only decides which bucket pays; an admitted request is verified in full by dispatch.
 *
 * Pacing (throttling on or off): requests that go on start in time slices of the event loop (see TimeSlices), so a
 * burst on many connections never becomes one long synchronous run that `/healthz` and every other connection wait
 * behind.
 */
export function earlyArmAdmission(server: ServerContext): onRequestHookHandler {
  const pacer = new TimeSlices((e) => server.log.error({ err: e }, 'starting an ARM request failed'));
  const go = (done: () => void) => pacer.start(done);
  // The answer to a refused request depends only on its bucket and wait, so a burst's refusals share one body
  // (an ArmError captures a stack trace, and the body is serialised): a few microseconds off every refusal.
  const answers = new Map<string, { headers: Record<string, string>; body: string }>();
  return (request, reply, done) => {
    if (!server.throttle) return go(done);
    const authorization = request.headers.authorization;
    const principal = server.verifier.cachedPrincipal(Array.isArray(authorization) ? authorization[0] : authorization);
    if (!principal) return go(done);
    const refusal = admit(server, principal, request.method, request.url, reply);
    if (!refusal) {
      admittedEarly.add(request);
      return go(done);
    }
    let answer = answers.get(refusal.key);
    if (!answer) {
      // Scopes come from URLs: the map is bounded however many a caller names.
      if (answers.size >= MAX_CACHED_REFUSALS) answers.clear();
      const error = refusal.error();
      answer = { headers: error.headers, body: JSON.stringify(error.toBody()) };
      answers.set(refusal.key, answer);
    }
    reply.code(429).headers(answer.headers).type('application/json; charset=utf-8').send(answer.body);
  };
}

const MAX_CACHED_REFUSALS = 1_000;

/**
 * Starts work at once while the event loop's current turn has run for less than SLICE_MS, and otherwise queues it for
 * the following turns, each again running queued work for up to SLICE_MS, in arrival order. The loop reads every
 * connection that has data in one go, and on SQLite an ARM request runs from its hooks to its response without
 * yielding (the driver is synchronous), so 32 connections each sending a request were served in one uninterrupted run
 * of 15-50 ms, and a health probe that arrived meanwhile waited for the whole run (measured with a 1 ms interval timer
 * in the server during test/hardening/overload.test.ts). With a slice, the loop goes back to its connections at least
 * every SLICE_MS plus the parsing of what arrived with the probe. Starting every request on a turn of its own bounded
 * the wait as well but cost about 100 µs of server CPU per PUT on PostgreSQL (an extra pass of the loop per request,
 * `node --import tsx bench/put.ts`); a slice defers nothing while the server keeps up. Nothing is refused or dropped.
 */
class TimeSlices {
  private readonly queue: (() => void)[] = [];
  /** performance.now() when the current turn's slice began; undefined between slices. */
  private sliceStart: number | undefined;
  private drainScheduled = false;

  constructor(private readonly onError: (e: unknown) => void) {}

  start(work: () => void): void {
    const now = performance.now();
    if (this.sliceStart === undefined) {
      this.sliceStart = now;
      // Runs after this turn's I/O callbacks: the next turn opens a new slice.
      setImmediate(this.endSlice);
    }
    if (this.queue.length === 0 && now - this.sliceStart < SLICE_MS) return this.run(work);
    this.queue.push(work);
    this.scheduleDrain();
  }

  private readonly endSlice = (): void => {
    this.sliceStart = undefined;
  };

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(this.drain);
  }

  // An immediate queued while immediates run waits for the next turn, after the loop has polled its connections.
  private readonly drain = (): void => {
    this.drainScheduled = false;
    const started = performance.now();
    while (this.queue.length > 0 && performance.now() - started < SLICE_MS) this.run(this.queue.shift()!);
    if (this.queue.length > 0) this.scheduleDrain();
  };

  private run(work: () => void): void {
    try {
      work();
    } catch (e) {
      // Fastify catches what a request's hooks and handler throw; this is only so one failure cannot stop the queue.
      this.onError(e);
    }
  }
}

/** How long one turn of the event loop runs requests before it polls its connections again. */
const SLICE_MS = 2;

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
  if (refusal) throw refusal.error();
  return principal;
}

interface Refusal {
  /** What the answer depends on: bucket and wait. */
  key: string;
  error(): ArmError;
}

/** Takes a token from the caller's bucket and sets the remaining-count header; the 429 to answer when there is none. */
function admit(server: ServerContext, principal: Principal, method: string, url: string, reply: FastifyReply): Refusal | undefined {
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
  const retryAfter = admission.retryAfterSeconds;
  return {
    key: `${category}\n${scope}\n${principal.objectId}\n${retryAfter}`,
    error: () => armErrors.tooManyRequests(category === 'reads' ? 'read' : category === 'writes' ? 'write' : 'delete', scope, principal.objectId, retryAfter),
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Cached IMDS token requests/s through `amity agent` vs raw node:http. A VM with a system-assigned identity gets
 * its host credential; the agent (own process) warms its cache with one request; autocannon then asks for the same
 * token (Metadata: true, the SDK's path with the trailing slash). The baseline is the mean of the raw node:http runs
 * just before and just after, so drift weighs on both sides alike.
 */
import path from 'node:path';
import { cannon, type LoadResult } from './load.js';

export interface AgentFigures {
  agent: LoadResult;
  baseline: LoadResult;
  /** Bytes of the IMDS answer (the raw baseline answers ~200 bytes). */
  answerBytes: number;
}

interface Target {
  ready: { url: string };
  stop(): Promise<void>;
}

export interface AgentBenchContext {
  a: { url: string; subscriptionId: string; dataDir: string };
  startTarget(args: string[], env?: Record<string, string>): Promise<Target>;
  arm(method: string, p: string, body?: unknown): Promise<any>;
  log(msg: string): void;
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

export const AGENT_TOKEN_QUERY = '/metadata/identity/oauth2/token/?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com';

export async function measureAgent(ctx: AgentBenchContext, rawBefore: LoadResult, rawAfter: () => Promise<LoadResult>): Promise<AgentFigures> {
  const rg = `/subscriptions/${ctx.a.subscriptionId}/resourceGroups/rg-agent-bench`;
  await ctx.arm('PUT', `${rg}?api-version=2021-04-01`, { location: 'westus' });
  const vm = `${rg}/providers/Microsoft.Compute/virtualMachines/vm-bench`;
  await ctx.arm('PUT', `${vm}?api-version=2022-08-01`, { location: 'westus', identity: { type: 'SystemAssigned' }, properties: {} });
  const cred = await ctx.arm('POST', `${vm}/regenerateIdentityCredential?api-version=2022-08-01`);
  const agent = await ctx.startTarget(['agent', cred.identityEndpoint, path.join(ctx.a.dataDir, 'tls', 'ca.crt')], { AMITY_BENCH_IDENTITY_HEADER: cred.identityHeader });
  try {
    const url = `${agent.ready.url}${AGENT_TOKEN_QUERY}`;
    const headers = { metadata: 'true' };
    const first = await fetch(url, { headers });
    const text = await first.text();
    if (first.status !== 200 || !JSON.parse(text).access_token) throw new Error(`agent: the warm-up request answered ${first.status}: ${text.slice(0, 300)}`);
    ctx.log(`agent: cached IMDS token, ${ctx.connections} connections, ${ctx.warmupSeconds}+${ctx.seconds} s`);
    const r = await cannon({ url, headers, connections: ctx.connections, seconds: ctx.seconds, warmupSeconds: ctx.warmupSeconds });
    if (r.non2xx || r.errors) throw new Error(`agent: ${r.non2xx} non-2xx answers and ${r.errors} errors (${JSON.stringify(r.statusCodes)})`);
    const after = await rawAfter();
    return { agent: r, baseline: { ...rawBefore, rps: (rawBefore.rps + after.rps) / 2, p99: Math.max(rawBefore.p99, after.p99) }, answerBytes: Buffer.byteLength(text) };
  } finally {
    await agent.stop();
  }
}


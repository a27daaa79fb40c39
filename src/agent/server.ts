/**
 * `amity agent`: an IMDS endpoint on the host (plain HTTP, loopback by default) backed by the server's App Service
 * endpoint. It polls the host's state version every 2 s and clears its cache when the version changes (identities
 * assigned, removed, deleted, tokens revoked) or the server rejects its secret.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ImdsHandler } from './imds.js';
import { Upstream } from './upstream.js';

/** Default port: the one Azure Arc's IMDS-like agent (himds) uses. */
export const DEFAULT_AGENT_PORT = 40342;
export const DEFAULT_STATE_POLL_MS = 2000;

export interface AgentOptions {
  identityEndpoint: string;
  identityHeader: string;
  host?: string;
  port?: number;
  /** PEM text or a file path (caCertFile) of the CA to trust for the identity endpoint. */
  ca?: string | Buffer;
  caCertFile?: string;
  statePollMs?: number;
  log?: (msg: string) => void;
}

export interface RunningAgent {
  url: string;
  port: number;
  host: string;
  handler: ImdsHandler;
  upstream: Upstream;
  /** The last state version seen. */
  readonly stateVersion: string | undefined;
  /** Polls the state once now (tests). */
  pollState(): Promise<void>;
  close(): Promise<void>;
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  if (!options.identityEndpoint) throw new Error('the identity endpoint is required (--identity-endpoint or IDENTITY_ENDPOINT)');
  if (!options.identityHeader) throw new Error('the identity header is required (--identity-header or IDENTITY_HEADER)');
  const log = options.log ?? (() => undefined);
  const ca = options.ca ?? (options.caCertFile ? fs.readFileSync(options.caCertFile) : undefined);
  const upstream = new Upstream({ identityEndpoint: options.identityEndpoint, identityHeader: options.identityHeader, ca });
  const handler = new ImdsHandler(upstream, log);
  const server = http.createServer({ keepAliveTimeout: 60_000 }, handler.handle);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_AGENT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let version: string | undefined;
  let polling = false;
  let warnedUnreachable = false;
  const pollState = async () => {
    if (polling) return;
    polling = true;
    try {
      const s = await upstream.stateVersion();
      warnedUnreachable = false;
      if (s.status === 401 || s.status === 403) {
        if (handler.cache.size > 0) handler.clearCache(`state endpoint answered ${s.status}`);
        version = undefined;
      } else if (s.version !== undefined) {
        if (version !== undefined && s.version !== version) handler.clearCache(`host state changed (${version} → ${s.version})`);
        version = s.version;
      }
    } catch (e) {
      if (!warnedUnreachable) log(`state poll failed: ${e instanceof Error ? e.message : String(e)}`);
      warnedUnreachable = true;
    } finally {
      polling = false;
    }
  };
  await pollState();
  const timer = setInterval(() => void pollState(), options.statePollMs ?? DEFAULT_STATE_POLL_MS);
  timer.unref();

  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    host,
    handler,
    upstream,
    get stateVersion() {
      return version;
    },
    pollState,
    async close() {
      clearInterval(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      upstream.close();
    },
  };
}

/**
 * The agent's client for the server's App Service-style endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER): token
 * requests (`GET <endpoint>?api-version=2019-08-01&resource=…[&client_id|principal_id|mi_res_id]`) and the host's
 * state version (`GET <endpoint dir>/state`), which changes whenever the host's identities change or are revoked.
 * HTTPS trusts the CA given with --ca-cert (plus the public roots) or, by default, Node's store, which includes
 * NODE_EXTRA_CA_CERTS.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';

export const UPSTREAM_API_VERSION = '2019-08-01';

/** What the agent asks for: the IMDS selector mapped to the App Service one. */
export type Selector = { kind: 'system' } | { kind: 'client_id' | 'principal_id' | 'mi_res_id'; value: string };

export interface UpstreamAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json?: any;
}

export interface UpstreamOptions {
  identityEndpoint: string;
  identityHeader: string;
  /** PEM of the CA the server's certificate chains to. */
  ca?: string | Buffer;
  /** Default 10 s. */
  timeoutMs?: number;
}

export class Upstream {
  readonly tokenUrl: URL;
  readonly stateUrl: URL;
  private readonly agent: http.Agent;
  private readonly mod: typeof http | typeof https;
  /** Token requests sent, for tests and diagnostics. */
  tokenCalls = 0;

  constructor(private readonly options: UpstreamOptions) {
    this.tokenUrl = new URL(options.identityEndpoint);
    if (this.tokenUrl.protocol !== 'https:' && this.tokenUrl.protocol !== 'http:') throw new Error(`identity endpoint must be http(s): ${options.identityEndpoint}`);
    // <server>/msi/token → <server>/msi/state
    this.stateUrl = new URL('state', this.tokenUrl);
    this.stateUrl.search = '';
    const isHttps = this.tokenUrl.protocol === 'https:';
    this.mod = isHttps ? https : http;
    this.agent = isHttps
      ? new https.Agent({ keepAlive: true, maxSockets: 16, ...(options.ca ? { ca: [...tls.rootCertificates, options.ca.toString()] } : {}) })
      : new http.Agent({ keepAlive: true, maxSockets: 16 });
  }

  token(selector: Selector, resource: string): Promise<UpstreamAnswer> {
    const u = new URL(this.tokenUrl);
    u.searchParams.set('api-version', UPSTREAM_API_VERSION);
    u.searchParams.set('resource', resource);
    if (selector.kind !== 'system') u.searchParams.set(selector.kind, selector.value);
    this.tokenCalls++;
    return this.get(u);
  }

  /** The host's state version, or undefined when the server does not answer one. Throws on 401 (bad secret). */
  async stateVersion(): Promise<{ status: number; version?: string }> {
    const r = await this.get(this.stateUrl);
    const v = r.json?.version;
    return { status: r.status, version: r.status === 200 && v !== undefined && v !== null ? String(v) : undefined };
  }

  private get(u: URL): Promise<UpstreamAnswer> {
    return new Promise((resolve, reject) => {
      const req = this.mod.request(
        u,
        { method: 'GET', agent: this.agent, headers: { 'x-identity-header': this.options.identityHeader, accept: 'application/json' }, timeout: this.options.timeoutMs ?? 10_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: any;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`identity endpoint timed out after ${this.options.timeoutMs ?? 10_000} ms`)));
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

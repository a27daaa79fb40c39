import https from 'node:https';
import tls from 'node:tls';
import { federationErrors } from './errors.js';

/** Limits on what the exchange fetches from external issuers, so that an issuer cannot make it a request forgery tool. */
export interface OutboundOptions {
  /** Issuers that may be trusted (exact issuer URLs, or `https://host[:port]` origins); empty or absent = any https issuer. */
  allowedIssuers?: readonly string[];
  /** Extra CA certificates (PEM) trusted besides the system roots (tests: the local CA). */
  caCerts?: readonly string[];
  timeoutMs?: number;
  maxBytes?: number;
}

const MAX_REDIRECTS = 3;

export class Outbound {
  private readonly ca: string[] | undefined;
  readonly timeoutMs: number;
  readonly maxBytes: number;

  constructor(private readonly options: OutboundOptions = {}) {
    this.ca = options.caCerts?.length ? [...tls.rootCertificates, ...options.caCerts] : undefined;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
  }

  /** Throws AADSTS50166 unless the issuer is an https URL the allow-list (if any) names. */
  checkIssuer(iss: string): void {
    let url: URL;
    try {
      url = new URL(iss);
    } catch {
      throw federationErrors.issuerNotAllowed(iss, 'it is not a URL');
    }
    if (url.protocol !== 'https:') throw federationErrors.issuerNotAllowed(iss, 'only https issuers are trusted');
    const allowed = this.options.allowedIssuers ?? [];
    if (allowed.length && !allowed.some((a) => a === iss || a.replace(/\/+$/, '') === url.origin)) {
      throw federationErrors.issuerNotAllowed(iss, 'it is not in the server\'s allow-list (--federation-allowed-issuers)');
    }
  }

  /** GETs JSON over https with a timeout and a size limit, following at most 3 redirects and only within the same origin. */
  async getJson(target: string): Promise<unknown> {
    let url = new URL(target);
    if (url.protocol !== 'https:') throw federationErrors.badDiscovery(target, 'only https URLs are fetched');
    const origin = url.origin;
    for (let hop = 0; ; hop++) {
      const res = await this.getOnce(url);
      if (res.status >= 300 && res.status < 400 && res.location) {
        const next = new URL(res.location, url);
        if (next.origin !== origin) throw federationErrors.issuerUnreachable(target, `redirect to another host (${next.origin}) refused`);
        if (hop >= MAX_REDIRECTS) throw federationErrors.issuerUnreachable(target, 'too many redirects');
        url = next;
        continue;
      }
      if (res.status !== 200) throw federationErrors.issuerUnreachable(url.href, `HTTP ${res.status}`);
      try {
        return JSON.parse(res.body);
      } catch {
        throw federationErrors.badDiscovery(url.href, 'the response is not JSON');
      }
    }
  }

  private getOnce(url: URL): Promise<{ status: number; location?: string; body: string }> {
    return new Promise((resolve, reject) => {
      const req = https.get(url, { ca: this.ca, timeout: this.timeoutMs, headers: { accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.maxBytes) {
            req.destroy();
            reject(federationErrors.issuerUnreachable(url.href, `the response is larger than ${this.maxBytes} bytes`));
          } else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(federationErrors.issuerUnreachable(url.href, e.message)));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => reject(federationErrors.issuerUnreachable(url.href, e.message)));
    });
  }
}

import fs from 'node:fs';
import type http from 'node:http';
import type https from 'node:https';
import { CliError } from './errors.js';

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface HttpCall {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** PEM file of CAs to trust besides the system's. */
  caCert?: string;
}

/** Sees every request and reply: `--debug` prints them with secrets redacted. */
export type HttpObserver = (call: HttpCall, reply: HttpReply | undefined, error: unknown) => void;

let observer: HttpObserver | undefined;

export function observeHttp(o: HttpObserver | undefined): void {
  observer = o;
}

const caCache = new Map<string, Buffer>();

function caOf(file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  let ca = caCache.get(file);
  if (!ca) {
    try {
      ca = fs.readFileSync(file);
    } catch {
      throw new CliError(`The CA certificate file '${file}' cannot be read.`);
    }
    caCache.set(file, ca);
  }
  return ca;
}

const TIMEOUT_MS = 60_000;

/** One HTTP(S) exchange, body read whole: the CLI's replies are small JSON documents. */
export async function httpRequest(call: HttpCall): Promise<HttpReply> {
  // Loaded on the first request, not at startup: `amity --version` and `--help` never pay for TLS.
  const [{ default: httpModule }, { default: httpsModule }, { default: tls }] = await Promise.all([import('node:http'), import('node:https'), import('node:tls')]);
  return new Promise<HttpReply>((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(call.url);
    } catch {
      reject(new CliError(`'${call.url}' is not a valid URL.`));
      return;
    }
    const body = call.body === undefined ? undefined : Buffer.from(call.body);
    const headers: Record<string, string> = { 'user-agent': 'amity-cli', accept: 'application/json', ...call.headers };
    if (body) headers['content-length'] = String(body.length);
    const options: https.RequestOptions = { method: call.method, headers, timeout: TIMEOUT_MS };
    // The system's CAs stay trusted; the server's own CA is added to them.
    const ca = caOf(call.caCert);
    if (ca && url.protocol === 'https:') options.ca = [...tls.rootCertificates, ca.toString()];
    const req = (url.protocol === 'https:' ? httpsModule : httpModule).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const reply = { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') };
        observer?.(call, reply, undefined);
        resolve(reply);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.origin} within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', (e) => {
      observer?.(call, undefined, e);
      reject(connectionError(url, e));
    });
    req.end(body);
  });
}


function connectionError(url: URL, e: Error): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return new CliError(`Cannot reach ${url.origin}: connection refused. Is the Amity server running?`);
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY')
    return new CliError(`The certificate of ${url.origin} is not trusted (${code}). Pass the server's CA with --ca-cert <file> (a local server's is <data folder>/tls/ca.crt).`);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return new CliError(`The certificate of ${url.origin} does not name that host: ${e.message}`);
  return new CliError(`Cannot reach ${url.origin}: ${e.message}`);
}

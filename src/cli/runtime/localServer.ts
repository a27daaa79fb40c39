import fs from 'node:fs';
import path from 'node:path';

/** What `amity server` wrote at first start in its data folder (bootstrap.json, mode 0600). */
export interface LocalBootstrap {
  tenantId: string;
  subscriptionId: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  caCertPath: string;
}

/** The data folder a server started from here would use: `AMITY_DATA` or `./.amity`, as `amity server`. */
export function localDataDir(explicit?: string): string {
  return path.resolve(explicit ?? process.env.AMITY_DATA ?? '.amity');
}

export function readLocalBootstrap(dataDir: string): LocalBootstrap | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8')) as LocalBootstrap;
  } catch {
    return undefined;
  }
}

/**
 * The CA a local server's certificate chains to: trusted automatically for loopback servers, so a person who ran
 * `npm start` here can sign in without handling certificates.
 */
export function localCaFor(server: string, dataDir: string): string | undefined {
  let host: string;
  try {
    host = new URL(server).hostname;
  } catch {
    return undefined;
  }
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) return undefined;
  const ca = path.join(dataDir, 'tls', 'ca.crt');
  return fs.existsSync(ca) ? ca : undefined;
}

import fs from 'node:fs';
import path from 'node:path';
import { httpsJson } from './load.js';

/** What a server's first start wrote to its data folder (bootstrap.json), as far as the benchmarks use it. */
export interface Bootstrap {
  tenantId: string;
  subscriptionId: string;
  clientId: string;
  clientSecret: string;
  caCertPath: string;
}

export interface AdminSession {
  boot: Bootstrap;
  /** The server's CA certificate, to trust its HTTPS. */
  ca: Buffer;
  /** An ARM access token of the bootstrap administrator (Owner at `/`). */
  token: string;
  auth: { authorization: string };
}

/** Signs the bootstrap administrator in to the server at `url` whose data folder is `dataDir` (client credentials). */
export async function signInAdmin(url: string, dataDir: string): Promise<AdminSession> {
  const boot = JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8')) as Bootstrap;
  const ca = fs.readFileSync(boot.caCertPath);
  const tok = await httpsJson(`${url}/${boot.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    ca,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: boot.clientId, client_secret: boot.clientSecret, scope: 'https://management.azure.com/.default' }).toString(),
  });
  const token = tok.access_token as string;
  return { boot, ca, token, auth: { authorization: `Bearer ${token}` } };
}

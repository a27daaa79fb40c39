import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

export const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

/**
 * A real OpenID provider (`oidc-provider`, npm) on loopback HTTPS with the test server's certificate, issuing
 * client-credentials JWT access tokens for `api://AzureADTokenExchange`; `sub` is the client id.
 */
export interface ExternalIssuer {
  issuer: string;
  clientId: string;
  /** The private JWK it signs with now. */
  signingKey: crypto.JsonWebKey & { kid: string };
  token(): Promise<string>;
  /** Replaces the keys (new kid), optionally with an ES256 key: the same issuer, a new provider behind it. */
  rotate(alg: 'RS256' | 'ES256'): void;
  close(): Promise<void>;
}

function newKey(alg: 'RS256' | 'ES256', kid: string): crypto.JsonWebKey & { kid: string } {
  const { privateKey } = alg === 'RS256' ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }) : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

export async function startExternalIssuer(tlsDir: string, clientId = 'workload-app'): Promise<ExternalIssuer> {
  let handler: (req: any, res: any) => void = (_req, res) => res.end();
  const server = https.createServer({ cert: fs.readFileSync(path.join(tlsDir, 'server.crt')), key: fs.readFileSync(path.join(tlsDir, 'server.key')) }, (req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const secret = crypto.randomBytes(16).toString('hex');
  let signingKey = newKey('RS256', `k-${crypto.randomUUID()}`);
  const build = (alg: 'RS256' | 'ES256') => {
    const provider = new Provider(issuer, {
      clients: [{ client_id: clientId, client_secret: secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], id_token_signed_response_alg: alg }],
      jwks: { keys: [signingKey as any] },
      features: {
        clientCredentials: { enabled: true },
        devInteractions: { enabled: false },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => EXCHANGE_AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({ scope: 'api', audience: EXCHANGE_AUDIENCE, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg } } }),
        },
      },
      enabledJWA: { authorizationSigningAlgValues: ['RS256', 'ES256'], idTokenSigningAlgValues: ['RS256', 'ES256'] } as any,
    } as any);
    provider.proxy = true;
    handler = provider.callback() as any;
  };
  build('RS256');
  return {
    issuer,
    clientId,
    get signingKey() {
      return signingKey;
    },
    async token() {
      const res = await fetchToken(issuer, tlsDir, clientId, secret);
      return res;
    },
    rotate(alg) {
      signingKey = newKey(alg, `k-${crypto.randomUUID()}`);
      build(alg);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function fetchToken(issuer: string, tlsDir: string, clientId: string, secret: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', resource: EXCHANGE_AUDIENCE, scope: 'api' }).toString();
    const req = https.request(
      `${issuer}/token`,
      {
        method: 'POST',
        ca: fs.readFileSync(path.join(tlsDir, 'ca.crt')),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text).access_token) : reject(new Error(`issuer token: ${res.statusCode} ${text}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

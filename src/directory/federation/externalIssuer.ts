import type { JWK } from 'jose';
import { federationErrors } from './errors.js';
import type { Outbound } from './outbound.js';

export interface IssuerKeysOptions {
  /** How long a fetched key set is used before it is fetched again; default 1 h. */
  cacheSeconds?: number;
  /** Minimum time between refreshes of one issuer's keys on an unknown kid; default 10 s. */
  refreshIntervalSeconds?: number;
}

interface Entry {
  jwksUri: string;
  keys: JWK[];
  fetchedAt: number;
}

const MAX_ISSUERS = 1000;

/** Signing keys of external issuers: OpenID discovery, then `jwks_uri`; cached, refreshed on an unknown kid (rate-limited). */
export class ExternalIssuers {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly cacheMs: number;
  private readonly refreshMs: number;

  constructor(
    private readonly outbound: Outbound,
    options: IssuerKeysOptions = {},
  ) {
    this.cacheMs = (options.cacheSeconds ?? 3600) * 1000;
    this.refreshMs = (options.refreshIntervalSeconds ?? 10) * 1000;
  }

  /** The key `kid` of `iss` (or its only key when the token names none), fetching or refreshing as needed. */
  async key(iss: string, kid: string | undefined): Promise<JWK> {
    this.outbound.checkIssuer(iss);
    const now = Date.now();
    let entry = this.cache.get(iss);
    if (!entry || now - entry.fetchedAt >= this.cacheMs) entry = await this.load(iss);
    let found = pick(entry.keys, kid);
    if (!found && now - entry.fetchedAt >= this.refreshMs) {
      entry = await this.load(iss);
      found = pick(entry.keys, kid);
    }
    if (!found) throw federationErrors.unknownKey(kid ?? '', entry.jwksUri);
    return found;
  }

  private load(iss: string): Promise<Entry> {
    let p = this.inflight.get(iss);
    if (!p) {
      p = this.fetchKeys(iss).finally(() => this.inflight.delete(iss));
      this.inflight.set(iss, p);
    }
    return p;
  }

  private async fetchKeys(iss: string): Promise<Entry> {
    const discoveryUrl = `${iss.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const doc = (await this.outbound.getJson(discoveryUrl)) as { issuer?: unknown; jwks_uri?: unknown } | null;
    if (!doc || typeof doc !== 'object') throw federationErrors.badDiscovery(discoveryUrl, 'not a JSON object');
    if (doc.issuer !== iss) throw federationErrors.badDiscovery(discoveryUrl, `its issuer '${String(doc.issuer ?? '')}' is not the token's issuer '${iss}'`);
    if (typeof doc.jwks_uri !== 'string' || !doc.jwks_uri.startsWith('https://')) throw federationErrors.badDiscovery(discoveryUrl, 'jwks_uri is missing or not an https URL');
    const jwks = (await this.outbound.getJson(doc.jwks_uri)) as { keys?: unknown } | null;
    if (!jwks || !Array.isArray(jwks.keys)) throw federationErrors.badDiscovery(doc.jwks_uri, "the key set has no 'keys' array");
    const keys = (jwks.keys as JWK[]).filter((k) => k && typeof k === 'object' && (k.use === undefined || k.use === 'sig'));
    const entry = { jwksUri: doc.jwks_uri, keys, fetchedAt: Date.now() };
    if (!this.cache.has(iss) && this.cache.size >= MAX_ISSUERS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(iss, entry);
    return entry;
  }
}

function pick(keys: JWK[], kid: string | undefined): JWK | undefined {
  if (kid === undefined) return keys.length === 1 ? keys[0] : undefined;
  return keys.find((k) => k.kid === kid);
}

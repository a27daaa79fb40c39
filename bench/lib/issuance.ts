/**
 * Uncached workload token issuance in this process (the path `/msi/token` takes on a cache miss, minus HTTP and the
 * host lookup: claims, header, RS256 signature) vs raw RS256 signing of a payload of the same size with a parsed key.
 * Measured in alternating 100 ms slices so drift weighs on both sides alike.
 */
import crypto from 'node:crypto';
import { KeyEncryptionKey } from '../../src/directory/keyEncryption.js';
import { TokenIssuer } from '../../src/directory/issuer.js';
import { SigningKeys } from '../../src/directory/signingKeys.js';
import { openDatabase } from '../../src/store/database.js';
import type { ServerContext } from '../../src/server/context.js';
import type { HostRecord } from '../../src/providers/compute/hostIdentities.js';
import { WorkloadTokens } from '../../src/tokens/workloadToken.js';

export interface IssuanceResult {
  issuedPerSecond: number;
  rawSignsPerSecond: number;
  runs: { kind: 'raw' | 'amity'; perSecond: number }[];
}

const SLICE_MS = 100;

export async function measureIssuance(secondsEach = 3): Promise<IssuanceResult> {
  const database = await openDatabase(':memory:');
  try {
    const keys = new SigningKeys(database.db, KeyEncryptionKey.fromText(crypto.randomBytes(32).toString('base64')));
    await keys.init();
    const issuer = new TokenIssuer(keys, 'https://127.0.0.1:8443', 3600, { lifetimeSeconds: 86_400, issuerStyle: 'amity' });
    const service = new WorkloadTokens({ issuer } as unknown as ServerContext, { rateLimit: false, cache: false });
    const tid = crypto.randomUUID();
    const hostId = `/subscriptions/${crypto.randomUUID()}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1`;
    const uami = { kind: 'UserAssigned' as const, principalId: crypto.randomUUID(), clientId: crypto.randomUUID(), resourceId: `/subscriptions/${crypto.randomUUID()}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1`, revokedBefore: 0 };
    const host: HostRecord = { hostKey: hostId.toLowerCase(), hostId, tenantId: tid, location: 'westus', user: [uami], dangling: [] };
    const sample = service.sign(host, uami, 'https://management.azure.com/').accessToken;
    // The baseline: the same private key parsed once from PEM, signing a payload of the token's size.
    const pem = keys.active()!.privateKey!.export({ type: 'pkcs8', format: 'pem' });
    const parsed = crypto.createPrivateKey(pem);
    const input = Buffer.from(sample.slice(0, sample.lastIndexOf('.')));

    const raw = () => void crypto.sign('sha256', input, parsed);
    const amity = () => void service.sign(host, uami, 'https://management.azure.com/');
    for (let i = 0; i < 50; i++) {
      raw();
      amity();
    }
    // Short slices, alternating (raw, amity, amity, raw, …): load that drifts during the run weighs on both sides alike.
    const totals = { raw: { n: 0, ms: 0 }, amity: { n: 0, ms: 0 } };
    const slice = (kind: 'raw' | 'amity') => {
      const fn = kind === 'raw' ? raw : amity;
      const start = performance.now();
      const end = start + SLICE_MS;
      let n = 0;
      while (performance.now() < end) {
        fn();
        n++;
      }
      totals[kind].n += n;
      totals[kind].ms += performance.now() - start;
    };
    const rounds = Math.max(1, Math.round((secondsEach * 1000) / (2 * SLICE_MS)));
    for (let i = 0; i < rounds; i++) for (const kind of ['raw', 'amity', 'amity', 'raw'] as const) slice(kind);
    const runs: IssuanceResult['runs'] = (['raw', 'amity'] as const).map((kind) => ({ kind, perSecond: totals[kind].n / (totals[kind].ms / 1000) }));
    const mean = (k: 'raw' | 'amity') => runs.find((r) => r.kind === k)!.perSecond;
    return { issuedPerSecond: mean('amity'), rawSignsPerSecond: mean('raw'), runs };
  } finally {
    await database.close();
  }
}

import type { Database } from '../store/database.js';
import type { SigningKeys } from '../directory/signingKeys.js';
import type { TokenIssuer } from '../directory/issuer.js';
import type { TokenVerifier } from '../directory/tokenVerifier.js';
import type { FastifyBaseLogger } from 'fastify';
import type { RbacEvaluator } from '../rbac/evaluator.js';
import type { WorkloadTokens } from '../tokens/workloadToken.js';
import type { Federation } from '../directory/federation/exchange.js';
import type { Metrics } from './metrics.js';
import type { ArmThrottle } from '../arm/throttling.js';

/** What every part of a running server shares: built once in the composition root. */
export interface ServerContext {
  publicUrl: string;
  tenantId: string;
  database: Database;
  keys: SigningKeys;
  issuer: TokenIssuer;
  verifier: TokenVerifier;
  /** Verifies tokens for the Microsoft Graph directory API (audience `<publicUrl>/msgraph/` or Graph's own). */
  graphVerifier: TokenVerifier;
  /** Audiences an ARM token may carry. */
  armAudiences: readonly string[];
  log: FastifyBaseLogger;
  /** Background work (resource group deletes) to await on shutdown. */
  background: Set<Promise<unknown>>;
  /** Role assignments and definitions, answered from memory (src/rbac/evaluator.ts). */
  rbac: RbacEvaluator;
  /** The workload token service behind `/msi/token` (src/tokens/). */
  workloadTokens: WorkloadTokens;
  /** Workload identity federation: external tokens exchanged for managed identity tokens (src/directory/federation/). */
  federation: Federation;
  /** Prometheus metrics (src/server/metrics.ts); absent in servers built without them. */
  metrics?: Metrics;
  /** ARM throttling (src/arm/throttling.ts), only when it is on. */
  throttle?: ArmThrottle;
}

/** Kept apart from the key code so the CLI can show the defaults without loading the crypto and the store. */
export interface SigningKeyPolicy {
  /** The schedule makes a new key when the active one is this old. */
  rotateAfterDays: number;
  /** Retired keys stay in the JWKS at least this long… */
  publishRetiredDays: number;
  /** …and at least the longest token lifetime plus clock skew, whichever is longer. */
  maxTokenLifetimeSeconds: number;
  /** How long a new key is published before it signs (the schedule's and `amity keys rotate`'s default). */
  publishDelaySeconds: number;
  /** How often a running server re-reads the keys (keys made by another node or by `amity keys rotate`). */
  reloadIntervalSeconds: number;
}

export const DEFAULT_KEY_POLICY: SigningKeyPolicy = {
  rotateAfterDays: 30,
  publishRetiredDays: 2,
  maxTokenLifetimeSeconds: 86_400,
  publishDelaySeconds: 600,
  reloadIntervalSeconds: 60,
};

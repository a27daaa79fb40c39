/**
 * How stale a node's in-memory view of shared state may be when several nodes share one PostgreSQL: role
 * assignments, token revocations and the signing keys are re-checked against the database at least this often
 * (one cheap point read of a change counter, not a reload). A write committed on one node is therefore acted on by
 * every other node within this bound plus one database round trip. SQLite (one process) needs none of it: a write
 * on this node marks its own caches at once.
 */
export const CONVERGENCE_MS = 500;

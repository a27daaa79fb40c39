import crypto from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../store/database.js';
import { nodesStore } from '../store/nodes.js';

const BEAT_MS = 5_000;
/** Three missed beats and a node no longer counts: a killed node's share returns to the others within ~15 s. */
const LIVE_MS = 15_000;
const PRUNE_MS = 3_600_000;

/**
 * Keeps this node's row in `nodes` fresh and reports how many nodes are live, so ARM throttling can take this node's
 * share of the limits. A failed beat is logged and the last count kept: throttling must not fail requests because the
 * database blinked.
 */
export class NodeHeartbeat {
  readonly nodeId = crypto.randomUUID();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly database: Database,
    private readonly onCount: (liveNodes: number) => void,
    private readonly log: () => FastifyBaseLogger | undefined,
  ) {}

  async start(): Promise<void> {
    await nodesStore.prune(this.database.db, new Date(Date.now() - PRUNE_MS));
    await this.beat();
    this.timer = setInterval(() => {
      this.running ??= this.beat().finally(() => (this.running = undefined));
    }, BEAT_MS);
    this.timer.unref();
  }

  /** Stops beating and removes this node's row, so the others take its share at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await nodesStore.remove(this.database.db, this.nodeId).catch((e: unknown) => this.log()?.warn({ err: e }, 'removing this node from the nodes table failed'));
  }

  private async beat(): Promise<void> {
    try {
      const now = Date.now();
      await nodesStore.beat(this.database.db, this.nodeId, new Date(now));
      this.onCount(await nodesStore.countLive(this.database.db, new Date(now - LIVE_MS)));
    } catch (e) {
      this.log()?.warn({ err: e }, 'node heartbeat failed; keeping the last node count');
    }
  }
}

// Which server instances are running, and each one's own figures: every instance publishes its figures once a second
// to a board, and the dashboard and `system.stats` show every instance that published lately. One process on the
// embedded store has a board of its own (localInstanceBoard); instances that share services share a board in Redis
// (@tweetstore/store-postgres's redisInstanceBoard), so any instance's dashboard shows all of them.

/** One instance's figures of its last full second. */
export interface InstanceFigures {
  /** The instance's name (TWEETSTORE_INSTANCE_ID, default `<host name>:<pid>`). */
  id: string;
  /** Epoch ms. */
  startedAt: number;
  /** When these figures were taken (epoch ms, the instance's clock). */
  at: number;
  requestsPerSecond: number;
  /** Share of those calls that failed (0..1). */
  errorRate: number;
  p99Ms: number;
  eventLoopDelayP99Ms: number;
  rssBytes: number;
  webSockets: number;
  subscriptions: number;
  /** The newest event this instance's feed has given its subscribers. */
  headSeq: number;
  /** The store engine's figures as this instance sees them (its connection pool, its tail's lag, ...). */
  details: Record<string, number>;
}

export interface InstanceBoard {
  /** This instance's id. */
  readonly self: string;
  /** Puts (replaces) this instance's figures; they count as running for `staleMs` after `figures.at`. */
  publish(figures: InstanceFigures): Promise<void>;
  /** Every instance whose figures are fresh, this one included once it has published, ordered by id. */
  list(): Promise<InstanceFigures[]>;
  /** Figures of the service behind the board, by name (a name ending in `Bytes` is a size); none for a local board. */
  shared(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** Figures older than this are an instance that stopped (or whose clock is far behind). */
export const INSTANCE_STALE_MS = 10_000;

/** The board of a server that runs alone: it shows this instance only. */
export function localInstanceBoard(self: string): InstanceBoard {
  let mine: InstanceFigures | undefined;
  return {
    self,
    async publish(figures) {
      mine = figures;
    },
    async list() {
      return mine ? [mine] : [];
    },
    async shared() {
      return {};
    },
    async close() {},
  };
}

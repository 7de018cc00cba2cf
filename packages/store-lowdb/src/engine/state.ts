// What the embedded engine's parts (the port adapter, the details reader, the checkpointer, the rebuild after a
// failure, the views batches) share, each reading it as it is now: the projection, which a rebuild replaces whole;
// the event log, whose journal a rebuild may reopen; and whether the store is closing or rebuilding.
import type { CheckpointStore } from '../checkpoint/checkpoints.ts';
import type { EventLog } from '../feed/event-log.ts';
import type { Journal } from '../journal/index.ts';
import type { ResolvedOptions } from '../options.ts';
import type { Projection } from '../projection/projection.ts';

export class EngineState {
  closing = false;
  rebuilding = false;

  constructor(
    public p: Projection,
    readonly log: EventLog,
    readonly checkpoints: CheckpointStore,
    readonly o: ResolvedOptions,
  ) {}

  get journal(): Journal {
    return this.log.journal;
  }

  /** Writes can be made durable: the log has not failed, and no rebuild is replacing the projection. */
  healthy(): boolean {
    return !this.log.failed && !this.rebuilding;
  }
}

// The embedded engine's event feed: the event log's durable head and subscribers, and the events after a seq from the
// ring of recent events or, further back, the journal (whichever the log holds now: it is reopened after a failure).
import type { EventFeed, EventsAfter, StoreEvent, StoreLogger } from '@tweetstore/store';
import type { EventRing } from './event-ring.ts';
import type { EventLog } from './event-log.ts';

export class LowdbEventFeed implements EventFeed {
  constructor(
    private readonly log: EventLog,
    private readonly ring: EventRing,
  ) {}

  async head(): Promise<number> {
    return this.log.head;
  }

  async after(afterSeq: number, limit: number): Promise<EventsAfter> {
    const head = this.log.head;
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0 || afterSeq > head) return 'gone';
    const n = Math.min(Math.max(0, Math.floor(limit)), head - afterSeq);
    const recent = this.ring.after(afterSeq, n);
    if (recent) return recent;
    const journal = this.log.journal;
    if (journal.firstSeq() > afterSeq + 1) return 'gone';
    const out: StoreEvent[] = [];
    try {
      for await (const record of journal.read(afterSeq)) {
        if (record.seq > head || out.length >= n) break;
        out.push(JSON.parse(record.payload) as StoreEvent);
      }
    } catch (error) {
      if (journal.firstSeq() > afterSeq + 1) return 'gone'; // the segments went while we read them
      throw error;
    }
    return out;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    return this.log.subscribe(listener);
  }

  /** The oldest seq after which `after` can still answer. */
  oldestRetained(): number {
    return Math.min(this.ring.firstSeq() ?? this.log.head + 1, this.log.journal.firstSeq()) - 1;
  }

  /**
   * Reads the last `retain` events up to the checkpoint back into the ring, after the start (until then `after` reads
   * them from the journal): a subscriber that resumes after a restart gets what it missed without a journal read of
   * its own. `stopped`: the store is closing.
   */
  async refill(checkpointSeq: number, retain: number, logger: StoreLogger, stopped: () => boolean): Promise<void> {
    const journal = this.log.journal;
    const from = Math.max(journal.firstSeq() - 1, checkpointSeq - retain);
    if (from >= checkpointSeq || retain === 0) return;
    const records = [];
    try {
      for await (const record of journal.read(from)) {
        if (record.seq > checkpointSeq || stopped()) break;
        records.push(record);
      }
      this.ring.prepend(records);
    } catch (error) {
      // Damage the open did not look for (a checkpoint covers these records); a resume from before them fails with it.
      logger.error({ err: error }, 'the recent events before the checkpoint could not be read back; events.after reads them from the journal');
    }
  }
}

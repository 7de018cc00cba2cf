// The search index's words in text order (the forward index) that a restore left as its checkpoint encodes them,
// decoded once the store is open, a chunk per event-loop turn as the details files are read (details.ts): decoding
// the 17M words of a 1M store in `open` made the restart ~1 s longer. Until a tweet's chunk is decoded its phrases are
// matched against its text. A chunk that does not hold together is logged and keeps no words; the store goes on.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EngineState } from './state.ts';

export class ForwardIndexDecoding {
  #running = false;

  constructor(private readonly state: EngineState) {}

  /** Decodes what the projection left encoded, unless it does already (a rebuild's new projection starts it again). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#decodeAll();
  }

  async #decodeAll(): Promise<void> {
    const { logger } = this.state.o;
    try {
      for (;;) {
        await nextTurn();
        if (this.state.closing) return;
        const decoded = this.state.p.decodeWords(); // the projection as it is now: a rebuild may have replaced it
        if (decoded === undefined) return;
        if (decoded.error) {
          const { first, n, error } = decoded;
          logger.error({ err: error, tweets: `#${first}-#${first + n - 1}` }, "a checkpoint's words in text order do not hold together; those tweets' phrases are matched against their texts");
        }
      }
    } catch (error) {
      logger.error({ err: error }, 'decoding the search index of a checkpoint failed; phrases are matched against the texts');
    } finally {
      this.#running = false;
    }
  }
}

// Version histories on disk: the versions a checkpoint stored are read back from its history files when a history
// is asked for (listVersions, a revert) or a checkpoint rewrites the chunk. A few parsed files are kept, since a
// page of tweets or a rewrite reads one file for many tweets.
import { historyVersions, storedRow, textIn, type HistoryChunk, type HistoryFile } from './format/history-rows.ts';
import type { CheckpointFileRef, TweetRecord, VersionRecord } from '../projection/records.ts';
import { allVersions } from '../projection/versions.ts';
import type { CheckpointStore } from './checkpoints.ts';

const CACHED_FILES = 16;
/** A file can go while it is read if checkpoints moved the tweet on meanwhile: then the newer one is read. */
const ATTEMPTS = 3;

export class HistoryFiles {
  readonly #cache = new Map<string, Promise<HistoryFile>>();

  constructor(private readonly checkpoints: CheckpointStore) {}

  /**
   * A history file, checked against the manifest's size and CRC-32. `cache`: keep it for the next reads (not for a
   * checkpoint, which reads each file once: kept files outlive young-generation GCs, and copying them made those GCs
   * stall the event loop for 40-60 ms during a full checkpoint of a million tweets).
   */
  read(ref: CheckpointFileRef, cache = true): Promise<HistoryFile> {
    const key = `${ref.checkpoint}/${ref.file}`;
    let file = this.#cache.get(key);
    if (file) {
      this.#cache.delete(key); // to the back: least recently used goes first
    } else {
      file = this.checkpoints.readFile<HistoryChunk>(ref.checkpoint, { name: ref.file, bytes: ref.bytes, crc: ref.crc }).then(({ rows, texts }) => {
        if (!Array.isArray(rows) || !Array.isArray(texts)) throw new Error(`checkpoint ${ref.checkpoint}: ${ref.file} is not a history file`);
        return { rows, texts: new Map(texts) };
      });
      file.catch(() => this.#cache.delete(key));
      if (!cache) return file;
    }
    this.#cache.set(key, file);
    for (const old of this.#cache.keys()) {
      if (this.#cache.size <= CACHED_FILES) break;
      this.#cache.delete(old);
    }
    return file;
  }

  /** Every version of the tweet, oldest first. */
  async versions(t: TweetRecord): Promise<VersionRecord[]> {
    for (let attempt = 1; ; attempt++) {
      const { history, storedVersions } = t;
      if (storedVersions === 0 || history === null) return allVersions(t, []);
      try {
        const file = await this.read(history);
        if (t.history !== history || t.storedVersions !== storedVersions) continue; // a checkpoint moved it on
        return allVersions(t, historyVersions(storedRow(file, t), textIn(file)));
      } catch (error) {
        if (t.history === history || attempt >= ATTEMPTS) throw error;
      }
    }
  }
}

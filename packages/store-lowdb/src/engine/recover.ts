// Recovery: the newest usable checkpoint, then the journal's events after its seq. A checkpoint without manifest
// (a crash while writing it) is removed; a corrupt one is moved aside with a warning and an older one (or the
// journal from seq 0) is used instead. A failure that says nothing about the data (CheckpointUnreadable: an I/O
// error, the check worker failing) fails recovery instead of setting a good checkpoint aside. With a ring, the
// replayed events go into it too (the store reads the ones before the checkpoint back in the background, so
// events.after() answers across a restart).
import type { StoreEvent, StoreLogger } from '@tweetstore/store';
import type { Journal } from '../journal/index.ts';
import type { EventRing } from '../feed/event-ring.ts';
import { Projection } from '../projection/projection.ts';
import { CheckpointUnreadable, CheckpointUnusable, type CheckpointInfo, type CheckpointStore } from '../checkpoint/checkpoints.ts';
import { loadCheckpoint } from '../checkpoint/load.ts';

export interface Recovered {
  projection: Projection;
  checkpoint: CheckpointInfo | null;
  /** The next older checkpoint with a valid manifest (the fallback retention keeps), if any. */
  previous: CheckpointInfo | null;
}

export async function recover(o: {
  checkpoints: CheckpointStore;
  journal: Journal;
  now: number;
  logger: StoreLogger;
  /** Put the replayed events into this. */
  ring?: EventRing;
}): Promise<Recovered> {
  const { projection, checkpoint, previous } = await newestCheckpoint(o.checkpoints, o.now, o.logger);
  const { journal } = o;
  const base = projection.seq;
  const last = journal.lastSeq;
  if (last < base) throw new Error(`journal ends at seq ${last}, before checkpoint ${checkpoint?.name}: acknowledged events are missing`);
  const first = journal.firstSeq();
  if (first > base + 1) throw new Error(`journal starts at seq ${first}; events ${base + 1}..${first - 1} are in no usable checkpoint`);
  for await (const record of journal.read(base)) {
    const event = JSON.parse(record.payload) as StoreEvent;
    if (event.seq !== record.seq) throw new Error(`journal record ${record.seq} holds event seq ${event.seq}`);
    projection.apply(event);
    o.ring?.push(event);
  }
  if (projection.seq !== last) throw new Error(`journal replay stopped at seq ${projection.seq}, expected ${last}`);
  o.logger.info({ checkpoint: checkpoint?.name ?? null, checkpointSeq: base, headSeq: last, replayed: last - base }, 'store recovered');
  return { projection, checkpoint, previous };
}

async function newestCheckpoint(checkpoints: CheckpointStore, now: number, logger: StoreLogger): Promise<Recovered> {
  const found = await checkpoints.list();
  for (const [i, { name }] of found.entries()) {
    try {
      const { projection, info } = await loadCheckpoint(checkpoints, name, now);
      return { projection, checkpoint: info, previous: await olderManifest(checkpoints, found.slice(i + 1)) };
    } catch (error) {
      if (error instanceof CheckpointUnreadable) throw error;
      if (error instanceof CheckpointUnusable && error.reason === 'incomplete') {
        logger.info({ checkpoint: name }, 'removing an unfinished checkpoint');
        // Skipped either way; a disk that turned read-only (a rebuild after a failed write) must not stop recovery.
        await checkpoints.remove(name).catch((err: unknown) => logger.warn({ err, checkpoint: name }, 'could not remove an unfinished checkpoint; skipping it'));
        continue;
      }
      const aside = await checkpoints.quarantine(name);
      logger.warn(
        { err: error, checkpoint: name, movedTo: aside },
        `checkpoint ${name} is corrupt (${(error as Error).message}); moved aside, falling back to an older checkpoint or the journal`,
      );
    }
  }
  return { projection: new Projection(), checkpoint: null, previous: null };
}

/** The first of `older` whose manifest is valid; its files are read only if it is ever needed. */
async function olderManifest(checkpoints: CheckpointStore, older: readonly { name: string }[]): Promise<CheckpointInfo | null> {
  for (const { name } of older) {
    try {
      return await checkpoints.manifest(name);
    } catch {
      // not a fallback: the next checkpoint's retention removes it
    }
  }
  return null;
}

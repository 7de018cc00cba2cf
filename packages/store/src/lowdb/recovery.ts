// Recovery: the newest usable checkpoint, then the journal's events after its seq. A checkpoint without manifest
// (a crash while writing it) is removed; a corrupt one is moved aside with a warning and an older one (or the
// journal from seq 0) is used instead. With a ring, the recent events before the checkpoint are read back too,
// so eventsAfter() answers across a restart.
import type { StoreEvent } from '../events.ts';
import type { Journal } from '../journal/index.ts';
import type { EventRing } from '../domain/event-ring.ts';
import { Projection } from '../domain/projection.ts';
import { restoreSnapshot } from '../domain/snapshot.ts';
import { CheckpointUnusable, type CheckpointInfo, type CheckpointStore } from './checkpoints.ts';
import type { StoreLogger } from './options.ts';

export interface Recovered {
  projection: Projection;
  checkpoint: CheckpointInfo | null;
}

export async function recover(o: {
  checkpoints: CheckpointStore;
  journal: Journal;
  now: number;
  logger: StoreLogger;
  /** Refill this with the last `retainEvents` events. */
  ring?: { ring: EventRing; retainEvents: number };
}): Promise<Recovered> {
  const { projection, checkpoint } = await newestCheckpoint(o.checkpoints, o.now, o.logger);
  const { journal } = o;
  const base = projection.seq;
  const last = journal.lastSeq;
  if (last < base) throw new Error(`journal ends at seq ${last}, before checkpoint ${checkpoint?.name}: acknowledged events are missing`);
  const first = journal.firstSeq();
  if (first > base + 1) throw new Error(`journal starts at seq ${first}; events ${base + 1}..${first - 1} are in no usable checkpoint`);
  const from = o.ring ? Math.max(first - 1, Math.min(base, last - o.ring.retainEvents)) : base;
  for await (const record of journal.read(from)) {
    const event = JSON.parse(record.payload) as StoreEvent;
    if (event.seq !== record.seq) throw new Error(`journal record ${record.seq} holds event seq ${event.seq}`);
    if (event.seq > base) projection.apply(event);
    o.ring?.ring.push(event);
  }
  if (projection.seq !== last) throw new Error(`journal replay stopped at seq ${projection.seq}, expected ${last}`);
  o.logger.info({ checkpoint: checkpoint?.name ?? null, checkpointSeq: base, headSeq: last, replayed: last - base }, 'store recovered');
  return { projection, checkpoint };
}

async function newestCheckpoint(checkpoints: CheckpointStore, now: number, logger: StoreLogger): Promise<Recovered> {
  for (const { name } of await checkpoints.list()) {
    try {
      const { snapshot, info } = await checkpoints.load(name);
      return { projection: restoreSnapshot(snapshot, now), checkpoint: info };
    } catch (error) {
      if (error instanceof CheckpointUnusable && error.reason === 'incomplete') {
        logger.info({ checkpoint: name }, 'removing an unfinished checkpoint');
        await checkpoints.remove(name);
        continue;
      }
      const aside = await checkpoints.quarantine(name);
      logger.warn(
        { err: error, checkpoint: name, movedTo: aside },
        `checkpoint ${name} is corrupt (${(error as Error).message}); moved aside, falling back to an older checkpoint or the journal`,
      );
    }
  }
  return { projection: new Projection(), checkpoint: null };
}

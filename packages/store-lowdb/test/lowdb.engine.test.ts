// What only the embedded engine has: checkpoints + journal recovery, corrupt checkpoints, retention, storage failure.
import type { FileHandle } from 'node:fs/promises';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { authoring, logCapture, openedStores, tempDirs } from './support.ts';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_EDIT_POLICY, manualClock, parseContent, StorageUnavailable, type User } from '@tweetstore/core';
import type { StoreEvent, TweetStore } from '@tweetstore/store';
import type { LowdbStoreOptions } from '@tweetstore/store-lowdb';

const stores = openedStores();
const tempDir = tempDirs('tweetstore-engine-');

type Options = Partial<LowdbStoreOptions>;
const open = (dataDir: string, clock: ReturnType<typeof manualClock>, options: Options = {}) =>
  stores.open({ dataDir, clock, policy: DEFAULT_EDIT_POLICY, logger: logCapture().logger, ...options });
const closeStore = stores.close;
const { register, post } = authoring('u');

/** Every tweet as the author sees it plus every history: what must survive. */
async function everything(store: TweetStore, viewer: User) {
  const page = await store.listTweets({ viewerId: viewer.id, limit: 100, includeArchived: true });
  return { tweets: page.items, versions: await Promise.all(page.items.map((t) => store.listVersions(t.id, t.author.id))) };
}

/** The files as they are on disk now, as a crash would leave them (a checkpoint may be half written). */
async function crashImage(dataDir: string): Promise<string> {
  const image = await tempDir();
  for (let attempt = 0; ; attempt++) {
    try {
      // Temp files come and go while a checkpoint is written; a crash image without them is just as valid.
      await cp(dataDir, image, { recursive: true, filter: (src) => !src.endsWith('.tmp') });
      return image;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 20) throw error;
      await rm(image, { recursive: true, force: true });
    }
  }
}

async function checkpointDirs(dataDir: string): Promise<string[]> {
  return (await readdir(join(dataDir, 'checkpoints'))).filter((n) => n.startsWith('cp-')).sort();
}

describe('lowdb engine: checkpoints and recovery', () => {
  it('writes a checkpoint every checkpointEveryEvents events, split into files with a manifest', async () => {
    const dataDir = await tempDir();
    const clock = manualClock();
    const store = await open(dataDir, clock, { checkpointEveryEvents: 10, checkpointRowsPerFile: 2 });
    const author = await register(store);
    for (let i = 0; i < 12; i++) await post(store, author, `tweet ${i}`);
    await vi.waitFor(async () => expect((await store.stats()).details.checkpointSeq).toBeGreaterThanOrEqual(10));
    const [name] = await checkpointDirs(dataDir);
    const files = await readdir(join(dataDir, 'checkpoints', name!));
    expect(files).toContain('manifest.json');
    expect(files.filter((f) => f.startsWith('tweets-')).length).toBeGreaterThanOrEqual(5);
    const { headSeq, details } = await store.stats();
    expect(details.checkpointBytes).toBeGreaterThan(0);
    expect(details.journalBytes).toBeGreaterThan(0);
    expect(details.checkpointSeq).toBeLessThanOrEqual(headSeq);
  });

  it('writes a checkpoint after checkpointIntervalMs when events happened', async () => {
    const dataDir = await tempDir();
    const store = await open(dataDir, manualClock(), { checkpointIntervalMs: 20 });
    await vi.waitFor(() => new Promise((r) => setTimeout(r, 60)));
    expect((await store.stats()).details.checkpointSeq).toBe(0);
    await register(store);
    await vi.waitFor(async () => expect((await store.stats()).details.checkpointSeq).toBe(1));
  });

  it('recovers after a crash from the newest checkpoint plus the journal tail', async () => {
    const dataDir = await tempDir();
    const clock = manualClock();
    let store = await open(dataDir, clock, { checkpointRowsPerFile: 3 });
    const author = await register(store);
    for (let i = 0; i < 8; i++) await post(store, author, `before the checkpoint ${i}`);
    await closeStore(store); // writes the checkpoint
    store = await open(dataDir, clock);
    const checkpointSeq = (await store.stats()).details.checkpointSeq!;
    expect(checkpointSeq).toBe(await store.events.head());
    const fan = await register(store);
    const tail = await post(store, author, 'after the checkpoint');
    await store.engage({ id: tail.id, userId: fan.id, action: 'like' });
    await store.editTweet({ id: tail.id, actorId: author.id, text: parseContent('after the checkpoint, edited') });
    const head = await store.events.head();
    const expected = await everything(store, author);
    const events = await store.events.after(0, 10_000);

    const log = logCapture();
    const recovered = await open(await crashImage(dataDir), clock, { logger: log.logger }); // no close(): no final checkpoint
    expect(await recovered.stats()).toMatchObject({ headSeq: head, details: { checkpointSeq }, tweets: 9, users: 2, versions: 10 });
    expect(await everything(recovered, author)).toEqual(expected);
    expect(await recovered.getEngagement(tail.id, fan.id)).toMatchObject({ likes: 1, likedByCurrentUser: true });
    expect(await recovered.events.after(0, 10_000)).toEqual(events);
    expect(log.lines.find((l) => l.msg === 'store recovered')?.obj).toMatchObject({ checkpointSeq, replayed: head - checkpointSeq });
    expect(recovered.storeId).toBe(store.storeId);
  });

  it('captures each checkpoint at one consistent seq while writes go on', async () => {
    const dataDir = await tempDir();
    const clock = manualClock();
    const store = await open(dataDir, clock, { checkpointEveryEvents: 7, checkpointRowsPerFile: 2 });
    const author = await register(store);
    const fans = await Promise.all(Array.from({ length: 10 }, () => register(store)));
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      work.push(
        post(store, author, `tweet ${i} #n${i % 3}`).then(async (t) => {
          await store.engage({ id: t.id, userId: fans[i % 10]!.id, action: 'like' });
          if (i % 4 === 0) await store.editTweet({ id: t.id, actorId: author.id, text: parseContent(`tweet ${i}, edited`) });
          if (i % 5 === 0) await store.transitionTweet({ id: t.id, actorId: author.id, to: 'archive' });
        }),
      );
    }
    await Promise.all(work);
    await vi.waitFor(async () => expect((await store.stats()).details.checkpointSeq).toBeGreaterThan(0));
    const expected = await everything(store, author);
    const head = await store.events.head();

    const log = logCapture();
    const recovered = await open(await crashImage(dataDir), clock, { logger: log.logger });
    expect(await recovered.events.head()).toBe(head);
    expect((await recovered.stats()).details.checkpointSeq).toBeGreaterThan(0);
    expect(await everything(recovered, author)).toEqual(expected);
    expect(log.warns()).toEqual([]);
  });

  it('removes a checkpoint that has no manifest (a crash while writing it) and recovers from the journal', async () => {
    const dataDir = await tempDir();
    const clock = manualClock();
    const store = await open(dataDir, clock);
    const author = await register(store);
    await post(store, author, 'only in the journal');
    const expected = await everything(store, author);
    const crashed = await crashImage(dataDir);
    const half = join(crashed, 'checkpoints', `cp-${'2'.padStart(16, '0')}`);
    await mkdir(half);
    await writeFile(join(half, 'users-00000.json'), '{"rows":[');
    const log = logCapture();
    const recovered = await open(crashed, clock, { logger: log.logger });
    expect(await everything(recovered, author)).toEqual(expected);
    expect(log.warns()).toEqual([]);
    expect(await checkpointDirs(crashed)).toEqual([]);
  });

  it('stores identical text once in a checkpoint', async () => {
    const dataDir = await tempDir();
    const store = await open(dataDir, manualClock());
    const [a, b] = [await register(store), await register(store)];
    const text = 'the very same words, twice over';
    const [t1, t2] = [await post(store, a, text), await post(store, b, text)];
    expect(t1.contentHash).toBe(t2.contentHash);
    await closeStore(store);
    const [name] = await checkpointDirs(dataDir);
    let occurrences = 0;
    for (const file of await readdir(join(dataDir, 'checkpoints', name!))) {
      occurrences += (await readFile(join(dataDir, 'checkpoints', name!, file), 'utf8')).split(text).length - 1;
    }
    expect(occurrences).toBe(1);
  });
});

describe('lowdb engine: corrupt checkpoints', () => {
  async function twoCheckpoints(options: Options) {
    const dataDir = await tempDir();
    const clock = manualClock();
    let store = await open(dataDir, clock, options);
    const author = await register(store);
    for (let i = 0; i < 5; i++) await post(store, author, `before ${i}`);
    await closeStore(store); // checkpoint 1
    store = await open(dataDir, clock, options);
    for (let i = 0; i < 5; i++) await post(store, author, `after ${i}`);
    const expected = await everything(store, author);
    const head = await store.events.head();
    await closeStore(store); // checkpoint 2; checkpoint 1 is kept as the fallback
    const names = await checkpointDirs(dataDir);
    expect(names).toHaveLength(2);
    return { dataDir, clock, author, expected, head, names };
  }

  it('falls back to the older checkpoint with a warning when the newest one does not match its checksums', async () => {
    // retainEvents 0 and tiny segments: the journal is trimmed as far as the engine allows.
    const options = { retainEvents: 0, journalSegmentBytes: 200 };
    const { dataDir, clock, author, expected, head, names } = await twoCheckpoints(options);
    const newest = join(dataDir, 'checkpoints', names[1]!);
    let corrupted = 0;
    for (const name of await readdir(newest)) {
      const text = await readFile(join(newest, name), 'utf8');
      if (!text.includes('after 3')) continue;
      await writeFile(join(newest, name), text.replace('after 3', 'after 9')); // still valid JSON, wrong content
      corrupted++;
    }
    expect(corrupted).toBe(1);
    const log = logCapture();
    const store = await open(dataDir, clock, { ...options, logger: log.logger });
    expect(await everything(store, author)).toEqual(expected);
    expect(await store.stats()).toMatchObject({ headSeq: head, details: { checkpointSeq: Number(names[0]!.slice(3)) } });
    expect(log.warns()).toHaveLength(1);
    expect(log.warns()[0]!.obj).toMatchObject({ checkpoint: names[1] });
    expect(log.warns()[0]!.msg).toContain(names[1]);
  });

  it('falls back to the journal from seq 0 when the only checkpoint is unparsable', async () => {
    const dataDir = await tempDir();
    const clock = manualClock();
    let store = await open(dataDir, clock);
    const author = await register(store);
    for (let i = 0; i < 3; i++) await post(store, author, `tweet ${i}`);
    const expected = await everything(store, author);
    await closeStore(store);
    const [name] = await checkpointDirs(dataDir);
    await writeFile(join(dataDir, 'checkpoints', name!, 'manifest.json'), '{"format":1,"seq":');
    const log = logCapture();
    store = await open(dataDir, clock, { logger: log.logger });
    expect(await everything(store, author)).toEqual(expected);
    expect((await store.stats()).details.checkpointSeq).toBe(0);
    expect(log.warns()).toHaveLength(1);
    expect(log.warns()[0]!.obj).toMatchObject({ checkpoint: name });
  });
});

describe('lowdb engine: event retention', () => {
  it('answers eventsAfter across a restart after a checkpoint, and says gone beyond retainEvents', async () => {
    const options = { retainEvents: 10, journalSegmentBytes: 300 };
    const dataDir = await tempDir();
    const clock = manualClock();
    let store = await open(dataDir, clock, options);
    const author = await register(store);
    for (let i = 0; i < 30; i++) await post(store, author, `first run ${i}`);
    await closeStore(store);
    store = await open(dataDir, clock, options);
    for (let i = 0; i < 30; i++) await post(store, author, `second run ${i}`);
    const head = await store.events.head();
    const lastTen = await store.events.after(head - 10, 100);
    await closeStore(store); // checkpoint; the journal is trimmed up to the previous checkpoint and the last 10 events
    store = await open(dataDir, clock, options);
    expect(await store.events.head()).toBe(head);
    expect(await store.events.after(head - 10, 100)).toEqual(lastTen);
    expect(((await store.events.after(head - 10, 3)) as StoreEvent[]).map((e) => e.seq)).toEqual([head - 9, head - 8, head - 7]);
    expect(await store.events.after(0, 100)).toBe('gone');
    const oldest = (await store.stats()).oldestRetainedSeq;
    expect(oldest).toBeGreaterThan(0);
    expect(oldest).toBeLessThanOrEqual(head - 10);
    expect(((await store.events.after(oldest, 1000)) as StoreEvent[]).map((e) => e.seq)).toEqual(Array.from({ length: head - oldest }, (_, i) => oldest + i + 1));
    expect(await store.events.after(oldest - 1, 1000)).toBe('gone');
  });
});

describe('lowdb engine: views', () => {
  it('journals views as one ViewsCounted per tweet per flush period', async () => {
    const dataDir = await tempDir();
    const store = await open(dataDir, manualClock(), { viewsFlushMs: 30 });
    const [author, fan] = [await register(store), await register(store)];
    const [t1, t2] = [await post(store, author, 'one'), await post(store, author, 'two')];
    const head = await store.events.head();
    for (let i = 0; i < 5; i++) await store.engage({ id: t1.id, userId: fan.id, action: 'view' });
    await store.engage({ id: t2.id, userId: fan.id, action: 'view' });
    expect(await store.events.head()).toBe(head);
    await vi.waitFor(async () => expect(await store.events.head()).toBe(head + 2));
    const events = (await store.events.after(head, 10)) as StoreEvent[];
    expect(events.map((e) => (e.type === 'ViewsCounted' ? [e.tweetId, e.n] : e.type))).toEqual([
      [t1.id, 5],
      [t2.id, 1],
    ]);
    expect((await store.getEngagement(t1.id, null)).views).toBe(5);
  });
});

describe('lowdb engine: storage failure', () => {
  function flakyIo() {
    const io = {
      failing: false,
      write: async (file: FileHandle, data: Uint8Array) => (await file.write(data)).bytesWritten,
      datasync: async (file: FileHandle) => {
        if (io.failing) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
        await file.datasync();
      },
    };
    return io;
  }

  it('rejects with StorageUnavailable, rebuilds without the failed writes, and accepts writes again', async () => {
    const dataDir = await tempDir();
    const clock = manualClock();
    const io = flakyIo();
    const log = logCapture();
    const store = await open(dataDir, clock, { journalIo: io, logger: log.logger });
    const seen: number[] = [];
    store.events.subscribe((e) => seen.push(e.seq));
    const [author, fan] = [await register(store), await register(store)];
    const t = await post(store, author, 'stable');
    const head = await store.events.head();
    const before = await everything(store, author);

    io.failing = true;
    const failed = await Promise.allSettled([
      store.editTweet({ id: t.id, actorId: author.id, text: parseContent('never durable') }),
      store.engage({ id: t.id, userId: fan.id, action: 'like' }),
      post(store, author, 'lost', { idempotencyKey: 'retry-me' }),
    ]);
    for (const r of failed) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(StorageUnavailable);
    }
    // Refused only once the projection is rebuilt from disk: the first reads after the refusal show none of them.
    expect(await everything(store, author)).toEqual(before);
    expect(await store.getEngagement(t.id, fan.id)).toMatchObject({ likes: 0, likedByCurrentUser: false });
    await expect(register(store)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('I/O error') });
    await vi.waitFor(async () => expect(await store.writable()).toBe(true));
    expect(await store.events.head()).toBe(head);
    expect(await everything(store, author)).toEqual(before);
    expect(await store.getEngagement(t.id, fan.id)).toMatchObject({ likes: 0, likedByCurrentUser: false });
    expect(await store.events.after(head, 10)).toEqual([]);
    expect(seen).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(log.lines.some((l) => l.level === 'error')).toBe(true);

    // The disk is back: the next writes continue the seqs without a gap, and the key names no phantom tweet.
    io.failing = false;
    const edited = await store.editTweet({ id: t.id, actorId: author.id, text: parseContent('durable after all') });
    expect(edited.version).toBe(2);
    const retried = await post(store, author, 'retried', { idempotencyKey: 'retry-me' });
    expect(retried.content).toBe('retried');
    expect(seen).toEqual(Array.from({ length: head + 2 }, (_, i) => i + 1));
    const expected = await everything(store, author);
    await closeStore(store);
    const reopened = await open(dataDir, clock);
    expect(await everything(reopened, author)).toEqual(expected);
    expect(await reopened.events.head()).toBe(head + 2);
  });

  it('refuses writes while the disk keeps failing, and keeps serving reads', async () => {
    const dataDir = await tempDir();
    const io = flakyIo();
    const store = await open(dataDir, manualClock(), { journalIo: io });
    const author = await register(store);
    io.failing = true;
    await expect(register(store)).rejects.toBeInstanceOf(StorageUnavailable);
    await vi.waitFor(async () => expect(await store.writable()).toBe(true));
    await expect(register(store)).rejects.toBeInstanceOf(StorageUnavailable);
    expect(await store.getUser(author.id)).toEqual(author);
    await vi.waitFor(async () => expect(await store.writable()).toBe(true));
    io.failing = false;
    await expect(register(store)).resolves.toMatchObject({ username: expect.any(String) });
    expect(await store.events.head()).toBe(2);
  });
});

describe('one process per data folder', () => {
  it('refuses a second open while the folder is in use, and opens again once closed', async () => {
    const dir = await tempDir();
    const clock = manualClock();
    const first = await open(dir, clock);
    await expect(open(dir, clock)).rejects.toBeInstanceOf(StorageUnavailable);
    await closeStore(first);
    const again = await open(dir, clock);
    expect(await again.events.head()).toBe(await first.events.head());
  });

  it('refuses a folder locked by another running process and takes over a lock left by a dead one', async () => {
    const { spawn } = await import('node:child_process');
    const dir = await tempDir();
    const clock = manualClock();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      await writeFile(join(dir, 'LOCK'), `${other.pid}\n`);
      const refused = await open(dir, clock).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StorageUnavailable);
      expect(String((refused as Error).message)).toContain(String(other.pid));
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    const taken = await open(dir, clock);
    expect(await taken.writable()).toBe(true);
  });
});


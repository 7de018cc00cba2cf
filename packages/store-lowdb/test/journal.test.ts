import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalCorruptError, JournalError, openJournal, type Journal, type JournalIo, type JournalRecord } from '../src/journal/index.ts';

const HEADER_BYTES = 16;
const dirs: string[] = [];
const journals: Journal[] = [];

afterEach(async () => {
  await Promise.allSettled(journals.splice(0).map((journal) => journal.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tweetstore-journal-'));
  dirs.push(dir);
  return dir;
}

function logCapture() {
  const lines: { level: 'info' | 'warn' | 'error'; obj: object; msg: string | undefined }[] = [];
  const logger = {
    info: (obj: object, msg?: string) => void lines.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg?: string) => void lines.push({ level: 'warn', obj, msg }),
    error: (obj: object, msg?: string) => void lines.push({ level: 'error', obj, msg }),
  };
  return { logger, lines, warns: () => lines.filter((line) => line.level === 'warn') };
}

async function open(dir: string, options: { segmentBytes?: number; checkLaterThrough?: number; io?: JournalIo; logger?: ReturnType<typeof logCapture>['logger'] } = {}) {
  const journal = await openJournal({ dir, logger: logCapture().logger, ...options });
  journals.push(journal);
  return journal;
}

/** Variable-length, so a cut or a flip lands inside records of different sizes. */
function payloadOf(seq: number, edition = ''): string {
  return JSON.stringify({ type: 'Liked', seq, tweetId: `t${seq % 97}`, edition, pad: 'x'.repeat(seq % 41) });
}

function frameBytes(seq: number): number {
  return HEADER_BYTES + Buffer.byteLength(payloadOf(seq));
}

/** Appends from..to in chunks of `chunk` concurrent appends (each chunk is about one batch). */
async function appendRange(journal: Journal, from: number, to: number, chunk = 50): Promise<void> {
  for (let start = from; start <= to; start += chunk) {
    const acks: Promise<void>[] = [];
    for (let seq = start; seq <= Math.min(to, start + chunk - 1); seq++) acks.push(journal.append(seq, payloadOf(seq)));
    await Promise.all(acks);
  }
}

async function collect(journal: Journal, afterSeq = 0): Promise<JournalRecord[]> {
  const records: JournalRecord[] = [];
  for await (const record of journal.read(afterSeq)) records.push(record);
  return records;
}

function expectRecords(records: JournalRecord[], from: number, to: number): void {
  expect(records.map((record) => record.seq)).toEqual(Array.from({ length: to - from + 1 }, (_, index) => from + index));
  for (const record of records) expect(record.payload).toBe(payloadOf(record.seq));
}

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.log')).sort();
}

const firstSeqOf = (name: string) => Number(name.slice(0, 20));

async function flipByte(path: string, offset: number): Promise<void> {
  const data = await readFile(path);
  data[offset]! ^= 0x5a;
  await writeFile(path, data);
}

describe('journal round trip', () => {
  it('keeps 10k records across many segments through a reopen, in order, and reads from any seq', { timeout: 30_000 }, async () => {
    const dir = await tempDir();
    const journal = await open(dir, { segmentBytes: 4096 });
    await appendRange(journal, 1, 10_000);
    expect(journal.lastSeq).toBe(10_000);
    await journal.close();

    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(20);
    expect(files[0]).toBe('00000000000000000001.log');
    const reopened = await open(dir, { segmentBytes: 4096 });
    expect(reopened.lastSeq).toBe(10_000);
    expect(reopened.firstSeq()).toBe(1);
    expectRecords(await collect(reopened), 1, 10_000);
    expectRecords(await collect(reopened, 5_000), 5_001, 10_000);
    expectRecords(await collect(reopened, 9_999), 10_000, 10_000);
    expect(await collect(reopened, 10_000)).toEqual([]);

    // A read from the middle must not even open the segments before it: spoil the first one and read on.
    await writeFile(join(dir, files[0]!), randomBytes((await stat(join(dir, files[0]!))).size));
    expectRecords(await collect(reopened, firstSeqOf(files[1]!)), firstSeqOf(files[1]!) + 1, 10_000);
    await expect(collect(reopened, 0)).rejects.toBeInstanceOf(JournalCorruptError);
  });

  it('reads what was durable when read() was called while appends go on', async () => {
    const journal = await open(await tempDir(), { segmentBytes: 2048 });
    await appendRange(journal, 1, 1_000);
    const more = appendRange(journal, 1_001, 3_000, 20);
    const reading = collect(journal);
    await more;
    expectRecords(await reading, 1, 1_000);
    expectRecords(await collect(journal, 1_000), 1_001, 3_000);
  });

  it('refuses a seq that does not follow the last one, synchronously, and appends after close', async () => {
    const journal = await open(await tempDir());
    expect(() => journal.append(2, payloadOf(2))).toThrow(expect.objectContaining({ code: 'SEQUENCE' }));
    const first = journal.append(1, payloadOf(1));
    expect(() => journal.append(1, payloadOf(1))).toThrow(expect.objectContaining({ code: 'SEQUENCE' }));
    await first;
    await journal.flush();
    await journal.close();
    expect(() => journal.append(2, payloadOf(2))).toThrow(expect.objectContaining({ code: 'CLOSED' }));
  });
});

describe('group commit', () => {
  it('covers 1000 concurrent appends with far fewer fdatasyncs', async () => {
    const journal = await open(await tempDir());
    const acks: Promise<void>[] = [];
    for (let seq = 1; seq <= 1_000; seq++) acks.push(journal.append(seq, payloadOf(seq)));
    await Promise.all(acks);
    expect(journal.stats()).toMatchObject({ records: 1_000 });
    expect(journal.stats().fsyncs).toBeLessThan(100);
    expect(journal.lastSeq).toBe(1_000);
  });

  it('batches appends that arrive over many event-loop turns while a write is in flight', async () => {
    const journal = await open(await tempDir());
    const acks: Promise<void>[] = [];
    for (let seq = 1; seq <= 1_000; seq++) {
      acks.push(journal.append(seq, payloadOf(seq)));
      if (seq % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(acks);
    expectRecords(await collect(journal), 1, 1_000);
    expect(journal.stats().fsyncs).toBeLessThan(100);
  });

  it('resolves an append only after the fdatasync that covers it', async () => {
    let releaseSync!: () => void;
    const syncGate = new Promise<void>((resolve) => (releaseSync = resolve));
    const events: string[] = [];
    const io: JournalIo = {
      write: async (file, data) => (await file.write(data)).bytesWritten,
      datasync: async (file) => {
        await syncGate;
        await file.datasync();
        events.push('synced');
      },
    };
    const journal = await open(await tempDir(), { io });
    const acked = Promise.all([journal.append(1, payloadOf(1)), journal.append(2, payloadOf(2))]).then(() => events.push('acked'));
    const flushed = journal.flush().then(() => events.push('flushed'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual([]);
    expect(journal.lastSeq).toBe(0);
    releaseSync();
    await Promise.all([acked, flushed]);
    expect(events[0]).toBe('synced');
    expect(events.toSorted()).toEqual(['acked', 'flushed', 'synced']);
    expect(journal.lastSeq).toBe(2);
  });
});

describe('torn tail', () => {
  const LAST = 200;
  type Damage = { name: string; damage(path: string, size: number): Promise<void>; kept: number; offset(size: number): number; dropped: number };
  const damages: Damage[] = [
    {
      name: 'cut mid-record',
      damage: (path, size) => truncate(path, size - 5),
      kept: LAST - 1,
      offset: (size) => size - frameBytes(LAST),
      dropped: frameBytes(LAST) - 5,
    },
    { name: 'garbage appended', damage: (path) => appendFile(path, randomBytes(100)), kept: LAST, offset: (size) => size, dropped: 100 },
    {
      name: "a byte flipped in the last record's payload",
      damage: (path, size) => flipByte(path, size - 3),
      kept: LAST - 1,
      offset: (size) => size - frameBytes(LAST),
      dropped: frameBytes(LAST),
    },
  ];

  it.each(damages)('$name: keeps every record before it, warns once, and appends on', async ({ damage, kept, offset, dropped }) => {
    const dir = await tempDir();
    const journal = await open(dir, { segmentBytes: 1024 });
    await appendRange(journal, 1, LAST, 7);
    await journal.close();
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(3);
    const lastPath = join(dir, files.at(-1)!);
    const size = (await stat(lastPath)).size;
    await damage(lastPath, size);

    const log = logCapture();
    const reopened = await open(dir, { segmentBytes: 1024, logger: log.logger });
    expect(log.warns()).toEqual([{ level: 'warn', obj: { segment: lastPath, offset: offset(size), droppedBytes: dropped }, msg: 'journal: torn tail cut off' }]);
    expect((await stat(lastPath)).size).toBe(offset(size));
    expect(reopened.lastSeq).toBe(kept);
    expectRecords(await collect(reopened), 1, kept);
    await appendRange(reopened, kept + 1, kept + 50, 5);
    await reopened.close();

    const again = logCapture();
    const third = await open(dir, { segmentBytes: 1024, logger: again.logger });
    expect(again.warns()).toEqual([]);
    expect(third.lastSeq).toBe(kept + 50);
    expectRecords(await collect(third), 1, kept + 50);
  });

  it('cuts a last segment back to nothing when its first record is torn, and continues with the seq its name states', async () => {
    const dir = await tempDir();
    const journal = await open(dir, { segmentBytes: 1024 });
    await appendRange(journal, 1, LAST, 7);
    await journal.close();
    const lastName = (await segmentFiles(dir)).at(-1)!;
    await truncate(join(dir, lastName), 7);

    const log = logCapture();
    const reopened = await open(dir, { segmentBytes: 1024, logger: log.logger });
    expect(log.warns()).toEqual([expect.objectContaining({ obj: { segment: join(dir, lastName), offset: 0, droppedBytes: 7 } })]);
    const kept = firstSeqOf(lastName) - 1;
    expect(reopened.lastSeq).toBe(kept);
    await appendRange(reopened, kept + 1, kept + 10);
    await reopened.close();
    expectRecords(await collect(await open(dir)), 1, kept + 10);
  });
});

describe('corruption', () => {
  /** One segment of `count` records; returns its path and the offset of record `seq`. */
  async function oneSegment(count: number, seq: number): Promise<{ dir: string; path: string; offset: number }> {
    const dir = await tempDir();
    const journal = await open(dir);
    await appendRange(journal, 1, count, 1);
    await journal.close();
    let offset = 0;
    for (let before = 1; before < seq; before++) offset += frameBytes(before);
    return { dir, path: join(dir, (await segmentFiles(dir))[0]!), offset };
  }

  async function expectCorrupt(dir: string, file: string, offset: number): Promise<void> {
    const error = await openJournal({ dir, logger: logCapture().logger }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(JournalCorruptError);
    expect(error).toMatchObject({ code: 'CORRUPT', file, offset });
    expect((error as Error).message).toContain(`${file} at offset ${offset}`);
  }

  it('throws on a flipped payload byte in an early record followed by many valid ones, and changes nothing', async () => {
    const { dir, path, offset } = await oneSegment(300, 10);
    const size = (await stat(path)).size;
    await flipByte(path, offset + HEADER_BYTES + 4);
    await expectCorrupt(dir, path, offset);
    expect((await stat(path)).size).toBe(size);
  });

  it('throws on a damaged length field in an early record (the next valid record is found by scanning)', async () => {
    const { dir, path, offset } = await oneSegment(300, 10);
    await flipByte(path, offset + 1);
    await expectCorrupt(dir, path, offset);
  });

  it('throws on a torn record at the end of a segment that is not the last', async () => {
    const dir = await tempDir();
    const journal = await open(dir, { segmentBytes: 1024 });
    await appendRange(journal, 1, 200, 7);
    await journal.close();
    const first = join(dir, (await segmentFiles(dir))[0]!);
    const size = (await stat(first)).size;
    await truncate(first, size - 3);
    let lastFrameStart = 0;
    for (let seq = 1; lastFrameStart + frameBytes(seq) < size; seq++) lastFrameStart += frameBytes(seq);
    await expectCorrupt(dir, first, lastFrameStart);
  });

  it('throws on a seq gap between segments', async () => {
    const dir = await tempDir();
    const journal = await open(dir, { segmentBytes: 1024 });
    await appendRange(journal, 1, 200, 7);
    await journal.close();
    const files = await segmentFiles(dir);
    await unlink(join(dir, files[2]!));
    await expectCorrupt(dir, join(dir, files[3]!), 0);
  });
});

describe('segments a checkpoint covers (checkLaterThrough)', () => {
  /** 200 records in segments of ~1 KiB; `covered` is the last seq of segment 4, so segments 0-4 are covered. */
  async function segmented() {
    const dir = await tempDir();
    const journal = await open(dir, { segmentBytes: 1024 });
    await appendRange(journal, 1, 200, 7);
    await journal.close();
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(8);
    return { dir, files, path: (i: number) => join(dir, files[i]!), covered: firstSeqOf(files[5]!) - 1 };
  }

  const rejection = (promise: Promise<unknown>) => promise.then(() => expect.unreachable('should have been refused'), (error: unknown) => error);

  const damages: { name: string; damage(segment: string, firstSeq: number): Promise<void> }[] = [
    { name: "a flipped byte in its second record's payload", damage: (segment, firstSeq) => flipByte(segment, frameBytes(firstSeq) + HEADER_BYTES + 4) },
    { name: 'a torn record at its end', damage: async (segment) => truncate(segment, (await stat(segment)).size - 3) },
    { name: 'its removal (a seq gap)', damage: (segment) => unlink(segment) },
  ];

  it.each(damages)('$name, in a covered segment: opens without reading it, and the first read of it fails as the open used to', async ({ damage }) => {
    const { dir, files, path, covered } = await segmented();
    await damage(path(2), firstSeqOf(files[2]!));
    const expected = await rejection(openJournal({ dir, logger: logCapture().logger }));
    expect(expected).toBeInstanceOf(JournalCorruptError);

    const journal = await open(dir, { checkLaterThrough: covered });
    const uncovered = await Promise.all(files.slice(5).map(async (name) => (await stat(join(dir, name))).size));
    expect(journal.stats().checkedAtOpenBytes).toBe(uncovered.reduce((a, b) => a + b));
    expect(journal.lastSeq).toBe(200);
    expectRecords(await collect(journal, covered), covered + 1, 200); // what a restart replays
    const error = await rejection(collect(journal, 0)); // a fallback to an older checkpoint
    expect(error).toBeInstanceOf(JournalCorruptError);
    expect(error).toMatchObject({ file: (expected as JournalCorruptError).file, offset: (expected as JournalCorruptError).offset, message: (expected as Error).message });
  });

  it('checks at open the segment holding the first record after the covered seq, and every later one', async () => {
    const { dir, path, covered } = await segmented();
    await flipByte(path(5), HEADER_BYTES + 2);
    const error = await rejection(openJournal({ dir, logger: logCapture().logger, checkLaterThrough: covered }));
    expect(error).toMatchObject({ code: 'CORRUPT', file: path(5), offset: 0 });
    await flipByte(path(5), HEADER_BYTES + 2); // repaired
    await flipByte(path(4), HEADER_BYTES + 2); // segment 4 ends at `covered`: below that, it holds a record to replay
    await expect(openJournal({ dir, logger: logCapture().logger, checkLaterThrough: covered - 1 })).rejects.toMatchObject({ file: path(4), offset: 0 });
  });

  it('still cuts the torn tail of the last segment, however far the covered seq reaches', async () => {
    const { dir, files, path } = await segmented();
    const last = path(files.length - 1);
    const size = (await stat(last)).size;
    await truncate(last, size - 5);
    const log = logCapture();
    const journal = await open(dir, { checkLaterThrough: 1_000_000, logger: log.logger });
    expect(log.warns()).toEqual([expect.objectContaining({ msg: 'journal: torn tail cut off', obj: expect.objectContaining({ segment: last }) })]);
    expect(journal.lastSeq).toBe(199);
    expect(journal.stats().checkedAtOpenBytes).toBe(size - 5);
    expectRecords(await collect(journal), 1, 199);
  });
});

describe('removeThrough', () => {
  it('deletes only segments wholly at or below the seq, never the active one', async () => {
    const dir = await tempDir();
    const journal = await open(dir, { segmentBytes: 1024 });
    await appendRange(journal, 1, 300, 10);
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(6);
    const diskBytes = async () => (await Promise.all((await segmentFiles(dir)).map(async (name) => (await stat(join(dir, name))).size))).reduce((a, b) => a + b, 0);
    expect(journal.bytes()).toBe(await diskBytes());

    await journal.removeThrough(0);
    expect(await segmentFiles(dir)).toEqual(files);

    await journal.removeThrough(firstSeqOf(files[3]!) + 2); // inside segment 3: it stays
    expect(await segmentFiles(dir)).toEqual(files.slice(3));
    expect(journal.firstSeq()).toBe(firstSeqOf(files[3]!));
    expect(journal.bytes()).toBe(await diskBytes());
    expectRecords(await collect(journal), firstSeqOf(files[3]!), 300);

    await journal.removeThrough(firstSeqOf(files[4]!) - 1); // exactly segment 3's last seq
    expect(await segmentFiles(dir)).toEqual(files.slice(4));

    await journal.removeThrough(300);
    expect(await segmentFiles(dir)).toEqual(files.slice(-1));
    expect(journal.firstSeq()).toBe(firstSeqOf(files.at(-1)!));
    expect(journal.bytes()).toBe(await diskBytes());
    await appendRange(journal, 301, 320);
    await journal.close();

    const reopened = await open(dir, { segmentBytes: 1024 });
    expect(reopened.firstSeq()).toBe(firstSeqOf(files.at(-1)!));
    expectRecords(await collect(reopened), firstSeqOf(files.at(-1)!), 320);
  });
});

describe('I/O failure', () => {
  const ioError = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

  /** Real writes and syncs, except when `fail` says how the next batch should break. */
  function faultyIo() {
    const state: { fail: 'none' | 'write' | 'datasync' | 'lose-file'; gate: Promise<void> } = { fail: 'none', gate: Promise.resolve() };
    const io: JournalIo = {
      async write(file: FileHandle, data: Uint8Array) {
        await state.gate;
        if (state.fail === 'none' || state.fail === 'datasync') return (await file.write(data)).bytesWritten;
        // A disk that fills up mid-batch: part of the batch lands, then ENOSPC.
        await file.write(data.subarray(0, Math.floor(data.length / 2)));
        if (state.fail === 'lose-file') await file.close();
        throw ioError(state.fail === 'write' ? 'ENOSPC' : 'EIO');
      },
      async datasync(file: FileHandle) {
        if (state.fail === 'datasync') throw ioError('EIO');
        await file.datasync();
      },
    };
    return { io, state };
  }

  it.each([
    { fail: 'write' as const, code: 'ENOSPC' },
    { fail: 'datasync' as const, code: 'EIO' },
  ])('a failed $fail rejects its batch and what queued behind it, leaves no trace, and appending goes on', async ({ fail, code }) => {
    const dir = await tempDir();
    const { io, state } = faultyIo();
    const journal = await open(dir, { io });
    await appendRange(journal, 1, 20);
    const path = join(dir, (await segmentFiles(dir))[0]!);
    const goodSize = (await stat(path)).size;

    let release!: () => void;
    state.gate = new Promise((resolve) => (release = resolve));
    state.fail = fail;
    const inFlight = journal.append(21, payloadOf(21));
    await new Promise((resolve) => setTimeout(resolve, 10)); // the batch of 21 is now waiting in write
    const queued = [22, 23, 24].map((seq) => journal.append(seq, payloadOf(seq)));
    release();
    const results = await Promise.allSettled([inFlight, ...queued]);
    expect(results.map((result) => (result.status === 'rejected' ? (result.reason as { code: string }).code : 'fulfilled'))).toEqual([code, code, code, code]);
    expect(journal.lastSeq).toBe(20);
    expect((await stat(path)).size).toBe(goodSize);
    expect(() => journal.append(25, payloadOf(25))).toThrow(expect.objectContaining({ code: 'SEQUENCE' }));

    state.fail = 'none';
    await journal.append(21, payloadOf(21, 'retry'));
    await appendRange(journal, 22, 40);
    await journal.close();

    const log = logCapture();
    const reopened = await open(dir, { logger: log.logger });
    expect(log.warns()).toEqual([]);
    const records = await collect(reopened);
    expect(records.map((record) => record.seq)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    expect(records[20]!.payload).toBe(payloadOf(21, 'retry'));
  });

  it('when the failed batch cannot be cut back, rejects everything from then on with FAILED', async () => {
    const dir = await tempDir();
    const { io, state } = faultyIo();
    const log = logCapture();
    const journal = await open(dir, { io, logger: log.logger });
    await appendRange(journal, 1, 5);
    state.fail = 'lose-file';
    await expect(journal.append(6, payloadOf(6))).rejects.toMatchObject({ code: 'FAILED' });
    await expect(journal.append(6, payloadOf(6))).rejects.toBeInstanceOf(JournalError);
    expect(log.lines.filter((line) => line.level === 'error')).toHaveLength(1);
    await journal.close();
    expect((await open(dir)).lastSeq).toBeGreaterThanOrEqual(5);
  });
});

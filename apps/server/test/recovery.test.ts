// Damage found at start-up, recovered from through the real server process: a journal tail of garbage or a record cut
// short (what a crash mid-write leaves), a newest checkpoint that is corrupt or lost its manifest, and a corrupt file
// both checkpoints share. Each time the server starts, says what it found in a log line naming the file, and every
// acknowledged write is there. The rules themselves are tested on the engine (packages/store-lowdb/test/journal.test.ts,
// lowdb.engine.test.ts); these are the same through the server's start-up, logger and API.
import { execFileSync } from 'node:child_process';
import { appendFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, createClient, type TweetstoreClient } from '@tweetstore/client';
import { allTweets, logLines, startServerProcess, tempDataDir, type LogLine, type ServerProcess } from './harness.ts';

const env = { TWEETSTORE_EDIT_WINDOW_MINUTES: '0', TWEETSTORE_MAX_EDITS: '0' };
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

async function dataDir(): Promise<string> {
  const data = await tempDataDir();
  cleanups.push(data.remove);
  return data.dir;
}

/** A copy of a prepared data folder (cp -a keeps the hard links between checkpoints' unchanged files). */
async function copy(prepared: string): Promise<string> {
  const dir = path.join(await dataDir(), 'copy');
  execFileSync('cp', ['-a', prepared, dir]);
  return dir;
}

async function start(dir: string, extraEnv: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServerProcess(dir, { ...env, ...extraEnv });
  cleanups.push(() => server.kill('SIGKILL'));
  return server;
}

async function withClient<T>(server: ServerProcess, token: string, use: (api: TweetstoreClient) => Promise<T>): Promise<T> {
  const api = createClient({ url: server.url, token });
  try {
    return await use(api);
  } finally {
    await closeClient(api);
  }
}

/** Creates `n` tweets, edits every third and likes every second, each acknowledged before the next. */
async function writeSome(api: TweetstoreClient, label: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t = await api.tweet.create.mutate({ content: `${label} tweet ${i}` });
    if (i % 3 === 0) await api.tweet.edit.mutate({ id: t.id, content: `${label} tweet ${i}, edited` });
    if (i % 2 === 0) await api.tweet.engage.mutate({ id: t.id, action: 'like' });
  }
}

/** What must survive: every tweet with its version, likes and whole history, as its author sees it. */
async function stored(api: TweetstoreClient) {
  return Promise.all(
    (await allTweets(api)).map(async (t) => ({
      id: t.id,
      content: t.content,
      version: t.version,
      likes: t.engagement.likes,
      liked: t.engagement.likedByCurrentUser,
      history: (await api.tweet.versions.query({ id: t.id })).items.map((v) => v.content),
    })),
  );
}

/** The store's warnings and errors (the server's own, such as "web client not built", are not about the data). */
const storeWarnings = (server: ServerProcess): LogLine[] => logLines(server.output(), 40).filter((l) => l.component === 'store');
const recovered = (server: ServerProcess) => logLines(server.output()).find((l) => l.msg === 'store recovered');

/** Byte offsets of the journal records in a segment: [u32 payload length][u32 crc][u64 seq][payload]. */
function recordOffsets(segment: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = 0; at < segment.length; at += 16 + segment.readUInt32LE(at)) offsets.push(at);
  return offsets;
}

async function newestSegment(dir: string): Promise<string> {
  const names = (await readdir(path.join(dir, 'journal'))).filter((n) => n.endsWith('.log')).sort();
  return path.join(dir, 'journal', names.at(-1)!);
}

describe('a damaged journal, found at start-up', () => {
  /** The data folder of a server that wrote and acknowledged some tweets, then was killed with SIGKILL. */
  let prepared: string;
  let token: string;
  let expected: Awaited<ReturnType<typeof stored>>;

  beforeAll(async () => {
    prepared = await dataDir();
    const server = await start(prepared);
    token = (await createClient({ url: server.url }).auth.register.mutate({ username: 'journal', password: 'journal-password' })).token;
    expected = await withClient(server, token, async (api) => {
      await writeSome(api, 'before the crash', 12);
      return stored(api);
    });
    await server.kill('SIGKILL');
  });

  async function preparedCopy() {
    const dir = await copy(prepared);
    return { dir, segment: await newestSegment(dir) };
  }

  const tails: [string, (segment: Buffer) => Buffer][] = [
    ['garbage', () => Buffer.from('garbage left by a crash, not a journal record '.repeat(4))],
    [
      'a record cut short',
      (segment) => {
        // The next record, as a crash in the middle of writing it leaves it: its header and half its payload.
        const last = recordOffsets(segment).at(-1)!;
        const next = Buffer.from(segment.subarray(last));
        next.writeUInt32LE(next.readUInt32LE(8) + 1, 8);
        return next.subarray(0, 16 + Math.floor((next.length - 16) / 2));
      },
    ],
  ];

  it.each(tails)('cuts off %s at the tail with one warning naming the file and offset, and keeps every acknowledged write', async (_, tail) => {
    const { dir, segment } = await preparedCopy();
    const original = await readFile(segment);
    const damage = tail(original);
    await appendFile(segment, damage);

    let server = await start(dir);
    expect(storeWarnings(server)).toEqual([
      expect.objectContaining({ msg: 'journal: torn tail cut off', segment, offset: original.length, droppedBytes: damage.length }),
    ]);
    expect(await readFile(segment)).toEqual(original);
    expect(await withClient(server, token, stored)).toEqual(expected);

    // The journal goes on from the cut: a write after it survives the next crash, which finds nothing to cut.
    const after = await withClient(server, token, (api) => api.tweet.create.mutate({ content: 'written after the cut' }));
    await server.kill('SIGKILL');
    server = await start(dir);
    expect(storeWarnings(server)).toEqual([]);
    const now = await withClient(server, token, stored);
    expect(now[0]).toMatchObject({ id: after.id, content: 'written after the cut' });
    expect(now.slice(1)).toEqual(expected);
  });

  it('refuses to start, naming the file and offset, when a damaged record is followed by acknowledged ones', async () => {
    const { dir, segment } = await preparedCopy();
    const original = await readFile(segment);
    const damaged = recordOffsets(original)[5]!;
    const bytes = Buffer.from(original);
    bytes[damaged + 20]! ^= 0x01; // one bit of the sixth record's payload
    await writeFile(segment, bytes);

    const failed = await start(dir).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failed).toContain('server exited (1) before listening');
    const fatal = logLines(failed!, 60);
    expect(fatal).toHaveLength(1);
    expect((fatal[0]!.err as { message: string }).message).toContain(`journal corrupt: ${segment} at offset ${damaged}: checksum mismatch`);
    expect(await readFile(segment)).toEqual(bytes); // nothing was cut off
  });
});

describe('a damaged checkpoint, found at start-up', () => {
  /** Two checkpoints (written at graceful shutdowns), journal records after the newest, then a SIGKILL. */
  let prepared: string;
  let token: string;
  let expected: Awaited<ReturnType<typeof stored>>;
  let older: string;
  let newest: string;

  beforeAll(async () => {
    prepared = await dataDir();
    let server = await start(prepared);
    token = (await createClient({ url: server.url }).auth.register.mutate({ username: 'checkpoint', password: 'checkpoint-password' })).token;
    for (const phase of ['first', 'second']) {
      await withClient(server, token, (api) => writeSome(api, phase, 10));
      expect(await server.kill('SIGTERM')).toBe(0);
      server = await start(prepared);
    }
    expected = await withClient(server, token, async (api) => {
      await writeSome(api, 'after the last checkpoint', 5);
      return stored(api);
    });
    await server.kill('SIGKILL');
    const names = (await readdir(path.join(prepared, 'checkpoints'))).filter((n) => n.startsWith('cp-')).sort();
    expect(names).toHaveLength(2);
    [older, newest] = names as [string, string];
  });

  /** A file of the checkpoint that is linked `links` times (1: written by it; 2: shared with the older one). */
  async function fileLinked(dir: string, checkpoint: string, links: number): Promise<string> {
    const folder = path.join(dir, 'checkpoints', checkpoint);
    for (const name of (await readdir(folder)).filter((n) => n !== 'manifest.json').sort()) {
      if ((await stat(path.join(folder, name))).nlink === links) return path.join(folder, name);
    }
    throw new Error(`${checkpoint} has no file linked ${links} times`);
  }

  async function flipByte(file: string): Promise<void> {
    const bytes = await readFile(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    await writeFile(file, bytes);
  }

  it('moves a corrupt newest checkpoint aside with a warning, and recovers from the older one and the journal', async () => {
    const dir = await copy(prepared);
    await flipByte(await fileLinked(dir, newest, 1));
    let server = await start(dir, { LOG_LEVEL: 'info' });
    const warnings = storeWarnings(server);
    expect(warnings).toEqual([expect.objectContaining({ checkpoint: newest, movedTo: expect.any(String) })]);
    expect(warnings[0]!.msg).toMatch(new RegExp(`^checkpoint ${newest} is corrupt \\(.+\\); moved aside, falling back`));
    expect(recovered(server)).toMatchObject({ checkpoint: older });
    expect(await withClient(server, token, stored)).toEqual(expected);
    expect(await readdir(path.join(dir, 'checkpoints'))).not.toContain(newest);

    // A clean shutdown writes a new checkpoint; the next start uses it, with nothing to warn about.
    expect(await server.kill('SIGTERM')).toBe(0);
    server = await start(dir, { LOG_LEVEL: 'info' });
    expect(storeWarnings(server)).toEqual([]);
    expect(recovered(server)).toMatchObject({ replayed: 0 });
    expect(await withClient(server, token, stored)).toEqual(expected);
  });

  it('removes a newest checkpoint whose manifest is gone (as a crash while writing it leaves it), and recovers from the older one', async () => {
    const dir = await copy(prepared);
    await rm(path.join(dir, 'checkpoints', newest, 'manifest.json'));
    const server = await start(dir, { LOG_LEVEL: 'info' });
    expect(logLines(server.output()).filter((l) => l.component === 'store' && l.checkpoint === newest)).toEqual([
      expect.objectContaining({ level: 30, msg: 'removing an unfinished checkpoint' }),
    ]);
    expect(recovered(server)).toMatchObject({ checkpoint: older });
    expect(await withClient(server, token, stored)).toEqual(expected);
  });

  it('falls back to the whole journal when a file both checkpoints share is corrupt, warning about each', async () => {
    const dir = await copy(prepared);
    await flipByte(await fileLinked(dir, newest, 2));
    const server = await start(dir, { LOG_LEVEL: 'info' });
    expect(storeWarnings(server).map((l) => l.checkpoint)).toEqual([newest, older]);
    expect(recovered(server)).toMatchObject({ checkpoint: null, checkpointSeq: 0 });
    expect(await withClient(server, token, stored)).toEqual(expected);
  });
});

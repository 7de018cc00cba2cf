// A checkpoint that cannot be read for a reason that says nothing about its data (the worker that checks its files
// fails, an I/O error) is not set aside as corrupt: the open fails with the cause, and a later open uses it.
import { mkdir, readdir, rename, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_EDIT_POLICY, manualClock, type User } from '@tweetstore/core';
import type { TweetStore } from '@tweetstore/store';
import type { LowdbStoreOptions } from '@tweetstore/store-lowdb';
import { CheckpointUnreadable } from '../src/checkpoint/checkpoints.ts';
import { authoring, logCapture, openedStores, tempDirs } from './support.ts';

// While `failing.worker` is set, every worker thread is one that throws as it starts.
const failing = vi.hoisted(() => ({ worker: false }));
vi.mock('node:worker_threads', async (original) => {
  const real = await original<typeof import('node:worker_threads')>();
  class Worker extends real.Worker {
    constructor(script: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      super(failing.worker ? 'throw new Error("the worker could not start")' : script, failing.worker ? { eval: true } : options);
    }
  }
  return { ...real, Worker };
});

const stores = openedStores();
const tempDir = tempDirs('tweetstore-unreadable-');
const clock = manualClock();
const { register, post } = authoring('x');
// The journal trimmed as far as the engine allows: setting both checkpoints aside would leave nothing to open from.
const options = (dataDir: string, extra: Partial<LowdbStoreOptions> = {}): LowdbStoreOptions => ({
  dataDir,
  clock,
  policy: DEFAULT_EDIT_POLICY,
  logger: logCapture().logger,
  retainEvents: 0,
  journalSegmentBytes: 200,
  checkpointRowsPerFile: 2,
  readDetailsInBackground: false,
  ...extra,
});

const checkpointDirs = async (dataDir: string) => (await readdir(join(dataDir, 'checkpoints'))).sort();

async function tweetsOf(store: TweetStore, author: User) {
  const page = await store.listTweets({ viewerId: author.id, limit: 100, includeArchived: true });
  return page.items;
}

/** Two checkpoints with details files (checked by the worker) and a trimmed journal. */
async function twoCheckpoints() {
  const dataDir = await tempDir();
  let store = await stores.open(options(dataDir));
  const author = await register(store);
  for (let i = 0; i < 5; i++) await post(store, author, `before ${i}`);
  await stores.close(store);
  store = await stores.open(options(dataDir));
  for (let i = 0; i < 5; i++) await post(store, author, `after ${i}`);
  const expected = await tweetsOf(store, author);
  const head = await store.events.head();
  await stores.close(store);
  const names = await checkpointDirs(dataDir);
  expect(names).toHaveLength(2);
  return { dataDir, author, expected, head, names };
}

async function expectUsedLater(dataDir: string, names: string[], author: User, expected: unknown, head: number) {
  expect(await checkpointDirs(dataDir)).toEqual(names);
  const log = logCapture();
  const store = await stores.open(options(dataDir, { logger: log.logger }));
  expect(await store.stats()).toMatchObject({ headSeq: head, details: { checkpointSeq: Number(names[1]!.slice(3)) } });
  expect(await tweetsOf(store, author)).toEqual(expected);
  expect(log.warns()).toEqual([]);
}

describe('lowdb engine: checkpoints that cannot be read', () => {
  it('fails the open, setting nothing aside, when the worker that checks the files fails', async () => {
    const { dataDir, author, expected, head, names } = await twoCheckpoints();
    const log = logCapture();
    failing.worker = true;
    try {
      await expect(stores.open(options(dataDir, { logger: log.logger }))).rejects.toThrow(CheckpointUnreadable);
    } finally {
      failing.worker = false;
    }
    expect(log.warns()).toEqual([]);
    await expectUsedLater(dataDir, names, author, expected, head);
  });

  // tweets files are read on the main thread, details files by the worker
  it.each(['tweets-00000.json', 'details-00000.json'])('fails the open, setting nothing aside, when %s cannot be read (EISDIR)', async (name) => {
    const { dataDir, author, expected, head, names } = await twoCheckpoints();
    const file = join(dataDir, 'checkpoints', names[1]!, name);
    await rename(file, `${file}.kept`);
    await mkdir(file); // reading a directory fails with EISDIR: an I/O error, not bytes that do not match
    await expect(stores.open(options(dataDir))).rejects.toThrow(CheckpointUnreadable);
    await rmdir(file);
    await rename(`${file}.kept`, file);
    await expectUsedLater(dataDir, names, author, expected, head);
  });
});

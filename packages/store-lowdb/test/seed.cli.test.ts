// `tweetstore seed` end to end: a child process fills a temp data folder offline, refuses a folder in use, and
// stops cleanly on Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '@tweetstore/core';
import type { TweetStore } from '@tweetstore/store';
import { openLowdbStore } from '@tweetstore/store-lowdb';

const bin = fileURLToPath(new URL('../../client/bin/tweetstore.mjs', import.meta.url));
const dirs: string[] = [];
const stores: TweetStore[] = [];
afterEach(async () => {
  await Promise.allSettled(stores.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'tweetstore-seed-cli-'));
  dirs.push(dir);
  return dir;
}

async function open(dataDir: string) {
  const store = await openLowdbStore({ dataDir, clock: manualClock(Date.now()), policy: { windowMs: 0, maxEdits: 0 } });
  stores.push(store);
  return store;
}

const seed = (...args: string[]) => spawnSync(process.execPath, [bin, 'seed', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('tweetstore seed', { timeout: 60_000 }, () => {
  it('fills a data folder and prints a summary with the time taken and the store sizes', async () => {
    const dir = await tempDir();
    const run = seed('--data-dir', dir, '--tweets', '600', '--edits', '150', '--users', '12', '--seed', '5');
    expect(run.stderr).toContain('Ctrl-C cancels');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/seeded in \d+\.\d s: 12 users, 600 tweets \(\d+ replies\), 150 edits, 600 likes, 120 retweets/);
    expect(run.stdout).toMatch(/store: 12 users, 600 tweets, 750 versions, 1482 events; journal \d+\.\d MB, checkpoint \d+\.\d MB, checkpoint seq 1482,/);
    expect(run.stdout).toContain('password: tweetstore-seed');
    const store = await open(dir);
    expect(await store.stats()).toMatchObject({ users: 12, tweets: 600, versions: 750, headSeq: 1482 });
    expect((await store.stats()).details.checkpointSeq).toBe(1482);
  });

  it('refuses a data folder another process holds, with the lock message', async () => {
    const dir = await tempDir();
    await open(dir); // this test process now holds the folder's LOCK
    const run = seed('--data-dir', dir, '--tweets', '10', '--users', '2');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`is in use by process ${process.pid}`);
    expect(run.stderr).not.toContain('is the server running');
  });

  it('stops on Ctrl-C, closes the store cleanly and reports how far it got', async () => {
    const dir = await tempDir();
    const child = spawn(process.execPath, [bin, 'seed', '--data-dir', dir, '--tweets', '1000000', '--users', '50'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await expect.poll(() => err, { timeout: 30_000 }).toContain('Ctrl-C cancels');
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    expect(await exited, err).toBe(0);
    const tweets = Number(/cancelled in [\d.]+ s: 50 users, (\d+) tweets/.exec(out)?.[1]);
    expect(tweets, out).toBeGreaterThan(0);
    expect(tweets).toBeLessThan(1_000_000);
    const store = await open(dir);
    expect(await store.stats()).toMatchObject({ users: 50, tweets });
    expect((await store.stats()).details.checkpointSeq).toBe((await store.stats()).headSeq); // closed cleanly: a final checkpoint
  });
});

// Storage failures under the real server, on real file systems (./disk.ts): the data folder's disk fills up, or it
// turns read-only. Writes answer SERVICE_UNAVAILABLE saying why, reads go on, a read made after a refusal never shows
// the refused write, nothing acknowledged is lost, and writes resume once space returns. Mounting needs root: where
// it is not permitted, the tests skip and say why.
import { rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { closeClient, createClient, type TweetstoreClient } from '@tweetstore/client';
import { mountExt4, mountTmpfs, type MountedDisk } from './disk.ts';
import { allTweets, logLines, startServerProcess, type ServerProcess } from './harness.ts';

const env = { TWEETSTORE_EDIT_WINDOW_MINUTES: '0', TWEETSTORE_MAX_EDITS: '0' };

/** The server on `disk`, with a registered user; stopped, and the disk unmounted, when the test ends. */
async function serverOn(ctx: TestContext, disk: MountedDisk, extraEnv: Record<string, string> = {}) {
  const clients: TweetstoreClient[] = [];
  let server: ServerProcess | undefined;
  ctx.onTestFinished(async () => {
    await Promise.all(clients.map(closeClient));
    await server?.kill('SIGKILL');
    await disk.unmount();
  });
  server = await startServerProcess(path.join(disk.dir, 'data'), { ...env, ...extraEnv });
  const { token } = await createClient({ url: server.url }).auth.register.mutate({ username: 'storage', password: 'storage-password' });
  const client = (transport: 'http' | 'ws' = 'http') => {
    const api = createClient({ url: server.url, token, transport });
    clients.push(api);
    return api;
  };
  return { server, client };
}

/** The refusal's code and message, or 'OK'. */
async function refusal(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'OK',
    (error: { data?: { code?: string }; message: string }) => `${error.data?.code ?? 'no code'}: ${error.message}`,
  );
}

const readyz = async (url: string) => (await (await fetch(`${url}/readyz`)).json()) as { ok: boolean; writable: boolean };

describe('storage failures under the real server', { timeout: 60_000 }, () => {
  it('answers writes with SERVICE_UNAVAILABLE on a full disk, never shows a refused write, and resumes when space returns', async (ctx) => {
    const disk = await mountTmpfs(16);
    if (typeof disk === 'string') return ctx.skip(`needs root to mount a tmpfs: ${disk}`);
    const { client } = await serverOn(ctx, disk);
    const api = client();
    const before = await api.tweet.create.mutate({ content: 'written before the disk filled up' });
    await api.tweet.engage.mutate({ id: before.id, action: 'like' });
    // Fill every byte left: a large write, then smaller ones until ENOSPC.
    const junk = path.join(disk.dir, 'junk');
    await writeFile(junk, Buffer.alloc(0));
    for (const size of [8 << 20, 1 << 20, 64 << 10, 4 << 10, 512, 64, 1]) {
      try {
        for (;;) execFileSync('sh', ['-c', `head -c ${size} /dev/zero >> ${junk}`], { stdio: 'pipe' });
      } catch {}
    }

    // The journal file's last page may still have room (tmpfs allocates whole pages): write until a create is refused.
    // That create was applied in memory before its fsync failed; the first read after the refusal must not show it.
    const acked: string[] = [];
    const unchanged = async () => {
      expect((await api.tweet.list.query({ limit: 100 })).items.map((t) => t.id)).toEqual([...acked].reverse().concat(before.id));
      expect(await api.tweet.get.query({ id: before.id })).toMatchObject({ content: 'written before the disk filled up', version: 1, engagement: { likes: 1, retweets: 0 } });
    };
    for (let i = 0; ; i++) {
      expect(i, 'a create was refused once the disk was full').toBeLessThan(90);
      const created = await api.tweet.create.mutate({ content: `filling the last page ${i} ${'x'.repeat(200)}` }).catch((error: Error) => error);
      if (created instanceof Error) {
        expect(created).toMatchObject({ data: { code: 'SERVICE_UNAVAILABLE' }, message: expect.stringContaining('the disk is full') });
        break;
      }
      acked.push(created.id);
    }
    await unchanged();
    expect(await refusal(api.tweet.create.mutate({ content: 'no room for this' }))).toMatch(/^SERVICE_UNAVAILABLE: .*the disk is full/);
    await unchanged();
    expect(await refusal(api.tweet.edit.mutate({ id: before.id, content: 'nor for this' }))).toMatch(/^SERVICE_UNAVAILABLE: /);
    await unchanged();
    expect(await refusal(api.tweet.engage.mutate({ id: before.id, action: 'retweet' }))).toMatch(/^SERVICE_UNAVAILABLE: /);
    await unchanged();
    expect((await api.tweet.versions.query({ id: before.id })).items).toHaveLength(1);
    expect(await api.auth.me.query()).toMatchObject({ username: 'storage' });

    await rm(junk);
    // The store may still be rebuilding after the last refusal: retry for a few seconds.
    await expect.poll(() => refusal(api.tweet.create.mutate({ content: 'space is back' })), { timeout: 10_000, interval: 100 }).toBe('OK');
    await api.tweet.edit.mutate({ id: before.id, content: 'edited after the disk had room again' });
    const listed = (await api.tweet.list.query({ limit: 100 })).items;
    expect(listed.map((t) => t.content)).toEqual(['space is back', ...acked.map(() => expect.stringMatching(/^filling the last page/)), 'edited after the disk had room again']);
    expect(listed.slice(1).map((t) => t.id)).toEqual([...acked].reverse().concat(before.id));
    expect(listed.at(-1)).toMatchObject({ engagement: { likes: 1, retweets: 0 } });
    expect((await api.tweet.versions.query({ id: before.id })).items.map((v) => v.version)).toEqual([1, 2]);
    expect(listed[0]!.version).toBe(1);
  });

  it('refuses writes with SERVICE_UNAVAILABLE when the data folder turns read-only under write load, keeps reads going, and loses no write acknowledged before that', async (ctx) => {
    const disk = await mountExt4(64);
    if (typeof disk === 'string') return ctx.skip(`needs root to loop-mount an ext4 image: ${disk}`);
    // Frequent checkpoints: one is likely being written when the disk turns read-only.
    const { server, client } = await serverOn(ctx, disk, { TWEETSTORE_CHECKPOINT_EVERY: '25' });
    /** Each acknowledged write; `late`: answered only after the switch began (its fdatasync may have raced it). */
    const acked = new Map<string, { content: string; late: boolean }>();
    const refusals: string[] = [];
    let readOnly = false;
    const lanes = (['http', 'ws', 'http', 'ws'] as const).map(async (transport, lane) => {
      const api = client(transport);
      for (let n = 0, refused = 0; refused < 3; n++) {
        expect(n, `lane ${lane}: writes were refused once the disk turned read-only`).toBeLessThan(20_000);
        const content = `lane ${lane} write ${n}`;
        const created = await api.tweet.create.mutate({ content }).catch((error: Error) => error);
        if (!(created instanceof Error)) {
          acked.set(created.id, { content, late: readOnly });
          continue;
        }
        expect(created).toMatchObject({ data: { code: 'SERVICE_UNAVAILABLE' } });
        expect(readOnly, `lane ${lane}: refused before the disk turned read-only: ${created.message}`).toBe(true);
        // The first read after the refusal: the refused tweet is not there, every acknowledged one is.
        const newest = (await api.tweet.list.query({ limit: 100 })).items.map((t) => t.content);
        expect(newest, `lane ${lane}: a read after the refusal shows the refused write`).not.toContain(content);
        refusals.push(created.message);
        refused++;
      }
    });
    await expect.poll(() => acked.size, { timeout: 30_000 }).toBeGreaterThanOrEqual(100);
    readOnly = true;
    disk.turnReadOnly();
    await Promise.all(lanes);
    for (const message of refusals) expect(message).toMatch(/read-only/);

    const api = client();
    expect(await readyz(server.url)).toEqual({ ok: true, headSeq: expect.any(Number), writable: false });
    // The store keeps trying to reopen its journal (every second); the server lives on and serves reads meanwhile.
    await expect.poll(() => logLines(server.output(), 50).filter((l) => l.msg.startsWith('rebuilding the projection failed')).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(server.process.exitCode).toBeNull();
    const listed = new Map((await allTweets(api)).map((t) => [t.id, t.content]));
    for (const [id, { content }] of acked) expect(listed.get(id), `acknowledged tweet ${id} while read-only`).toBe(content);
    expect(await refusal(api.tweet.create.mutate({ content: 'still read-only' }))).toMatch(/^SERVICE_UNAVAILABLE: .*read-only/);
    expect(await readyz(server.url)).toMatchObject({ writable: false });

    // What the disk holds, once it can be mounted read-write again: every write acknowledged before the switch. One
    // answered after it began may be missing: Linux (6.18) can report an fdatasync in flight at the ext4 error as a
    // success although the error aborted the transaction that records the append (jbd2_complete_transaction takes
    // the aborted transaction for a committed one), and no later call tells the store. Each lane has one write in
    // flight and writes made after the switch are refused, so that is at most one write per lane.
    expect([...acked.values()].filter((w) => w.late).length, 'writes acknowledged after the switch began').toBeLessThanOrEqual(lanes.length);
    await server.kill('SIGKILL');
    disk.remount();
    const restarted = await startServerProcess(server.dataDir, env);
    const after = createClient({ url: restarted.url });
    try {
      const stored = new Map((await allTweets(after)).map((t) => [t.id, t.content]));
      // On failure, say what recovery logged (warn and above).
      const why = () => `acknowledged tweet after the restart; recovery logged: ${JSON.stringify(logLines(restarted.output(), 40).map((l) => l.msg))}`;
      for (const [id, { content, late }] of acked) if (!late || stored.has(id)) expect(stored.get(id), `${id}: ${why()}`).toBe(content);
    } finally {
      await closeClient(after);
      await restarted.kill('SIGKILL');
    }
  });
});

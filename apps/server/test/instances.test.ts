// Three real server processes on one PostgreSQL, Redis and S3, written to on all three at once: every promise of
// API.md's "Running: engines and instances", checked as a user of several instances would see it.
import { describe, expect, it } from 'vitest';
import { isTRPCClientError, type TweetstoreClient } from '@tweetstore/client';
import { png } from '../../../packages/media/test/fixtures.ts';
import { startSignal } from './harness.ts';
import { clusterForTests } from './instances/cluster.ts';

const N = 3;
const cluster = clusterForTests(N);
const each = <T>(f: (i: number) => T) => Array.from({ length: N }, (_, i) => f(i));
const codeOf = (error: unknown) => (isTRPCClientError(error) ? (error.data as { code?: string } | undefined)?.code : undefined);

/** One user per instance, each with a client of "their" instance over HTTP and one over WebSocket. */
async function usersOnEveryInstance(name: string) {
  return Promise.all(
    each(async (i) => {
      const { id, token } = await cluster.register(i, `${name}${i}`);
      return { id, token, http: cluster.client(i, { token }), ws: cluster.client(i, { token, transport: 'ws' }) };
    }),
  );
}

interface Received {
  eventId: string;
  type: string;
  tweetId: string | undefined;
}

/** Subscribes to every tweet change on instance `i` (from `lastEventId` when given); resolves once it has started. */
async function watch(api: TweetstoreClient, lastEventId?: string) {
  const received: Received[] = [];
  const { started, onStarted } = startSignal();
  const sub = api.tweet.onChange.subscribe(
    { lastEventId },
    { onStarted, onData: ({ id, data }) => received.push({ eventId: id, type: data.type, tweetId: data.type === 'reset' ? undefined : data.tweet?.id }) },
  );
  await started;
  return { received, stop: () => sub.unsubscribe() };
}

describe(`${N} instances on one PostgreSQL, Redis and S3`, () => {
  it('shows a write acknowledged by one instance to the very next read on every other', async () => {
    const users = await usersOnEveryInstance('reader');
    const readers = each((i) => cluster.client(i));
    for (let round = 0; round < 20; round++) {
      const writer = users[round % N]!;
      const tweet = await writer.http.tweet.create.mutate({ content: `read me everywhere, round ${round}` });
      const edited = await writer.ws.tweet.edit.mutate({ id: tweet.id, content: `read me everywhere, round ${round}, edited` });
      const liked = await users[(round + 1) % N]!.http.tweet.engage.mutate({ id: tweet.id, action: 'like' });
      expect(liked.likes).toBe(1);
      // no waiting: the next read on any instance sees all three
      for (const reader of readers) {
        const seen = await reader.tweet.get.query({ id: tweet.id });
        expect(seen).toMatchObject({ version: edited.version, content: edited.content });
        expect(seen.engagement.likes).toBe(1);
      }
    }
  });

  it('gives every subscriber on every instance every event of every instance, once, in one order', async () => {
    const users = await usersOnEveryInstance('streamer');
    const watchers = await Promise.all(each((i) => watch(cluster.client(i, { transport: 'ws' }))));
    const created = new Set<string>();
    // every instance writes at once, over both transports
    await Promise.all(
      users.flatMap((u) =>
        [u.http, u.ws].map(async (api, lane) => {
          for (let n = 0; n < 25; n++) {
            const t = await api.tweet.create.mutate({ content: `stream ${u.id} lane ${lane} #${n}` });
            created.add(t.id);
            if (n % 5 === 0) await api.tweet.edit.mutate({ id: t.id, content: `stream ${u.id} lane ${lane} #${n} edited` });
          }
        }),
      ),
    );
    const expected = created.size + created.size / 5;
    await expect.poll(() => watchers.map((w) => w.received.length), { timeout: 30_000 }).toEqual(each(() => expected));
    const orders = watchers.map((w) => w.received.map((r) => r.eventId));
    for (const order of orders) {
      expect(new Set(order).size).toBe(order.length); // once
      expect(order).toEqual(orders[0]); // the same order on every instance
    }
    expect(new Set(watchers[0]!.received.filter((r) => r.type === 'created').map((r) => r.tweetId))).toEqual(created);
    for (const w of watchers) w.stop();
  });

  it('resumes a stream on another instance with exactly the events it missed', async () => {
    const [author] = await usersOnEveryInstance('resumer');
    const first = await watch(cluster.client(0, { transport: 'ws' }));
    const before = await author!.http.tweet.create.mutate({ content: 'seen before the switch' });
    await expect.poll(() => first.received.map((r) => r.tweetId)).toEqual([before.id]);
    first.stop();
    const lastEventId = first.received.at(-1)!.eventId;
    // missed while no one listened, written on every instance
    const missed = [];
    for (let i = 0; i < N; i++) missed.push((await cluster.client(i, { token: author!.token }).tweet.create.mutate({ content: `missed on instance ${i}` })).id);
    for (let i = 1; i < N; i++) {
      const resumed = await watch(cluster.client(i, { transport: 'ws' }), lastEventId);
      await expect.poll(() => resumed.received.map((r) => r.tweetId)).toEqual(missed);
      const after = await author!.ws.tweet.create.mutate({ content: `live after resuming on ${i}` });
      await expect.poll(() => resumed.received.map((r) => r.tweetId)).toEqual([...missed, after.id]);
      expect(resumed.received.some((r) => r.type === 'reset')).toBe(false);
      resumed.stop();
      missed.push(after.id);
    }
  });

  it('counts likes exactly and keeps one tweet per idempotency key under calls spread over every instance', async () => {
    const [author] = await usersOnEveryInstance('counted');
    const tweet = await author!.http.tweet.create.mutate({ content: 'like me from everywhere' });
    const likers = await Promise.all(Array.from({ length: 24 }, (_, k) => cluster.register(k % N, `liker${k}`)));
    // each liker likes twice, on two instances at once; a third of them take it back, also twice at once
    await Promise.all(
      likers.flatMap((l, k) => [k % N, (k + 1) % N].map((i) => cluster.client(i, { token: l.token }).tweet.engage.mutate({ id: tweet.id, action: 'like' }))),
    );
    await Promise.all(
      likers
        .filter((_, k) => k % 3 === 0)
        .flatMap((l, k) => [k % N, (k + 2) % N].map((i) => cluster.client(i, { token: l.token }).tweet.engage.mutate({ id: tweet.id, action: 'unlike' }))),
    );
    for (let i = 0; i < N; i++) expect((await cluster.client(i).tweet.get.query({ id: tweet.id })).engagement.likes).toBe(16);

    // the same key sent to every instance at once, three times each: one tweet
    const answers = await Promise.all(
      each((i) => cluster.client(i, { token: author!.token })).flatMap((api) => [0, 1, 2].map(() => api.tweet.create.mutate({ content: 'exactly once', idempotencyKey: 'spread-key-1' }))),
    );
    expect(new Set(answers.map((t) => t.id)).size).toBe(1);
    const listed = await cluster.client(2).tweet.list.query({ authorId: author!.id, limit: 100 });
    expect(listed.items.filter((t) => t.content === 'exactly once')).toHaveLength(1);
  });

  it('lets one of two edits racing with the same expectedVersion on different instances win, and the other CONFLICT', async () => {
    const [author] = await usersOnEveryInstance('racer');
    for (let round = 0; round < 10; round++) {
      const tweet = await author!.http.tweet.create.mutate({ content: `race ${round}`, draft: true }); // drafts edit freely
      const results = await Promise.allSettled(
        each((i) => cluster.client(i, { token: author!.token }).tweet.edit.mutate({ id: tweet.id, content: `race ${round} won by ${i}`, expectedVersion: 1 })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').map((r) => codeOf((r as PromiseRejectedResult).reason))).toEqual(each(() => 'CONFLICT').slice(1));
      const winner = (won[0] as PromiseFulfilledResult<{ content: string; version: number }>).value;
      for (let i = 0; i < N; i++) expect(await cluster.client(i, { token: author!.token }).tweet.get.query({ id: tweet.id })).toMatchObject({ version: 2, content: winner.content });
    }
  });

  it('shares sessions: signed in on one instance, known on every other, and signed out everywhere at once', async () => {
    const { token } = await cluster.register(0, 'traveller');
    for (let i = 0; i < N; i++) expect(await cluster.client(i, { token }).auth.me.query()).toMatchObject({ username: 'traveller' });
    await cluster.client(1, { token }).auth.logout.mutate();
    for (let i = 0; i < N; i++) expect(await cluster.client(i, { token }).auth.me.query()).toBeNull();
  });

  it('serves media uploaded on one instance from every other, byte for byte', async () => {
    const [uploader] = await usersOnEveryInstance('photographer');
    const form = new FormData();
    form.set('file', new Blob([await png(300, 200)], { type: 'image/png' }), 'dot.png');
    const media = await uploader!.http.media.upload.mutate(form);
    await uploader!.http.tweet.create.mutate({ content: 'a dot for everyone', mediaIds: [media.id] });
    const answers = await Promise.all(cluster.instances.map((server) => fetch(`${server.url}/media/${media.id}/original`)));
    const bodies = await Promise.all(answers.map(async (r) => Buffer.from(await r.arrayBuffer())));
    expect(media.variants.length).toBeGreaterThan(1); // processed once, on the instance that took the upload
    for (const [i, answer] of answers.entries()) {
      expect(answer.status, `instance ${i}`).toBe(200);
      expect(answer.headers.get('content-type')).toBe('image/png');
      expect(answer.headers.get('etag')).toBe(answers[0]!.headers.get('etag'));
      expect(bodies[i]).toEqual(bodies[0]);
    }
    const range = await fetch(`${cluster.instances[2]!.url}/media/${media.id}/original`, { headers: { range: 'bytes=0-7' } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer())).toEqual(bodies[0]!.subarray(0, 8));
    for (const variant of media.variants) {
      const urls = cluster.instances.map((server) => `${server.url}${variant.url}`);
      const copies = await Promise.all(urls.map(async (url) => Buffer.from(await (await fetch(url)).arrayBuffer())));
      for (const copy of copies) expect(copy).toEqual(copies[0]);
    }
  });

  it('shows every instance and the shared Redis on the dashboard and /metrics of each', async () => {
    const ids = each((i) => `instance-${i}`);
    for (let i = 0; i < N; i++) {
      const api = cluster.client(i);
      await expect.poll(async () => (await api.system.stats.query()).instances.map((x) => x.id), { timeout: 10_000 }).toEqual(ids);
      const stats = await api.system.stats.query();
      expect(stats.instance).toBe(`instance-${i}`);
      expect(stats.shared.redisUsedMemoryBytes).toBeGreaterThan(0);
      expect(stats.store.engine).toBe('postgres');
      // each instance's own view of the store: its connection pool and how far its tail is behind
      for (const figures of stats.instances) expect(figures.details).toMatchObject({ poolSize: expect.any(Number), tailLagMs: expect.any(Number) });
      const metrics = await (await fetch(`${cluster.instances[i]!.url}/metrics`)).text();
      expect(metrics).toContain(`tweetstore_instance_info{instance="instance-${i}"} 1`);
      expect(metrics).toMatch(/^tweetstore_instances 3$/m);
      expect(metrics).toMatch(/^tweetstore_shared_redis_used_memory_bytes \d+$/m);
      expect(metrics).toMatch(/^tweetstore_store_pool_size \d+$/m);
    }
  });
});

// The tweetstore server on the PostgreSQL engine with one thing changed: a create is one durable `INSERT ...
// RETURNING` into a table of its own through a pool like the engine's (postgres.js 4.2.0, TWEETSTORE_DATABASE_POOL
// connections, synchronous_commit on), and no event, no version, no rules. Sessions, users, validation, content
// parsing, tRPC and the answer's shape are the real server's, so against `postgres-1`'s create only what the engine
// does in the database and around it differs: the baseline "that does only what the database must" of issue 14,
// through the same server. Started by main.ts with the same settings as postgres-1 (TWEETSTORE_STORE=postgres ...).
import pino from 'pino';
import postgres from 'postgres';
import { loadConfig, openEngines, startServer } from '@tweetstore/server';
import type { CreateTweet, TweetStore } from '@tweetstore/store';
import type { Tweet } from '@tweetstore/core';

const config = loadConfig(process.env);
if (config.store !== 'postgres' || !config.databaseUrl) throw new Error('the insert-only server runs on TWEETSTORE_STORE=postgres');
const log = pino({ level: config.logLevel, base: { service: 'tweetstore-insert-only' } });

const running = await startServer(config, log, undefined, async (...args) => {
  const engines = await openEngines(...args);
  const sql = postgres(config.databaseUrl!, { max: config.databasePoolSize, onnotice: () => {}, connection: { synchronous_commit: 'on' } });
  await sql`create table if not exists bench_insert_only (id bigint generated always as identity primary key, author_id text not null, content text not null, created_at bigint not null)`;
  const store = engines.store;
  const createTweet = async (cmd: CreateTweet): Promise<Tweet> => {
    const [row] = await sql<{ id: string; created_at: number }[]>`
      insert into bench_insert_only (author_id, content, created_at) values (${cmd.authorId}, ${cmd.text.content}, ${Date.now()}) returning id, created_at`;
    const author = (await store.getUser(cmd.authorId))!; // from the engine's memory once read, as the engine's create has it
    const at = new Date(Number(row!.created_at));
    const zero = { likes: 0, retweets: 0, replies: 0, views: 0 };
    return {
      id: `insert-only-${row!.id}`,
      author,
      content: cmd.text.content,
      contentHash: '',
      weightedLength: cmd.text.weightedLength,
      hashtags: cmd.text.hashtags,
      mentions: cmd.text.mentions,
      urls: cmd.text.urls,
      media: [],
      replyToId: null,
      state: 'published',
      version: 1,
      createdAt: at,
      publishedAt: at,
      editedAt: null,
      editControls: { editableUntil: at, editsRemaining: 0 },
      engagement: { ...zero, likedByCurrentUser: false, retweetedByCurrentUser: false, velocity: zero },
    };
  };
  // every other call goes to the engine, on the engine itself (its methods use its private fields)
  const insertOnly = new Proxy(store, {
    get(target, key) {
      if (key === 'createTweet') return createTweet;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as TweetStore;
  return {
    ...engines,
    store: insertOnly,
    async close() {
      await sql.end({ timeout: 5 });
      await engines.close();
    },
  };
});
console.log(`tweetstore-insert-only listening on ${running.url}`);
process.once('SIGTERM', () => void running.shutdown('SIGTERM').then(() => process.exit(0)));

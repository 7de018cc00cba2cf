// Several real server processes on one PostgreSQL, Redis and S3, as an operator runs them (API.md, "Running: engines
// and instances"): each test file gets a database of its own (created and dropped), a Redis key prefix of its own and
// a bucket of its own on an in-process s3rver, and starts the instances with the same settings.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { closeClient, createClient, type TweetstoreClient } from '@tweetstore/client';
import { startServerProcess, type ServerProcess } from '../harness.ts';
import { startS3rver, S3RVER_CREDENTIALS } from '../../../../packages/store-postgres/test/support/s3rver.ts';
import { redisForTests, removeKeys } from '../../../../packages/store-postgres/test/support/redis.ts';
import { createTestDatabase } from '../../../../packages/store-postgres/test/support/postgres.ts';

export interface Cluster {
  /** The running instances, in start order; a killed one is replaced in place by `restart`. */
  readonly instances: ServerProcess[];
  /** The settings every instance is started with. */
  readonly env: Record<string, string>;
  /** Starts one more instance with the cluster's settings (and `extra`). */
  start(extra?: Record<string, string>): Promise<ServerProcess>;
  /** Starts instance `i` again on its port (as a balancer knows it), after it exited or once `signal` killed it. */
  restart(i: number, signal?: NodeJS.Signals): Promise<ServerProcess>;
  /** A client of instance `i`, closed after the tests (or before, with closeClient). */
  client(i: number, options?: { token?: string; transport?: 'http' | 'ws' }): TweetstoreClient;
  /** Registers a user on instance `i`; returns their id and token. */
  register(i: number, username: string): Promise<{ id: string; token: string }>;
}

/** A cluster of `count` instances for the tests of a file: started before them, stopped (SIGTERM, exit 0) after. */
export function clusterForTests(count: number, extraEnv: Record<string, string> = {}): Cluster {
  const instances: ServerProcess[] = [];
  const clients: TweetstoreClient[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  const env: Record<string, string> = { ...extraEnv };

  beforeAll(async () => {
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    const redis = await redisForTests();
    const prefix = `tweetstore-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
    cleanups.push(async () => {
      await removeKeys(redis, prefix);
      await redis.quit();
    });
    const s3dir = await mkdtemp(path.join(tmpdir(), 'tweetstore-s3-'));
    const s3 = await startS3rver(s3dir);
    cleanups.push(async () => {
      await s3.close();
      await rm(s3dir, { recursive: true, force: true });
    });
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tweetstore-instances-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    Object.assign(env, {
      TWEETSTORE_STORE: 'postgres',
      TWEETSTORE_DATABASE_URL: db.url,
      TWEETSTORE_REDIS_URL: 'redis://127.0.0.1:6379/0',
      TWEETSTORE_REDIS_PREFIX: prefix,
      TWEETSTORE_BLOB_STORE: 's3',
      TWEETSTORE_S3_ENDPOINT: s3.endpoint,
      TWEETSTORE_S3_BUCKET: `tweetstore-test-${randomBytes(4).toString('hex')}`,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // nothing of an instance's own may matter: each gets an empty folder it must not need
      TWEETSTORE_DATA_DIR: dataDir,
      ...extraEnv,
    });
    // all at once: the schema's migrations must be safe when several instances start together
    const started = await Promise.all(Array.from({ length: count }, (_, i) => cluster.start({ TWEETSTORE_INSTANCE_ID: `instance-${i}` })));
    instances.splice(0, instances.length, ...started);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map(closeClient));
    const codes = await Promise.all(instances.map((server) => server.kill('SIGTERM')));
    while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
    const failed = codes.map((code, i) => [i, code] as const).filter(([, code]) => code !== 0);
    if (failed.length > 0) throw new Error(`instances did not stop cleanly: ${failed.map(([i, code]) => `#${i} exited ${code}\n${instances[i]!.output()}`).join('\n')}`);
  }, 120_000);

  const cluster: Cluster = {
    instances,
    env,
    start(extra = {}) {
      return startServerProcess(env.TWEETSTORE_DATA_DIR!, { ...env, ...extra });
    },
    async restart(i, signal) {
      const old = instances[i]!;
      if (signal) await old.kill(signal);
      else await old.exited;
      instances[i] = await cluster.start({ TWEETSTORE_INSTANCE_ID: `instance-${i}`, PORT: new URL(old.url).port });
      return instances[i]!;
    },
    client(i, options = {}) {
      const api = createClient({ url: instances[i]!.url, ...options });
      clients.push(api);
      return api;
    },
    async register(i, username) {
      const anon = createClient({ url: instances[i]!.url });
      try {
        const { user, token } = await anon.auth.register.mutate({ username, password: 'instances-password-1' });
        return { id: user.id, token };
      } finally {
        await closeClient(anon);
      }
    },
  };
  return cluster;
}

// The shared services the PostgreSQL rows run on: this machine's PostgreSQL 15 (127.0.0.1:5432, user postgres) and
// Redis 7 (127.0.0.1:6379), started the way the machines start them when they do not answer, else a clear failure
// naming the command. Every run works in databases of its own (`tweetstore_bench_<pid>_<random>_*`, dropped at
// the end) and a Redis key prefix of its own (its keys deleted at the end).
// `DbProbe` reads what the database spent on a window: the CPU time of the backends connected to one database
// (/proc/<pid>/stat, as for the servers) and its transactions (pg_stat_database).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { connectRedis } from '@tweetstore/store-postgres';
import postgres from 'postgres';
import { cpuMsOf } from './proc.ts';

export const PG_SERVER = 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = 'redis://127.0.0.1:6379/0';
const PG_START = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
const REDIS_START = 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no';

export const dbUrl = (name: string) => `${PG_SERVER}/${name}`;
const admin = () => postgres(dbUrl('postgres'), { max: 1, connect_timeout: 3, onnotice: () => {} });

/** A name prefix no other run uses: `tweetstore_bench_<pid>_<random>`. */
export const runName = () => `tweetstore_bench_${process.pid}_${randomBytes(3).toString('hex')}`;

/** Retries `check` after running `start` once; fails naming `start` when the service still does not answer. */
async function upOrStarted(what: string, check: () => Promise<boolean>, start: string): Promise<void> {
  if (await check()) return;
  await promisify(execFile)('sh', ['-c', start]).catch((error: Error) => {
    throw new Error(`${what} does not answer, and \`${start}\` could not start it (${error.message})`);
  });
  for (let attempt = 0; !(await check()); attempt++) {
    if (attempt === 50) throw new Error(`\`${start}\` ran, but ${what} still does not answer`);
    await sleep(100);
  }
}

export async function ensureServices(): Promise<void> {
  await upOrStarted(
    `PostgreSQL at ${PG_SERVER}`,
    async () => {
      const sql = admin();
      return sql`select 1`.then(
        () => true,
        () => false,
      ).finally(() => sql.end({ timeout: 1 }));
    },
    PG_START,
  );
  await upOrStarted(
    `Redis at ${REDIS_URL}`,
    async () => {
      const redis = await connectRedis({ url: REDIS_URL }).catch(() => null);
      redis?.disconnect();
      return redis !== null;
    },
    REDIS_START,
  );
}

/** `create database name [template]`: a template is copied file by file (no connection to it may be open). */
export async function createDatabase(name: string, template?: string): Promise<void> {
  const sql = admin();
  try {
    await sql.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`);
  } finally {
    await sql.end();
  }
}

/** Drops the database, closing whatever still connects to it. */
export async function dropDatabase(name: string): Promise<void> {
  const sql = admin();
  try {
    await sql.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await sql.end();
  }
}

/** Deletes every Redis key under `prefix`; the number deleted. */
export async function dropRedisPrefix(prefix: string): Promise<number> {
  const redis = await connectRedis({ url: REDIS_URL, commandTimeoutMs: 10_000 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

export interface DbWindow {
  /** CPU time of the database's backends over the window (those connected at its start and at its end) */
  cpuMs: number;
  backends: number;
  /** transactions committed or rolled back in the database over the window (pg_stat_database; a backend reports
   * its counts at most once a second, so the window is this much off at each end, and the probe adds its own few) */
  xacts: number;
}

/** What one database's backends spend: read at a window's start and end. */
export class DbProbe {
  private readonly sql: postgres.Sql;
  constructor(readonly database: string) {
    this.sql = postgres(dbUrl(database), { max: 1, onnotice: () => {} });
  }

  private async sample(): Promise<{ cpu: Map<number, number>; xacts: number }> {
    // statistics a backend has not sent yet are flushed at most a second later: ask for a fresh snapshot
    await this.sql`select pg_stat_clear_snapshot()`;
    const backends = await this.sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${this.database} and pid <> pg_backend_pid()`;
    const [db] = await this.sql<{ xacts: string }[]>`select (xact_commit + xact_rollback)::text as xacts from pg_stat_database where datname = ${this.database}`;
    const cpu = new Map<number, number>();
    for (const { pid } of backends) {
      const ms = cpuMsOf(pid);
      if (ms !== null) cpu.set(pid, ms);
    }
    return { cpu, xacts: Number(db?.xacts ?? 0) };
  }

  /** Starts a window; the function it returns ends it. */
  async start(): Promise<() => Promise<DbWindow>> {
    const before = await this.sample();
    return async () => {
      const after = await this.sample();
      let cpuMs = 0;
      let backends = 0;
      for (const [pid, ms] of after.cpu) {
        // a backend that connected during the window: all of its time is the window's
        cpuMs += ms - (before.cpu.get(pid) ?? 0);
        backends++;
      }
      return { cpuMs, backends, xacts: after.xacts - before.xacts };
    };
  }

  close(): Promise<void> {
    return this.sql.end({ timeout: 2 });
  }
}

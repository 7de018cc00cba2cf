// The PostgreSQL 15 every machine here runs at 127.0.0.1:5432 (user postgres, trust auth). When it does not answer, it
// is started the way the machines start it; when that fails too, the tests fail saying so: they never skip. Each test
// file works in a database of its own, created here and dropped at the end.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import postgres from 'postgres';
import type { Queries } from '../../src/engine/connect.ts';

export const SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const START = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

async function answers(): Promise<boolean> {
  const sql = postgres(SERVER_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function serverUp(): Promise<void> {
  if (await answers()) return;
  await promisify(execFile)('sh', ['-c', START]).catch((error: Error) => {
    throw new Error(`PostgreSQL does not answer at ${SERVER_URL}, and \`${START}\` could not start it (${error.message}): start PostgreSQL 15 there`);
  });
  for (let attempt = 0; !(await answers()); attempt++) {
    if (attempt === 50) throw new Error(`\`${START}\` ran, but PostgreSQL still does not answer at ${SERVER_URL}`);
    await sleep(100);
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database (closing whatever still connects to it). */
  drop(): Promise<void>;
}

/** A new, empty database no other test run uses: `tweetstore_test_<pid>_<random>`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  await serverUp();
  const name = `tweetstore_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    async drop() {
      const sql = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await sql.end();
      }
    },
  };
}

/**
 * The backends of this database waiting for a lock, as they are now (a transaction sees pg_stat_activity as it was when
 * it first read it, unless told to look again): in a statement that holds `statement` (pg_stat_activity keeps its first
 * 1 kB), or on the table `relation`.
 */
export async function lockWaiters(sql: Queries, of: { statement: string } | { relation: string }): Promise<number[]> {
  await sql`select pg_stat_clear_snapshot()`;
  const rows =
    'statement' in of
      ? await sql<{ pid: number }[]>`
          select pid from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database() and strpos(query, ${of.statement}) > 0`
      : await sql<{ pid: number }[]>`select pid from pg_locks where not granted and relation = ${of.relation}::regclass`;
  return rows.map((r) => r.pid);
}

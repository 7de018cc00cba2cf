// Schema migrations: the SQL files of ../migrations, applied in name order at open, each once, recorded in
// schema_migrations. One transaction holds a transaction-level advisory lock while it looks and applies, so instances
// opening together take turns: the first applies, the others find everything recorded.
import { readdir, readFile } from 'node:fs/promises';
import type { Sql } from './connect.ts';

/** The advisory lock every tweetstore instance takes to migrate ('twst' in ASCII). */
const MIGRATION_LOCK = 0x74777374;
const FOLDER = new URL('../migrations/', import.meta.url);

/** Applies the migrations not yet applied to `schema` (null: the connection's own); returns their names. */
export async function migrate(sql: Sql, schema: string | null): Promise<string[]> {
  const files = (await readdir(FOLDER)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    if (schema !== null) await tx.unsafe(`create schema if not exists ${schema}`);
    await tx`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`;
    const done = new Set((await tx<{ name: string }[]>`select name from schema_migrations`).map((r) => r.name));
    const applied: string[] = [];
    for (const file of files.filter((f) => !done.has(f))) {
      await tx.unsafe(await readFile(new URL(file, FOLDER), 'utf8'));
      await tx`insert into schema_migrations (name) values (${file})`;
      applied.push(file);
    }
    return applied;
  });
}

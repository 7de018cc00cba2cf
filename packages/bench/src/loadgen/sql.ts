// The pg-fts rows' load: the generator queries PostgreSQL itself (postgres.js 4.2.0), closed loop, `clients`
// connections each with one query in flight (the next sent when the last is answered). The connections stay open
// from one run to the next (the warm-up's serve the window): the orchestrator reads their backends' CPU at the
// window's end, which a closed connection's backend no longer has.
import postgres from 'postgres';
import { ftsPage } from '../pg-fts.ts';
import { Recorder, type LoadResult } from './stats.ts';

export interface SqlSpec {
  /** the database's URL */
  url: string;
  clients: number;
  durationMs: number;
  /** the search query (pg-fts.ts turns it into SQL) */
  q: string;
}

/** The connections of the last database asked for; another database closes them. */
export class SqlConnections {
  #open: { url: string; clients: number; sql: postgres.Sql } | null = null;

  for(spec: SqlSpec): postgres.Sql {
    if (this.#open?.url !== spec.url || this.#open.clients !== spec.clients) {
      void this.close();
      this.#open = { url: spec.url, clients: spec.clients, sql: postgres(spec.url, { max: spec.clients, onnotice: () => {} }) };
    }
    return this.#open.sql;
  }

  async close(): Promise<void> {
    const open = this.#open;
    this.#open = null;
    await open?.sql.end({ timeout: 1 });
  }
}

export async function runSql(spec: SqlSpec, sql: postgres.Sql, signal: AbortSignal): Promise<LoadResult> {
  const rec = new Recorder();
  try {
    await Promise.all(Array.from({ length: spec.clients }, () => sql`select 1`));
    const t0 = performance.now();
    const end = t0 + spec.durationMs;
    const client = async () => {
      while (!signal.aborted) {
        const start = performance.now();
        try {
          await ftsPage(sql, spec.q);
          // an answer after the window is not counted, as the other loads drop theirs
          if (performance.now() > end) return;
          rec.success(performance.now() - start);
        } catch (err) {
          if (performance.now() > end) return;
          rec.failure((err as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: spec.clients }, client));
    return rec.result(Math.min(performance.now(), end) - t0);
  } finally {
    rec.destroy();
  }
}

// The pg-fts baseline of the search rows: the same queries answered by PostgreSQL's own full-text search on the
// PostgreSQL rows' tweets (a copy of their seeded database), as one would without our engine: a GIN index on
// to_tsvector('simple', content), websearch_to_tsquery for words and #tags, phraseto_tsquery for a "phrase",
// published tweets only, newest first. The 'simple' parser drops `#`, so #coffee finds the word coffee too, and the
// last word is not a prefix: close to API.md's language, not the same (the engine's first page may differ).
import type postgres from 'postgres';
import { SEARCH_LIMIT } from './search.ts';

/** Built on the copy by main.ts before the rows (and dropped with the copy). */
export async function createFtsIndex(sql: postgres.Sql): Promise<void> {
  await sql`create index bench_fts_content on tweets using gin (to_tsvector('simple', content))`;
  await sql`analyze tweets`;
}

function tsquery(sql: postgres.Sql, q: string) {
  const phrase = /^"(.*)"$/.exec(q.trim());
  return phrase ? sql`phraseto_tsquery('simple', ${phrase[1]!})` : sql`websearch_to_tsquery('simple', ${q})`;
}

const matching = (sql: postgres.Sql, q: string) => sql`state = 'published' and to_tsvector('simple', content) @@ ${tsquery(sql, q)}`;

/** One search: the newest page of published tweets matching `q`. */
export function ftsPage(sql: postgres.Sql, q: string) {
  return sql<{ id: string; author_id: string; content: string; created_at: string }[]>`
    select id, author_id, content, created_at from tweets where ${matching(sql, q)} order by id desc limit ${SEARCH_LIMIT}`;
}

/** How many published tweets match `q`. */
export async function ftsCount(sql: postgres.Sql, q: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from tweets where ${matching(sql, q)}`;
  return row!.n;
}

// Search in PostgreSQL. The terms are the shared analyzer's (search/analyze.ts: PostgreSQL's parser cannot cut CJK
// into words or fold as it does), given to PostgreSQL as tsvector and tsquery literals, matched as they are (no text
// search configuration): a tweet's words with their positions (1..n) and its #tag and @user terms; a query's phrases
// as terms in a row (<->), the prefix word with :*, exclusions with !. tweet_terms holds published tweets only.
import { InvalidInput, levelOfRate } from '@tweetstore/core';
import { documentTerms, TOP_WINDOW, type Phrase, type SearchQuery, type SearchTweets } from '@tweetstore/store';
import type { TweetTermsColumns } from './columns.ts';
import type { Queries, Sql } from './connect.ts';
import { selectTweets } from './rows.ts';

/** A term as tsvector and tsquery input read it: quoted, with ' doubled and \ escaped (most terms hold neither). */
const ESCAPED = /['\\]/;
const lexeme = (term: string) => `'${ESCAPED.test(term) ? term.replace(/\\/g, '\\\\').replace(/'/g, "''") : term}'`;

/** The tsvector literal of a text and its facts: each word term with the positions it occurs at, then the marks. */
export function vectorOf(content: string, hashtags: readonly string[], mentions: readonly string[]): string {
  const doc = documentTerms(content, hashtags, mentions);
  // each term's positions as the literal lists them, built as the words are read
  const positions = new Map<string, string>();
  for (let i = 0; i < doc.words.length; i++) {
    const w = doc.words[i]!;
    const at = positions.get(w);
    positions.set(w, at === undefined ? String(i + 1) : `${at},${i + 1}`);
  }
  let vector = '';
  for (const [w, at] of positions) vector += `${vector === '' ? '' : ' '}${lexeme(w)}:${at}`;
  for (const m of doc.marks) vector += `${vector === '' ? '' : ' '}${lexeme(m)}`;
  return vector;
}

/** The tweet_terms row of a published tweet's current version. */
export function termsColumns(tweetId: string, t: { content: string; hashtags: readonly string[]; mentions: readonly string[] }): TweetTermsColumns {
  return { tweet_id: tweetId, terms: vectorOf(t.content, t.hashtags, t.mentions) };
}

function phrase(p: Phrase): string {
  const last = p.terms.length - 1;
  return p.terms.map((t, i) => (p.prefixLast && i === last ? `${lexeme(t)}:*` : lexeme(t))).join(' <-> ');
}

/** The tsquery literal of the query's terms; null when it has none (from: alone). */
export function tsqueryOf(q: SearchQuery): string | null {
  const parts = [...q.must.map((p) => `(${phrase(p)})`), ...q.not.map((p) => `!(${phrase(p)})`)];
  return parts.length > 0 ? parts.join(' & ') : null;
}

/** Throws InvalidInput unless `offset` is absent or a non-negative integer. */
export function checkOffset(offset: number | undefined): void {
  if (offset !== undefined && !(Number.isSafeInteger(offset) && offset >= 0)) throw new InvalidInput(`offset must be a non-negative integer, got ${offset}`);
}

/**
 * The statement of a search page: the matches with their author and the viewer's edges, one more than `limit` when
 * more follow. `latest`: newest first before `beforeId`. `top`: the newest TOP_WINDOW matches scored by topScore
 * (search/rules.ts) written out in SQL, relevance ts_rank normalised to 0..1 (1|32: by the log of the length, then
 * rank/(rank+1)), velocity the tweets' level as events per minute now; then by score, newest first, from `offset`.
 */
export function selectMatches(sql: Queries, q: SearchTweets, now: number) {
  const query = tsqueryOf(q.query);
  const filters = [];
  if (query !== null) filters.push(sql`s.terms @@ ${query}::tsquery`);
  for (const u of new Set(q.query.from)) filters.push(sql`t.author_id = (select id from users where username_lower = ${u})`);
  if (q.query.notFrom.length > 0) filters.push(sql`t.author_id <> all (select id from users where username_lower = any(${q.query.notFrom}::text[]))`);
  const byAuthor = q.query.from.length + q.query.notFrom.length > 0;
  // the author's tweets are the tweets row's: joined only when a from: asks (a word's matches are tweet_terms' alone)
  const source = byAuthor ? sql`tweet_terms s join tweets t on t.id = s.tweet_id` : sql`tweet_terms s`;
  if (q.sort === 'latest' && q.beforeId !== undefined) filters.push(sql`s.tweet_id < ${q.beforeId}`);
  const where = filters.length > 0 ? filters.reduce((all, f) => sql`${all} and ${f}`) : sql`true`;
  const viewer = q.viewerId ?? null;
  if (q.sort === 'latest') {
    return sql`
      with page as (select s.tweet_id id from ${source} where ${where} order by s.tweet_id desc limit ${q.limit + 1})
      ${selectTweets(sql, viewer)} join page on page.id = t.id order by t.id desc`;
  }
  const relevance = query === null ? sql`1.0::float8` : sql`ts_rank(s.terms, ${query}::tsquery, 1 | 32)`;
  // events per minute now from the level: 2^(level - the level of one per minute now); 2^x of a level long cold
  // would underflow, which PostgreSQL refuses rather than give 0
  const velocity = sql`coalesce(power(2::float8, greatest(t.velocity_level - ${levelOfRate(1, now)}, -1000)), 0)`;
  return sql`
    with w as (
      select s.tweet_id id, ${relevance} relevance from ${source} where ${where} order by s.tweet_id desc limit ${TOP_WINDOW}),
    scored as (
      select w.id, w.relevance * (1 + ln(1 + t.likes + 2 * t.retweets + 2 * t.replies)) + ln(1 + ${velocity}) score
      from w join tweets t on t.id = w.id),
    page as (select id, score from scored order by score desc, id desc offset ${q.offset ?? 0} limit ${q.limit + 1})
    ${selectTweets(sql, viewer)} join page on page.id = t.id order by page.score desc, t.id desc`;
}

/**
 * Runs a statement of selectMatches as searches run: in a read-only transaction with sequential scans off. PostgreSQL
 * prices @@ as a cheap operator, but each call decompresses a tsvector: at 100k tweets it read the whole of tweet_terms
 * in a parallel scan for `top #t5` (707 matches: 83 ms) where the GIN index reads 1,456 rows in 4-9 ms, and hashed all
 * of tweets to score top's 1,000 (15 ms) rather than look each up by key. Without those it weighs the indexes: newest
 * first by the key (a frequent term) or the GIN index (a rare one).
 */
export async function searching<T extends readonly object[]>(sql: Sql, statement: (tx: Queries) => Promise<T>): Promise<T> {
  const [, rows] = await sql.begin('read only', (tx) => [tx`set local enable_seqscan = off`, statement(tx)] as const);
  return rows as T;
}

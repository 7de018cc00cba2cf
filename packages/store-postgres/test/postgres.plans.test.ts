// The plans of the reads every call makes, at a size where a bad one shows: 100k tweets and 120k likes and retweets
// (written straight into the tables, as the engine writes them), analysed. A read of one tweet or of a page of the
// newest ones, for a signed-in viewer, must not read any table whole: a join of the viewer's likes and retweets as
// two left joins was planned as a scan of all the viewer's engagements of one kind, 10.7 ms a page at this size.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, systemClock } from '@tweetstore/core';
import { parseSearchQuery, type SearchTweets } from '@tweetstore/store';
import postgres from 'postgres';
import { openPostgresStore } from '../src/index.ts';
import { fillSearch } from '../src/engine/backfill.ts';
import { connect, type Queries, type Sql } from '../src/engine/connect.ts';
import { selectTrending, trendingTags } from '../src/engine/hashtags.ts';
import { selectChain, selectListed, selectReplies, selectTweets as selectTweetsOf } from '../src/engine/rows.ts';
import { searching, selectMatches } from '../src/engine/search.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';

let db: TestDatabase;
const schema = `p_${randomBytes(4).toString('hex')}`;
let sql: postgres.Sql;
/** How long the open's fill of the 100k tweets' terms and tags took. */
let fillMs = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  // the engine makes the schema and its tables
  await (await openPostgresStore({ url: db.url, schema, clock: systemClock, policy: DEFAULT_EDIT_POLICY })).close();
  sql = postgres(db.url, { max: 1, onnotice: () => {}, connection: { search_path: schema } });
  await sql`insert into users select 'u' || lpad(i::text, 6, '0'), 'user' || i, 'user' || i, 'U', 'h', 0 from generate_series(1, 1000) i`;
  // words as a language has them (Zipf: the k-th most frequent about 1/k as often), 8 to 12 a tweet; 30% with one of
  // 2,000 hashtags (Zipf too), 10% mentioning a user
  await sql`select setseed(0.15)`;
  await sql`
    insert into tweets (id, author_id, state, created_at, published_at, content, content_hash, weighted_length, hashtags, mentions, urls, media_ids)
    select 't' || lpad(i::text, 8, '0'), 'u' || lpad((i % 1000 + 1)::text, 6, '0'), 'published', i, i,
      w.words || case when h.tagged then ' #t' || h.tag else '' end || case when i % 10 = 9 then ' @user' || (i % 997 + 1) else '' end,
      'sha256:x', 6, case when h.tagged then array['t' || h.tag] else '{}' end, case when i % 10 = 9 then array['user' || (i % 997 + 1)] else '{}' end, '{}', '{}'
    from generate_series(1, 100000) i
    cross join lateral (select floor(exp(random() * ln(2000)))::int tag, i % 10 < 3 tagged) h
    cross join lateral (select string_agg('w' || floor(exp(random() * ln(20000)))::int, ' ') words from generate_series(1, 8 + i % 5) where i > 0) w`;
  await sql`
    insert into engagements (tweet_id, user_id, kind, active, taken_back)
    select 't' || lpad((i % 100000 + 1)::text, 8, '0'), 'u' || lpad((i % 997 + 1)::text, 6, '0'), case when i % 5 = 0 then 'retweets' else 'likes' end, true, false
    from generate_series(1, 120000) i on conflict do nothing`;
  // their terms and tags, as the open fills them for tweets written before them
  await sql`update backfills set done = false, after_id = ''`;
  const engine = connect({ url: db.url, poolSize: 2, schema });
  const started = performance.now();
  await fillSearch(engine, { info: () => {}, warn: () => {}, error: () => {} });
  fillMs = performance.now() - started;
  await engine.end();
  await sql`analyze`;
}, 180_000);
afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

const selectTweets = (q: postgres.Sql, viewerId: string) => selectTweetsOf(q as unknown as Queries, viewerId);

/** The relations the plan of `query` reads whole. */
async function scannedWhole(query: postgres.PendingQuery<postgres.Row[]>): Promise<string[]> {
  const [row] = await sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>`explain (format json) ${query}`;
  const whole: string[] = [];
  const walk = (n: PlanNode) => {
    if (n['Node Type'] === 'Seq Scan') whole.push(n['Relation Name']!);
    for (const child of n.Plans ?? []) walk(child);
  };
  walk(row!['QUERY PLAN'][0].Plan);
  return whole;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

describe('the plans of the reads, at 100k tweets and 120k engagements', () => {
  it('reads a page of the newest tweets for a signed-in viewer without reading a table whole', async () => {
    const viewer = 'u000042';
    const page = sql`${selectTweets(sql, viewer)} where (t.state = 'published' or (t.author_id = ${viewer} and t.state = 'draft')) order by t.id desc limit 21`;
    expect(await scannedWhole(page)).toEqual([]);
    const byAuthor = sql`${selectTweets(sql, viewer)} where t.state = 'published' and t.author_id = 'u000007' order by t.id desc limit 21`;
    expect(await scannedWhole(byAuthor)).toEqual([]);
  });

  it('reads one tweet for a signed-in viewer without reading a table whole', async () => {
    expect(await scannedWhole(sql`${selectTweets(sql, 'u000042')} where t.id = 't00050000'`)).toEqual([]);
  });

  it('reads a thread 1,000 levels deep in one statement, and a page of its replies by tweets_by_parent, without reading the tweets whole', async () => {
    // the first 1,000 tweets each reply to the one before; 200 later ones reply to the 500th
    await sql`update tweets set reply_to_id = 't' || lpad((substr(id, 2)::int - 1)::text, 8, '0') where id between 't00000002' and 't00001000'`;
    await sql`update tweets set reply_to_id = 't00000500' where id between 't00090001' and 't00090200'`;
    await sql`analyze tweets`;
    const q = sql as unknown as Queries;
    const chain = selectChain(q, 't00001000', 'u000042') as unknown as postgres.PendingQuery<postgres.Row[]>;
    expect(await scannedWhole(chain)).toEqual([]);
    expect((await chain).map((r) => r.id as string)).toEqual(Array.from({ length: 1000 }, (_, i) => `t${String(i + 1).padStart(8, '0')}`));
    const replies = selectReplies(q, 't00000500', 'u000042', 't00090100', 21) as unknown as postgres.PendingQuery<postgres.Row[]>;
    // by tweets_by_parent; with 1,000 users here, the planner may hash all of them rather than look 21 up one by one
    expect(await scannedWhole(replies)).not.toContain('tweets');
    expect((await sql`explain ${replies}`).map((r) => r['QUERY PLAN'] as string).join('\n')).toMatch(/Index Scan using tweets_by_parent .*\n\s*Index Cond: \(\(reply_to_id = /);
    expect((await replies).map((r) => r.id as string)).toEqual(Array.from({ length: 21 }, (_, i) => `t${String(90_101 + i).padStart(8, '0')}`));
  });
});

/**
 * The plan PostgreSQL ran a statement by (as searches run it when `search`: searching's transaction): the relations
 * it read whole, the rows its scans read, and its time.
 */
async function executed(statement: (q: Queries) => unknown, search = false): Promise<{ whole: string[]; read: number; ms: number; text: string }> {
  const run = <T extends readonly object[]>(explain: (q: Queries) => Promise<T>) => (search ? searching(sql as unknown as Sql, explain) : explain(sql as unknown as Queries));
  const [row] = await run((q) => q<{ 'QUERY PLAN': [{ Plan: ExecutedNode; 'Execution Time': number }] }[]>`explain (analyze, format json) ${statement(q) as never}`);
  const whole: string[] = [];
  let read = 0;
  const walk = (n: ExecutedNode) => {
    if (n['Node Type'] === 'Seq Scan') whole.push(n['Relation Name']!);
    if (n['Relation Name']) read += (n['Actual Rows'] + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)) * n['Actual Loops'];
    for (const child of n.Plans ?? []) walk(child);
  };
  const plan = row!['QUERY PLAN'][0];
  walk(plan.Plan);
  const text = (await run((q) => q<{ 'QUERY PLAN': string }[]>`explain (analyze, costs off, timing off) ${statement(q) as never}`)).map((r) => r['QUERY PLAN']).join('\n');
  return { whole, read, ms: plan['Execution Time'], text };
}

interface ExecutedNode extends PlanNode {
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: ExecutedNode[];
}

describe('the plans of search and hashtags, at 100k tweets of Zipf-distributed words and 2,000 hashtags', () => {
  const search = (q: string, more: Partial<SearchTweets> = {}) => (tx: Queries) =>
    selectMatches(tx, { viewerId: 'u000042', query: parseSearchQuery(q), sort: 'latest', limit: 20, ...more }, Date.now());

  it('has the terms and tags of every tweet, filled at open', async () => {
    console.info(`filled the terms and tags of 100k tweets in ${Math.round(fillMs)} ms`);
    const [row] = await sql<{ terms: string; tags: string; uses: string }[]>`
      select (select count(*) from tweet_terms) terms, (select count(*) from tweet_tags) tags, (select sum(uses) from tag_stats) uses`;
    expect(row).toEqual({ terms: '100000', tags: '30000', uses: '30000' });
  });

  it('finds a page of matches of one word, two words, a hashtag, a phrase and a prefix, frequent or rare, without reading a table whole', async () => {
    const [{ rare }] = (await sql`select word rare from ts_stat('select terms from tweet_terms') where ndoc = 3 and word like 'w%' order by word limit 1`) as unknown as [{ rare: string }];
    const queries = {
      'one frequent word': 'w1',
      'one rare word': rare,
      'two words': 'w2 w40',
      'a frequent and a rare word': `w1 ${rare}`,
      hashtag: '#t5',
      'a rare hashtag': '#t1999',
      phrase: '"w1 w2"',
      prefix: 'w12',
      'from: and a word': 'from:user7 w1',
      'a word, excluding another': 'w3 -w1',
    };
    const times: string[] = [];
    for (const [name, q] of Object.entries(queries)) {
      for (const sort of ['latest', 'top'] as const) {
        const run = await executed(search(q, { sort }), true);
        times.push(`${sort} ${name} (${q}): ${run.ms.toFixed(2)} ms, ${run.read} rows read`);
        expect.soft(run.whole, `${sort} ${name}\n${run.text}`).toEqual([]);
        // latest reads about a page of matches; top the newest TOP_WINDOW of them, as far back as they go (a phrase of
        // two frequent words: 1,000 matches in ~39k tweets); neither the 100k a rare word read backwards by id would
        expect.soft(run.read, `${sort} ${name}\n${run.text}`).toBeLessThan(sort === 'latest' ? 5_000 : 50_000);
      }
    }
    console.info(times.join('\n'));
  });

  it('lists a hashtag newest first by its key, paged, without reading a table whole', async () => {
    const list = (tag: string, beforeId?: string) => (q: Queries) => selectListed(q, { viewerId: 'u000042', hashtag: tag, limit: 20, ...(beforeId ? { beforeId } : {}) });
    for (const [tag, beforeId] of [['t5', undefined], ['t5', 't00050000'], ['t1999', undefined]] as const) {
      const run = await executed(list(tag, beforeId));
      console.info(`hashtag list #${tag}${beforeId ? ` before ${beforeId}` : ''}: ${run.ms.toFixed(2)} ms, ${run.read} rows read`);
      expect(run.whole, run.text).toEqual([]);
      expect(run.text).toMatch(/Index (Only )?Scan (Backward )?using tweet_tags_pkey|Bitmap Index Scan on tweet_tags_pkey/);
      expect(run.read, run.text).toBeLessThan(200);
    }
  });

  it('reads trending hashtags by the level index', async () => {
    // 2,000 tags each used once at some time in the last 18 hours
    const now = Date.now();
    await sql`update tag_stats set rate_value = 1, rate_at = ${now} - (hashtext(tag)::bigint & 65535) * 1000, rate_level = null`;
    await sql`update tag_stats set rate_level = ln(rate_value) / ln(2) + rate_at::float8 / 300000`;
    await sql`analyze tag_stats`;
    expect((await trendingTags(sql as unknown as Queries, 50, now)).length).toBeGreaterThan(10); // the last ~35 minutes'
    const run = await executed((q) => selectTrending(q, 50, now));
    console.info(`trending hashtags: ${run.ms.toFixed(2)} ms, ${run.read} rows read`);
    expect(run.whole, run.text).toEqual([]);
    expect(run.text).toMatch(/Index Scan (using|on) tag_stats_trending/);
    expect(run.read, run.text).toBeLessThan(200);
  });
});

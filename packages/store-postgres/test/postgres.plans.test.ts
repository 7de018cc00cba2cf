// The plans of the reads every call makes, at a size where a bad one shows: 100k tweets and 120k likes and retweets
// (written straight into the tables, as the engine writes them), analysed. A read of one tweet or of a page of the
// newest ones, for a signed-in viewer, must not read any table whole: a join of the viewer's likes and retweets as
// two left joins was planned as a scan of all the viewer's engagements of one kind, 10.7 ms a page at this size.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, systemClock } from '@tweetstore/core';
import postgres from 'postgres';
import { openPostgresStore } from '../src/index.ts';
import type { Queries } from '../src/engine/connect.ts';
import { selectChain, selectReplies, selectTweets as selectTweetsOf } from '../src/engine/rows.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';

let db: TestDatabase;
const schema = `p_${randomBytes(4).toString('hex')}`;
let sql: postgres.Sql;

beforeAll(async () => {
  db = await createTestDatabase();
  // the engine makes the schema and its tables
  await (await openPostgresStore({ url: db.url, schema, clock: systemClock, policy: DEFAULT_EDIT_POLICY })).close();
  sql = postgres(db.url, { max: 1, onnotice: () => {}, connection: { search_path: schema } });
  await sql`insert into users select 'u' || lpad(i::text, 6, '0'), 'user' || i, 'user' || i, 'U', 'h', 0 from generate_series(1, 1000) i`;
  await sql`
    insert into tweets (id, author_id, state, created_at, published_at, content, content_hash, weighted_length, hashtags, mentions, urls, media_ids)
    select 't' || lpad(i::text, 8, '0'), 'u' || lpad((i % 1000 + 1)::text, 6, '0'), 'published', i, i, 'post ' || i, 'sha256:x', 6, '{}', '{}', '{}', '{}'
    from generate_series(1, 100000) i`;
  await sql`
    insert into engagements (tweet_id, user_id, kind, active, taken_back)
    select 't' || lpad((i % 100000 + 1)::text, 8, '0'), 'u' || lpad((i % 997 + 1)::text, 6, '0'), case when i % 5 = 0 then 'retweets' else 'likes' end, true, false
    from generate_series(1, 120000) i on conflict do nothing`;
  await sql`analyze`;
}, 120_000);
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

// Hashtags in PostgreSQL: tweet_tags (the tags of published tweets' current versions: list({hashtag})), written in the
// transaction of the tweet's change, so a tag list reads its writes; tag_stats (uses, and core's decayed rate of the
// counted uses with its level: trends) and tag_authors (when each author last counted for a tag), a projection of the
// events kept after commit (trends.ts) from what each event did to the tags (TagChange, in events.tags).
import { levelOfRate } from '@tweetstore/core';
import { TAG_MIN_RATE, TRENDING_TAGS, tagVelocity, type HashtagTrend } from '@tweetstore/store';
import type { Queries } from './connect.ts';

/**
 * What an event did to a published tweet's hashtags (tag keys), kept with the event (events.tags) for the trends
 * projection: the keys that came onto it, whether those count for velocity (not when a restore gives them back), and
 * the keys that left it.
 */
export interface TagChange {
  added: string[];
  removed: string[];
  counts: boolean;
}

/** The tags leave a published tweet (archived, or edited away). */
export function tagsRemoved(sql: Queries, tweetId: string, keys: readonly string[]) {
  return sql`delete from tweet_tags where tweet_id = ${tweetId} and tag = any(${keys as string[]}::text[])`;
}

/** Every tag's uses counted from tweet_tags again, for rows written without them (backfill.ts, the import). */
export function countTagUses(sql: Queries) {
  return sql`
    insert into tag_stats (tag, uses) select tag, count(*) from tweet_tags group by tag
    on conflict (tag) do update set uses = excluded.uses`;
}

/** The `n` tags fastest now, by the level index (ties, rare, sorted as they come: the larger uses, then the tag). */
export function selectTrending(sql: Queries, n: number, now: number) {
  return sql<{ tag: string; uses: number; rate_value: number; rate_at: number }[]>`
    select tag, uses, rate_value, rate_at from tag_stats where uses > 0 and rate_level >= ${levelOfRate(TAG_MIN_RATE, now)}
    order by rate_level desc, uses desc, tag limit ${n}`;
}

/**
 * trendingHashtags: by the level index from the level of TAG_MIN_RATE now, each tag's velocity then from its rate as
 * every engine computes it; fastest first, ties by the larger uses, then the tag. Read with the trends projection's
 * position and the head in one statement (one snapshot): when it is behind and `catchUp` is given, they are read again
 * once catchUp applied the events up to that head, so a trend holds every write answered before the read.
 */
export async function trendingTags(sql: Queries, limit: number, now: number, catchUp?: (head: number) => Promise<void>): Promise<HashtagTrend[]> {
  const n = Math.max(0, Math.min(Math.floor(limit), TRENDING_TAGS));
  if (!(n > 0)) return [];
  // one row of the two (a join of the tables had PostgreSQL guess 888,000 rows of them where autovacuum does not
  // analyse, and compile the statement: 110 ms a read)
  const rows = await sql<{ tag: string | null; uses: number; rate_value: number; rate_at: number; position: number; head: number }[]>`
    select t.*, s.position, s.head
    from (select (select position from projections where name = 'trends') position, (select head from stream_head) head) s
    left join lateral (${selectTrending(sql, n, now)}) t on true`;
  const { position, head } = rows[0]!;
  if (catchUp && position < head) {
    await catchUp(head);
    return trendingTags(sql, n, now);
  }
  return rows
    .filter((r): r is typeof r & { tag: string } => r.tag !== null)
    .map((r) => ({ tag: r.tag, uses: r.uses, velocity: tagVelocity({ value: r.rate_value, at: r.rate_at }, now) }))
    .filter((t) => t.velocity >= TAG_MIN_RATE)
    .sort((a, b) => b.velocity - a.velocity || b.uses - a.uses || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}

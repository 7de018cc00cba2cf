// Hashtags in PostgreSQL: tweet_tags (the tags of published tweets' current versions: list({hashtag})), tag_stats
// (uses, and core's decayed rate of the counted uses with its level: trends) and tag_authors (when each author last
// counted for a tag). A change is one statement in the transaction of the tweet's change, correct with any number of
// instances writing: the upsert bumps a tag's rate from its row as it is once the statement holds the row's lock.
import { levelOfRate, VELOCITY_HALF_LIFE_MS } from '@tweetstore/core';
import { TAG_AUTHOR_WINDOW_MS, TAG_MIN_RATE, TRENDING_TAGS, tagVelocity, type HashtagTrend } from '@tweetstore/store';
import type { Queries } from './connect.ts';

export interface TagsAdded {
  tweetId: string;
  authorId: string;
  at: number;
  /** tagKeys not on the tweet before */
  keys: string[];
  /** whether the uses may count for velocity (bumpTag's rules): not when a restore gives them back */
  counts: boolean;
}

/**
 * The tags come onto a published tweet: their rows, a use each, and for each tag whose author may count again
 * (countsForVelocity: never counted, or TAG_AUTHOR_WINDOW_MS ago or more) one counted use, bumpTag in SQL.
 */
export function tagsAdded(sql: Queries, a: TagsAdded) {
  const h = VELOCITY_HALF_LIFE_MS;
  return sql`
    with added as (
      insert into tweet_tags (tag, tweet_id) select unnest(${a.keys}::text[]), ${a.tweetId} on conflict do nothing returning tag),
    counted as (
      insert into tag_authors (tag, author_id, counted_at) select tag, ${a.authorId}, ${a.at} from added where ${a.counts}::boolean
      on conflict (tag, author_id) do update set counted_at = excluded.counted_at
      where excluded.counted_at - tag_authors.counted_at >= ${TAG_AUTHOR_WINDOW_MS}
      returning tag)
    insert into tag_stats as s (tag, uses, rate_value, rate_at, rate_level)
    select a.tag, 1, c.one, c.at, c.at::float8 / ${h}
    from added a left join (select tag, 1::float8 one, ${a.at}::bigint at from counted) c on c.tag = a.tag
    on conflict (tag) do update set uses = s.uses + 1, (rate_value, rate_at, rate_level) = (
      -- core's bumpRate by one at excluded.rate_at (null: not counted, the rate stays), and its level
      select b.value, b.at, ln(b.value) / ln(2) + b.at::float8 / ${h} from (
        select
          case
            when excluded.rate_at is null then s.rate_value
            when s.rate_at is null then 1
            when excluded.rate_at >= s.rate_at then s.rate_value * power(2::float8, greatest((s.rate_at - excluded.rate_at)::float8 / ${h}, -1000)) + 1
            else s.rate_value + power(2::float8, greatest((excluded.rate_at - s.rate_at)::float8 / ${h}, -1000))
          end value,
          greatest(s.rate_at, excluded.rate_at) at) b)`;
}

/** The tags leave a published tweet (archived, or edited away): their rows go, and a use each. */
export function tagsRemoved(sql: Queries, tweetId: string, keys: readonly string[]) {
  return sql`
    with gone as (delete from tweet_tags where tweet_id = ${tweetId} and tag = any(${keys as string[]}::text[]) returning tag)
    update tag_stats s set uses = s.uses - 1 from gone where s.tag = gone.tag`;
}

/** Every tag's uses counted from tweet_tags again, for rows written without them (backfill.ts, the import). */
export function countTagUses(sql: Queries) {
  return sql`
    insert into tag_stats (tag, uses) select tag, count(*) from tweet_tags group by tag
    on conflict (tag) do update set uses = excluded.uses`;
}

/**
 * trendingHashtags: by the level index from the level of TAG_MIN_RATE now, each tag's velocity then from its rate as
 * every engine computes it; fastest first, ties by the larger uses, then the tag.
 */
export async function trendingTags(sql: Queries, limit: number, now: number): Promise<HashtagTrend[]> {
  const n = Math.max(0, Math.min(Math.floor(limit), TRENDING_TAGS));
  if (!(n > 0)) return [];
  const rows = await sql<{ tag: string; uses: number; rate_value: number; rate_at: number }[]>`
    select tag, uses, rate_value, rate_at from tag_stats where uses > 0 and rate_level >= ${levelOfRate(TAG_MIN_RATE, now)}
    order by rate_level desc, uses desc, tag limit ${n}`;
  return rows
    .map((r) => ({ tag: r.tag, uses: r.uses, velocity: tagVelocity({ value: r.rate_value, at: r.rate_at }, now) }))
    .filter((t) => t.velocity >= TAG_MIN_RATE)
    .sort((a, b) => b.velocity - a.velocity || b.uses - a.uses || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}

// Hashtags in PostgreSQL: tweet_tags (the tags of published tweets' current versions: list({hashtag})), tag_stats
// (uses, and core's decayed rate of the counted uses with its level: trends) and tag_authors (when each author last
// counted for a tag). A change is one statement in the transaction of the tweet's change, correct with any number of
// instances writing: the upsert bumps a tag's rate from its row as it is once the statement holds the row's lock.
import { levelOfRate, VELOCITY_HALF_LIFE_MS } from '@tweetstore/core';
import { TAG_AUTHOR_WINDOW_MS, TAG_MIN_RATE, TRENDING_TAGS, tagVelocity, type HashtagTrend } from '@tweetstore/store';
import type { Queries } from './connect.ts';

/** A hashtag coming onto a published tweet: its tweet_tags row to be, and what it adds to the tag's stats. */
export interface TagUse {
  tag: string;
  tweet_id: string;
  author_id: string;
  at: number;
  /** whether it may count for velocity (bumpTag's rules): not when a restore gives it back */
  counts: boolean;
}

/**
 * Tags come onto published tweets (one change's, or a batch's new tweets', writer.ts): their rows, a use each, and
 * for each author and tag the first use that may count (countsForVelocity: never counted, or TAG_AUTHOR_WINDOW_MS
 * before it or more) one counted use, added to the tag's rate as bumpTag adds it.
 */
export function tagsUsed(sql: Queries, uses: readonly TagUse[]) {
  const h = VELOCITY_HALF_LIFE_MS;
  const window = TAG_AUTHOR_WINDOW_MS;
  return sql`
    with uses as (
      select * from jsonb_to_recordset(${sql.json(uses as never)}) as u (tag text, tweet_id text, author_id text, at bigint, counts boolean)),
    added as (insert into tweet_tags (tag, tweet_id) select tag, tweet_id from uses on conflict do nothing returning tag, tweet_id),
    firsts as (
      select u.tag, u.author_id, min(u.at) at
      from uses u join added a on a.tag = u.tag and a.tweet_id = u.tweet_id
      left join tag_authors t on t.tag = u.tag and t.author_id = u.author_id
      where u.counts and (t.counted_at is null or u.at - t.counted_at >= ${window})
      group by u.tag, u.author_id),
    counted as (
      insert into tag_authors as t (tag, author_id, counted_at) select tag, author_id, at from firsts
      on conflict (tag, author_id) do update set counted_at = excluded.counted_at where excluded.counted_at - t.counted_at >= ${window}
      returning tag, counted_at at),
    -- a tag's counted uses as one decayed rate, at the latest of them
    latest as (select tag, max(at) at from counted group by tag),
    rates as (
      select c.tag, sum(power(2::float8, greatest((c.at - l.at)::float8 / ${h}, -1000))) value, l.at
      from counted c join latest l on l.tag = c.tag group by c.tag, l.at)
    insert into tag_stats as s (tag, uses, rate_value, rate_at, rate_level)
    select a.tag, a.uses, r.value, r.at, ln(r.value) / ln(2) + r.at::float8 / ${h}
    from (select tag, count(*)::int uses from added group by tag) a left join rates r on r.tag = a.tag
    on conflict (tag) do update set uses = s.uses + excluded.uses, (rate_value, rate_at, rate_level) = (
      -- the two rates added at the later one's time (core's bumpRate, of several uses at once), and the level
      select b.value, b.at, ln(b.value) / ln(2) + b.at::float8 / ${h} from (
        select
          case
            when excluded.rate_at is null then s.rate_value
            when s.rate_at is null then excluded.rate_value
            else s.rate_value * power(2::float8, greatest((s.rate_at - t.at)::float8 / ${h}, -1000))
              + excluded.rate_value * power(2::float8, greatest((excluded.rate_at - t.at)::float8 / ${h}, -1000))
          end value,
          t.at
        from (select greatest(s.rate_at, excluded.rate_at) at) t) b)`;
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

/** The `n` tags fastest now, by the level index (ties, rare, sorted as they come: the larger uses, then the tag). */
export function selectTrending(sql: Queries, n: number, now: number) {
  return sql<{ tag: string; uses: number; rate_value: number; rate_at: number }[]>`
    select tag, uses, rate_value, rate_at from tag_stats where uses > 0 and rate_level >= ${levelOfRate(TAG_MIN_RATE, now)}
    order by rate_level desc, uses desc, tag limit ${n}`;
}

/**
 * trendingHashtags: by the level index from the level of TAG_MIN_RATE now, each tag's velocity then from its rate as
 * every engine computes it; fastest first, ties by the larger uses, then the tag.
 */
export async function trendingTags(sql: Queries, limit: number, now: number): Promise<HashtagTrend[]> {
  const n = Math.max(0, Math.min(Math.floor(limit), TRENDING_TAGS));
  if (!(n > 0)) return [];
  const rows = await selectTrending(sql, n, now);
  return rows
    .map((r) => ({ tag: r.tag, uses: r.uses, velocity: tagVelocity({ value: r.rate_value, at: r.rate_at }, now) }))
    .filter((t) => t.velocity >= TAG_MIN_RATE)
    .sort((a, b) => b.velocity - a.velocity || b.uses - a.uses || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}

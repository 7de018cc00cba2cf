// Trends as a projection of the events: tag_stats and tag_authors are kept after commit, not by the write transaction,
// whose every statement runs under the stream lock that all writers wait for (a batch's tag uses, one upsert of a hot
// row per tag, were the largest part of that time). A pass applies the events past the projection's position (what
// each did to hashtags, events.tags: hashtags.ts) as the embedded engine does (uses; each author counted once per tag
// per TAG_AUTHOR_WINDOW_MS, by core's bumpRate) and moves the position, in one statement in a transaction holding the
// position row's lock: each event is applied once, by one instance at a time, and a projector killed mid-pass leaves
// the position of its last commit, from which the next pass goes on. Every instance runs passes shortly after events
// reach its feed (one running skips the others'); a trends read first applies what is still pending (hashtags.ts
// trendingTags), so it holds every write answered before it.
import { VELOCITY_HALF_LIFE_MS } from '@tweetstore/core';
import { TAG_AUTHOR_WINDOW_MS, type StoreLogger } from '@tweetstore/store';
import type { Queries, Sql } from './connect.ts';

/** Events a pass reads at most: a long backlog (a projector down for a while) is applied in several transactions. */
export const PASS_EVENTS = 10_000;

interface Pass {
  /** the position after the pass */
  position: number;
  /** the head the pass read */
  head: number;
}

/**
 * One pass: the events after the position up to the head (at most `limit`) applied and the position moved past them,
 * in one transaction. `wait`: for a pass another instance is running (and then go on from where it ended); else the
 * pass is skipped (null).
 */
export function projectTrends(sql: Sql, wait: boolean, limit = PASS_EVENTS): Promise<Pass | null> {
  return sql.begin(async (tx) => {
    const [, [row]] = await Promise.all([
      // PostgreSQL cannot know how many events a pass finds, and its guess had it compile the statement (JIT: 1.4 s)
      tx`set local jit = off`,
      wait
        ? tx<{ position: number }[]>`select position from projections where name = 'trends' for update`
        : tx<{ position: number }[]>`select position from projections where name = 'trends' for update skip locked`,
    ]);
    if (!row) return null;
    const [pass] = await applyEvents(tx, row.position, limit);
    return pass!;
  });
}

/**
 * The statement of a pass, all in the database (no event is read into this process, no row sent back): the events
 * after `position` that changed tags, up to the head (committed: every event up to it is, as seqs commit in order) and
 * at most `limit` on, and up to the first whose time is TAG_AUTHOR_WINDOW_MS or more from another's before it, so that
 * no author can count twice for a tag within the pass; their tag changes; for each author and tag the first use in seq
 * order that may count (countsForVelocity against when the author last counted), as the embedded engine counts them
 * one at a time; the counted uses of each tag as one decayed rate (core's bumpRate of several uses at once) added to
 * the tag's rate at the later one's time, with the level of the sum; each tag's uses moved (never below 0, as the
 * embedded engine keeps them; a tag's row comes with its first use, as an event takes away only tags an earlier one
 * gave). Added to what the rows hold, not written over them, so uses counted from tweet_tags (backfill.ts, the import)
 * compose with it.
 */
function applyEvents(tx: Queries, position: number, limit: number) {
  const h = VELOCITY_HALF_LIFE_MS;
  const window = TAG_AUTHOR_WINDOW_MS;
  return tx<Pass[]>`
    with
    bounds as materialized (select least(head, ${position + limit}) upto, head from stream_head),
    tagged as (
      select e.seq, e.at, e.payload->>'authorId' author, e.tags, max(e.at) over w - min(e.at) over w span
      from events e where e.seq > ${position} and e.seq <= (select upto from bounds) and e.tags is not null
      window w as (order by e.seq)),
    cut as (select coalesce((select min(seq) - 1 from tagged where span >= ${window}), (select upto from bounds)) upto),
    changes as (
      select t.seq, t.at, t.author, a.tag, 1 delta, (t.tags->>'counts')::boolean counts
      from tagged t cross join lateral jsonb_array_elements_text(t.tags->'added') a (tag) where t.seq <= (select upto from cut)
      union all
      select t.seq, t.at, t.author, r.tag, -1, false
      from tagged t cross join lateral jsonb_array_elements_text(t.tags->'removed') r (tag) where t.seq <= (select upto from cut)),
    firsts as (
      -- who counted when, looked up by key for each use (a join had PostgreSQL hash all of tag_authors for each pass)
      select c.tag, c.author, (array_agg(c.at order by c.seq))[1] at
      from changes c
      where c.counts and coalesce(c.at - (select a.counted_at from tag_authors a where a.tag = c.tag and a.author_id = c.author) >= ${window}, true)
      group by c.tag, c.author),
    counted as (
      insert into tag_authors (tag, author_id, counted_at) select tag, author, at from firsts
      on conflict (tag, author_id) do update set counted_at = excluded.counted_at
      returning tag, counted_at at),
    latest as (select tag, max(at) at from counted group by tag),
    rates as (
      select c.tag, sum(power(2::float8, greatest((c.at - l.at)::float8 / ${h}, -1000))) value, l.at
      from counted c join latest l on l.tag = c.tag group by c.tag, l.at),
    uses as (select tag, sum(delta)::int uses from changes group by tag),
    stats as (
      insert into tag_stats as s (tag, uses, rate_value, rate_at, rate_level)
      select u.tag, u.uses, r.value, r.at, ln(r.value) / ln(2) + r.at::float8 / ${h} from uses u left join rates r on r.tag = u.tag
      on conflict (tag) do update set uses = greatest(s.uses + excluded.uses, 0), (rate_value, rate_at, rate_level) = (
        select b.value, b.at, ln(b.value) / ln(2) + b.at::float8 / ${h} from (
          select
            case
              when excluded.rate_at is null then s.rate_value
              when s.rate_at is null then excluded.rate_value
              else s.rate_value * power(2::float8, greatest((s.rate_at - t.at)::float8 / ${h}, -1000))
                + excluded.rate_value * power(2::float8, greatest((excluded.rate_at - t.at)::float8 / ${h}, -1000))
            end value,
            t.at
          from (select greatest(s.rate_at, excluded.rate_at) at) t) b)
      returning 1),
    moved as (update projections set position = (select upto from cut) where name = 'trends' returning position)
    select position, (select head from bounds) from moved`;
}

/**
 * The passes of one store instance: run `delayMs` after events reach its feed (so one pass takes many), again at once
 * while a pass ends behind the head, and again after `delayMs` while another instance's pass held the lock (it may
 * have read the head before these events).
 */
export class TrendProjector {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** events came while a pass ran */
  #again = false;
  #stopped = false;
  #failing = false;
  passes = 0;

  constructor(
    private readonly sql: Sql,
    private readonly delayMs: number,
    private readonly logger: StoreLogger,
  ) {}

  /** Events past the position may be there: a pass runs soon. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) this.#again = true;
    else this.#timer ??= setTimeout(() => this.#run(), this.delayMs).unref();
  }

  /** Applies every event up to `head` before it resolves, waiting for a pass another instance is running. */
  async caughtUp(head: number): Promise<void> {
    for (;;) {
      const pass = (await projectTrends(this.sql, true))!;
      this.passes++;
      if (pass.position >= head) return;
    }
  }

  /** Stops the passes; the last one, if running, is let finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #run(): void {
    this.#timer = undefined;
    this.#running = (async () => {
      for (;;) {
        const pass = await projectTrends(this.sql, false);
        if (pass === null) return void (this.#again = true); // another instance's pass: after it, what it left
        this.passes++;
        if (pass.position >= pass.head) return;
      }
    })().then(
      () => {
        if (this.#failing) this.logger.info({}, 'the trends projection runs again');
        this.#failing = false;
      },
      (error: unknown) => {
        // said once per outage, not at every try
        if (!this.#failing) this.logger.warn({ err: error }, 'a pass of the trends projection failed; it is tried again');
        this.#failing = true;
        this.#again = true;
      },
    );
    void this.#running.finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }
}

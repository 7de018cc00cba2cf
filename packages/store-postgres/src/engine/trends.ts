// Trends as a projection of the events: tag_stats and tag_authors are kept after commit, not by the write transaction,
// whose every statement runs under the stream lock that all writers wait for (a batch's tag uses, one upsert of a hot
// row per tag, were the largest part of that time). A pass reads the events past the projection's position (what each
// did to hashtags, events.tags: hashtags.ts), applies them in seq order as the embedded engine does (uses; each author
// counted once per tag per TAG_AUTHOR_WINDOW_MS, by core's bumpRate), and writes the tags it changed and its new
// position in one transaction holding the position row's lock: each event is applied once, by one instance at a time,
// and a projector killed mid-pass leaves the position of its last commit, from which the next pass goes on. Every
// instance runs passes shortly after events reach its feed (one running skips the others'); a trends read first
// applies what is still pending (hashtags.ts trendingTags), so it holds every write answered before it.
import { VELOCITY_HALF_LIFE_MS, type DecayedRate } from '@tweetstore/core';
import { bumpTag, countsForVelocity, type StoreLogger } from '@tweetstore/store';
import { insertRows, type TagAuthorColumns } from './columns.ts';
import type { Queries, Sql } from './connect.ts';
import type { TagChange } from './hashtags.ts';

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
    const [row] = await (wait
      ? tx<{ position: number }[]>`select position from projections where name = 'trends' for update`
      : tx<{ position: number }[]>`select position from projections where name = 'trends' for update skip locked`);
    if (!row) return null;
    // committed: every event up to it is (seqs commit in order)
    const [{ head }] = (await tx<[{ head: number }]>`select head from stream_head`);
    const to = Math.min(head, row.position + limit);
    if (to <= row.position) return { position: row.position, head };
    const events = await tx<TaggedEvent[]>`
      select at, payload->>'authorId' author, tags from events where seq > ${row.position} and seq <= ${to} and tags is not null order by seq`;
    if (events.length > 0) await applyTagChanges(tx, events);
    await tx`update projections set position = ${to} where name = 'trends'`;
    return { position: to, head };
  });
}

interface TaggedEvent {
  at: number;
  author: string;
  tags: TagChange;
}

/**
 * The events' tag changes applied in order: each tag's uses moved and its counted uses gathered as one decayed rate
 * (bumpTag), then added to the tag's row in one statement; who counted when read for the authors that may count, and
 * written for those that did.
 */
async function applyTagChanges(tx: Queries, events: readonly TaggedEvent[]): Promise<void> {
  const counting = new Map<string, { tag: string; author: string }>();
  for (const e of events) {
    if (e.tags.counts) for (const tag of e.tags.added) counting.set(authorKey(tag, e.author), { tag, author: e.author });
  }
  const pairs = [...counting.values()];
  const counted =
    pairs.length === 0
      ? []
      : await tx<{ tag: string; author_id: string; counted_at: number }[]>`
          select a.tag, a.author_id, a.counted_at
          from unnest(${pairs.map((p) => p.tag)}::text[], ${pairs.map((p) => p.author)}::text[]) k (tag, author_id)
          join tag_authors a on a.tag = k.tag and a.author_id = k.author_id`;
  const lastCounted = new Map(counted.map((r) => [authorKey(r.tag, r.author_id), r.counted_at]));
  const changes = new Map<string, TagDelta>();
  const change = (tag: string) => {
    let c = changes.get(tag);
    if (!c) changes.set(tag, (c = { tag, uses: 0, rate: undefined }));
    return c;
  };
  const countedNow = new Map<string, TagAuthorColumns>();
  for (const e of events) {
    for (const tag of e.tags.removed) change(tag).uses--;
    for (const tag of e.tags.added) {
      const c = change(tag);
      c.uses++;
      if (!e.tags.counts) continue;
      const key = authorKey(tag, e.author);
      if (!countsForVelocity(lastCounted.get(key), e.at)) continue;
      lastCounted.set(key, e.at);
      countedNow.set(key, { tag, author_id: e.author, counted_at: e.at });
      c.rate = bumpTag(c.rate, e.at);
    }
  }
  await Promise.all([
    tagsChanged(tx, [...changes.values()]),
    countedNow.size > 0 && tx`${insertRows(tx, 'tag_authors', [...countedNow.values()])} on conflict (tag, author_id) do update set counted_at = excluded.counted_at`,
  ]);
}

/** What a pass adds to a tag: uses (fewer when negative), and the decayed rate of the uses it counted. */
interface TagDelta {
  tag: string;
  uses: number;
  rate: DecayedRate | undefined;
}

/**
 * The tags' rows with the pass's changes added: uses, never below 0 (as the embedded engine keeps them; a tag's row
 * comes with its first use, as an event takes away only tags an earlier one gave), and the two rates added at the
 * later one's time (core's bumpRate of several uses at once) with the level of the sum. Added to what the rows hold,
 * not written over them, so uses counted from tweet_tags (backfill.ts, the import) compose with it.
 */
function tagsChanged(tx: Queries, deltas: readonly TagDelta[]) {
  const h = VELOCITY_HALF_LIFE_MS;
  const rows = deltas.map((d) => ({ tag: d.tag, uses: d.uses, rate_value: d.rate?.value ?? null, rate_at: d.rate?.at ?? null }));
  return tx`
    insert into tag_stats as s (tag, uses, rate_value, rate_at, rate_level)
    select c.tag, c.uses, c.rate_value, c.rate_at, ln(c.rate_value) / ln(2) + c.rate_at::float8 / ${h}
    from jsonb_to_recordset(${tx.json(rows as never)}) as c (tag text, uses integer, rate_value float8, rate_at bigint)
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
        from (select greatest(s.rate_at, excluded.rate_at) at) t) b)`;
}

const authorKey = (tag: string, author: string) => `${tag} ${author}`;

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

// Hot tweets in this instance's memory: a tweet read once is kept (least recently read out first, at most `tweets`),
// with its author, its media and the users whose like or retweet is given or was taken back, so a get or an
// engagement read for any viewer is answered from memory. The instance's event tail keeps them current: engagement
// events change the counters, the users' sets and the velocity as apply.ts does in SQL (the same bumpRate); any other
// event that changes a kept tweet (edit, revert, transition, media, its replies) drops it, and the next read loads it
// again. Sessions are kept the same way (a signed-in call looks its session up first): opened and closed by the tail's
// SessionOpened and SessionClosed. A read is served here only once the tail has delivered up to the committed head in
// Redis (barrier.ts); otherwise, after waiting for the tail up to `waitMs`, or when Redis fails, it goes to PostgreSQL.
import type { MediaLookup, StoredMedia, StoreEvent } from '@tweetstore/store';
import { bumped } from './apply.ts';
import type { CommittedHead } from './barrier.ts';
import type { Queries } from './connect.ts';
import { loadMedia, NO_EDGES, selectTweets, tweetRow, type TweetRow } from './rows.ts';

export interface HotOptions {
  /** tweets kept, default 10,000; as many sessions */
  tweets: number;
  /** a tweet with more likes and retweets (given or taken back) than this keeps no users' sets: reads with a viewer go to PostgreSQL */
  maxEdges: number;
  /** how long a read waits for the tail to reach the committed head before it goes to PostgreSQL; default 20 ms */
  waitMs: number;
}

interface Users {
  likes: Set<string>;
  likesTakenBack: Set<string>;
  retweets: Set<string>;
  retweetsTakenBack: Set<string>;
}

interface Kept {
  /** without a viewer's edges */
  row: TweetRow;
  media: MediaLookup;
  /** null: too many to keep */
  users: Users | null;
  /** the seq the row was read at: events up to it are in it */
  seq: number;
}

/** Event kinds the ring remembers as touching every kept tweet (their tweets are not known by id). */
const EVERY = '*';
/** Events remembered, to tell whether a tweet read at an older seq than the tail's may be kept. */
const RING = 4096;
/** Tweets whose parent (or lack of one) is remembered, to drop a parent whose reply changes state. */
const PARENTS = 100_000;

/** A session as it is stored: expiry is the caller's to check. */
export interface HotSession {
  userId: string;
  expiresAt: number;
}

interface KeptSession extends HotSession {
  /** the seq it was read at */
  seq: number;
}

export interface HotRead {
  tweet: TweetRow | undefined;
  media: MediaLookup;
}

export class HotTweets {
  readonly #kept = new Map<string, Kept>();
  /** open sessions by token hash (an unknown token is not remembered: each look-up of one goes to PostgreSQL) */
  readonly #sessions = new Map<string, KeptSession>();
  /** tweet -> media it carries, and media -> tweets kept carrying it */
  readonly #byMedia = new Map<string, Set<string>>();
  readonly #parentOf = new Map<string, string | null>();
  /** the tweet ids (or EVERY) of the last RING events, by seq % RING */
  readonly #ring: (string | undefined)[] = new Array<string | undefined>(RING);
  /** the last seq delivered by the tail */
  #seq: number;
  /** the highest seq the tail was woken for */
  #woken = 0;
  #waiters: { seq: number; resolve(reached: boolean): void }[] = [];
  hits = 0;
  misses = 0;
  fallbacks = 0;

  constructor(
    private readonly o: HotOptions,
    private readonly head: CommittedHead,
    private readonly sql: Queries,
    tailSeq: number,
    private readonly wakeTail: (seq: number) => void,
  ) {
    this.#seq = tailSeq;
  }

  get size(): number {
    return this.#kept.size;
  }

  /**
   * The tweet as `viewerId` sees it (its edges), current to every acknowledged write; null: go to PostgreSQL (Redis
   * fails, the tail is behind, or the viewer's edges are not kept).
   */
  async read(id: string, viewerId: string | null): Promise<HotRead | null> {
    if (!(await this.#servable())) return null;
    let k = this.#hit(this.#kept, id);
    if (!k) {
      const loaded = await this.#load(id);
      if (!loaded) return { tweet: undefined, media: new Map() };
      k = loaded;
      this.#keep(id, k);
    }
    if (viewerId !== null && !k.users) return null;
    return { tweet: { ...k.row, edges: edgesOf(k.users, viewerId) }, media: k.media };
  }

  /**
   * The session of this token hash as every acknowledged write left it: null when there is none; undefined: go to
   * PostgreSQL (Redis fails or the tail is behind).
   */
  async session(tokenHash: string): Promise<HotSession | null | undefined> {
    if (!(await this.#servable())) return undefined;
    const kept = this.#hit(this.#sessions, tokenHash);
    if (kept) return { userId: kept.userId, expiresAt: kept.expiresAt };
    // one statement, one snapshot: the session, if any, and the head it is current at
    const [row] = await this.sql<{ snapshot_head: number; user_id: string | null; expires_at: number | null }[]>`
      select (select head from stream_head) snapshot_head, s.user_id, s.expires_at
      from (select 1) one left join sessions s on s.token_hash = ${tokenHash}`;
    if (row!.user_id === null) return null;
    const found = { userId: row!.user_id, expiresAt: row!.expires_at! };
    if (!this.#changedSince(tokenHash, row!.snapshot_head)) {
      this.#sessions.set(tokenHash, { ...found, seq: row!.snapshot_head });
      if (this.#sessions.size > this.o.tweets) this.#sessions.delete(this.#sessions.keys().next().value!);
    }
    return found;
  }

  /** Whether memory may answer now: the tail has delivered the committed head in Redis (counted as a fallback when not). */
  async #servable(): Promise<boolean> {
    const committed = await this.head.read();
    if (committed !== undefined && (await this.#reached(committed))) return true;
    this.fallbacks++;
    return false;
  }

  /** What `map` keeps under `key`, made the most recently read (the last out); a hit or a miss counted. */
  #hit<T>(map: Map<string, T>, key: string): T | undefined {
    const kept = map.get(key);
    if (kept === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    map.delete(key);
    map.set(key, kept);
    return kept;
  }

  /** Whether an event the tail delivered after `seq` may have changed `key` (a tweet id or a token hash). */
  #changedSince(key: string, seq: number): boolean {
    if (seq >= this.#seq) return false;
    if (this.#seq - seq > RING) return true;
    for (let s = seq + 1; s <= this.#seq; s++) {
      const touched = this.#ring[s % RING];
      if (touched === key || touched === EVERY) return true;
    }
    return false;
  }

  /** Whether the tail has delivered `seq`, waiting for it up to waitMs. */
  #reached(seq: number): Promise<boolean> | boolean {
    if (this.#seq >= seq) return true;
    // once per seq heard of here: the tail reads what it was not told of (a NOTIFY on its way, or lost)
    if (seq > this.#woken) {
      this.#woken = seq;
      this.wakeTail(seq);
    }
    return new Promise<boolean>((resolve) => {
      const waiter = { seq, resolve };
      this.#waiters.push(waiter);
      setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve(false);
      }, this.o.waitMs).unref();
    });
  }

  /** The tweet, its author, media and users' sets as of one snapshot, and the seq of that snapshot. */
  async #load(id: string): Promise<Kept | undefined> {
    const sql = this.sql;
    const cap = this.o.maxEdges + 1;
    // one statement, one snapshot: the row, its users and the head it is current at
    const [raw] = await sql<Record<string, unknown>[]>`
      with edges as (select user_id, kind, active, taken_back from engagements where tweet_id = ${id} limit ${cap})
      select s.*, (select head from stream_head) snapshot_head,
        (select coalesce(json_agg(json_build_array(user_id, kind, active, taken_back)), '[]') from edges) edge_rows,
        (select count(*) from edges)::int edge_count
      from (${selectTweets(sql, null)} where t.id = ${id}) s`;
    if (!raw) return undefined;
    const row = { ...tweetRow(raw as never), edges: NO_EDGES };
    // media: read after the row; a media event in between drops the tweet once the tail delivers it
    const media: MediaLookup = row.mediaIds.length > 0 ? await loadMedia(sql, row.mediaIds) : new Map<string, StoredMedia>();
    let users: Users | null = null;
    if ((raw.edge_count as number) < cap) {
      users = { likes: new Set(), likesTakenBack: new Set(), retweets: new Set(), retweetsTakenBack: new Set() };
      for (const [userId, kind, active, takenBack] of raw.edge_rows as [string, 'likes' | 'retweets', boolean, boolean][]) {
        if (active) users[kind].add(userId);
        if (takenBack) users[kind === 'likes' ? 'likesTakenBack' : 'retweetsTakenBack'].add(userId);
      }
    }
    return { row, media, users, seq: raw.snapshot_head as number };
  }

  /** Keeps what was loaded, unless the tail has gone past its snapshot with an event that may change it. */
  #keep(id: string, k: Kept): void {
    if (this.#changedSince(id, k.seq)) return;
    this.#kept.set(id, k);
    for (const m of k.row.mediaIds) {
      let tweets = this.#byMedia.get(m);
      if (!tweets) this.#byMedia.set(m, (tweets = new Set()));
      tweets.add(id);
    }
    this.#remember(id, k.row.replyToId);
    if (this.#kept.size > this.o.tweets) this.#drop(this.#kept.keys().next().value!);
  }

  #drop(id: string): void {
    const k = this.#kept.get(id);
    if (!k) return;
    this.#kept.delete(id);
    for (const m of k.row.mediaIds) {
      const tweets = this.#byMedia.get(m);
      tweets?.delete(id);
      if (tweets?.size === 0) this.#byMedia.delete(m);
    }
  }

  #remember(id: string, parent: string | null): void {
    if (this.#parentOf.has(id)) return;
    this.#parentOf.set(id, parent);
    if (this.#parentOf.size > PARENTS) this.#parentOf.delete(this.#parentOf.keys().next().value!);
  }

  clear(): void {
    for (const id of [...this.#kept.keys()]) this.#drop(id);
  }

  /** Sessions kept. */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** The tail's delivery, in seq order. */
  delivered(e: StoreEvent): void {
    this.#ring[e.seq % RING] = this.#apply(e);
    this.#seq = e.seq;
    if (this.#waiters.length > 0) {
      const reached = this.#waiters.filter((w) => w.seq <= e.seq);
      if (reached.length > 0) {
        this.#waiters = this.#waiters.filter((w) => w.seq > e.seq);
        for (const w of reached) w.resolve(true);
      }
    }
  }

  /** Applies the event to the kept tweets; returns what it touched (a tweet id, EVERY, or nothing). */
  #apply(e: StoreEvent): string | undefined {
    switch (e.type) {
      case 'Liked':
      case 'Retweeted':
      case 'Unliked':
      case 'Unretweeted': {
        const k = this.#current(e.tweetId, e.seq);
        if (k) engaged(k, e, this.o.maxEdges);
        return e.tweetId;
      }
      case 'ViewsCounted': {
        const k = this.#current(e.tweetId, e.seq);
        if (k) {
          k.row.views += e.n;
          k.row.velocity = bumped(k.row.velocity, 'views', e.at, e.n);
        }
        return e.tweetId;
      }
      case 'TweetCreated':
        this.#remember(e.tweetId, e.replyToId);
        // a published reply counts in its parent (replies and their velocity)
        if (e.replyToId !== null && e.state === 'published') {
          this.#dropNewer(e.replyToId, e.seq);
          return e.replyToId; // the new reply itself cannot have been read before it was made
        }
        return e.tweetId;
      case 'TweetEdited':
      case 'TweetReverted':
        this.#dropNewer(e.tweetId, e.seq);
        return e.tweetId;
      case 'TweetPublished':
      case 'TweetArchived':
      case 'TweetRestored': {
        this.#dropNewer(e.tweetId, e.seq);
        const parent = this.#parentOf.get(e.tweetId);
        if (parent === undefined) {
          // a reply of an unknown parent may have changed any kept tweet's replies
          this.clear();
          return EVERY;
        }
        if (parent === null) return e.tweetId;
        this.#dropNewer(parent, e.seq);
        return EVERY; // two tweets touched: the ring holds one id a seq
      }
      case 'SessionOpened':
      case 'SessionClosed': {
        const k = this.#sessions.get(e.tokenHash);
        if (k && k.seq < e.seq) {
          if (e.type === 'SessionClosed') this.#sessions.delete(e.tokenHash);
          else Object.assign(k, { userId: e.userId, expiresAt: e.expiresAt, seq: e.seq });
        }
        return e.tokenHash;
      }
      case 'MediaUploaded':
      case 'MediaAltSet':
      case 'MediaRemoved':
        for (const id of [...(this.#byMedia.get(e.mediaId) ?? [])]) this.#dropNewer(id, e.seq);
        return EVERY;
      default:
        return undefined;
    }
  }

  /** The kept tweet, when it was read before this event (one read after has it already). */
  #current(id: string, seq: number): Kept | undefined {
    const k = this.#kept.get(id);
    return k && k.seq < seq ? k : undefined;
  }

  #dropNewer(id: string, seq: number): void {
    if (this.#current(id, seq)) this.#drop(id);
  }
}

function edgesOf(users: Users | null, viewerId: string | null) {
  if (!users || viewerId === null) return NO_EDGES;
  return {
    liked: users.likes.has(viewerId),
    retweeted: users.retweets.has(viewerId),
    likeTakenBack: users.likesTakenBack.has(viewerId),
    retweetTakenBack: users.retweetsTakenBack.has(viewerId),
  };
}

/** A like or retweet given or taken back: as apply.ts changes the row and the engagements. */
function engaged(k: Kept, e: Extract<StoreEvent, { type: 'Liked' | 'Retweeted' | 'Unliked' | 'Unretweeted' }>, maxEdges: number): void {
  const kind = e.type === 'Liked' || e.type === 'Unliked' ? 'likes' : 'retweets';
  const given = e.type === 'Liked' || e.type === 'Retweeted';
  k.row[kind] += given ? 1 : -1;
  if (given && e.velocity !== false) k.row.velocity = bumped(k.row.velocity, kind, e.at, 1);
  const u = k.users;
  if (!u) return;
  if (given) u[kind].add(e.userId);
  else {
    u[kind].delete(e.userId);
    u[kind === 'likes' ? 'likesTakenBack' : 'retweetsTakenBack'].add(e.userId);
  }
  if (u.likes.size + u.likesTakenBack.size + u.retweets.size + u.retweetsTakenBack.size > maxEdges) k.users = null;
}

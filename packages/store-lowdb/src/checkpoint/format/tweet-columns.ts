// A chunk of tweets in a checkpoint (format 3 on), one column per field, in two files: the tweets file holds what the
// indexes and the engagement rules need (parsed at start-up), the details file everything else (parsed when first
// needed: tweet-index.ts).
// Columns of numbers and strings parse several times faster than an object per tweet (no keys, no small arrays).
// Version histories are in a third file (history-rows.ts).
import type { DecayedRate, TweetState } from '@tweetstore/core';
import { engagementKinds, NO_MEDIA, tweetRecord, type CheckpointFileRef, type EngagementKind, type TakenBack, type TweetRecord } from '../../projection/records.ts';
import type { TweetTerms } from '../../projection/search-index.ts';
import { encodeSearch, type SearchColumns } from './search-columns.ts';
import { packStrings, stringAt, stringCount, type Strings } from './strings.ts';

type Velocity = Partial<Record<EngagementKind, DecayedRate>>;

/** The tweets file: the fields every tweet has from the start. Users are named by their ordinal (registration order). */
export interface TweetIndexColumns {
  ids: Strings;
  author: number[];
  /** Ordinal of the tweet replied to (it is always older), or -1. */
  replyTo: number[];
  /** One letter per tweet: p(ublished), d(raft), a(rchived). */
  state: string;
  /** Creation time: the first absolute, each next one as the difference to the one before. */
  created: number[];
  versions: number[];
  /** Sparse, by index in the chunk. */
  keys: Record<number, string>;
  /** Of the tweets that were topByVelocity candidates when written (the rest are in the details file). */
  velocity: Record<number, Velocity>;
  /**
   * Since format 4, sparse by index in the chunk: the user ordinals of those who took back a like or a retweet. A
   * tweets file of format 3 has neither: its engine did not keep them, so its tweets start with none taken back.
   */
  likesTakenBack?: Record<number, number[]>;
  retweetsTakenBack?: Record<number, number[]>;
  /** Since format 5: the chunk's part of the search index (search-columns.ts). Older files: built after a restart. */
  search?: SearchColumns;
}

/** The details file: same order and length as the tweets file's. */
export interface TweetDetails {
  /** publishedAt - createdAt, or null. */
  published: (number | null)[];
  /** editedAt - createdAt, or null. */
  edited: (number | null)[];
  edits: number[];
  /** The content, or the index of an earlier tweet of the chunk with the same content (stored once). */
  text: (string | number)[];
  hash: Strings;
  length: number[];
  /** Packed hashtags, mentions and urls (facts.ts). */
  facts: string[];
  views: number[];
  /** Sparse, by index in the chunk. */
  media: Record<number, string[]>;
  /** User ordinals. */
  likes: Record<number, number[]>;
  retweets: Record<number, number[]>;
  velocity: Record<number, Velocity>;
}

const STATE_LETTER: Record<TweetState, string> = { published: 'p', draft: 'd', archived: 'a' };
const LETTER_STATE: Record<string, TweetState> = { p: 'published', d: 'draft', a: 'archived' };

export interface EncodeContext {
  /** The ordinal of the tweet with that id (a reply's parent). */
  tweetOrdinal(id: string): number;
  userOrdinal(id: string): number;
  /** Whether the tweet is a topByVelocity candidate (its velocity goes into the tweets file). */
  hot(t: TweetRecord): boolean;
  /** What the search index holds of the tweet. */
  searchTerms(t: TweetRecord): TweetTerms;
  /** A search term's id (given one if it has none yet). */
  termId(term: string): number;
}

/**
 * Both files of a chunk; `takenBack[i]`: who took back a like or a retweet of `tweets[i]`. `search`: false leaves the
 * search columns to the caller (the ones a checkpoint wrote before, if no text of the chunk changed since).
 */
export function encodeTweets(
  tweets: readonly TweetRecord[],
  takenBack: readonly (TakenBack | undefined)[],
  ctx: EncodeContext,
  search = true,
): { index: TweetIndexColumns; details: TweetDetails } {
  const person = (id: string) => ctx.userOrdinal(id);
  const index: TweetIndexColumns = { ids: [], author: [], replyTo: [], state: '', created: [], versions: [], keys: {}, velocity: {}, likesTakenBack: {}, retweetsTakenBack: {} };
  const details: TweetDetails = { published: [], edited: [], edits: [], text: [], hash: [], length: [], facts: [], views: [], media: {}, likes: {}, retweets: {}, velocity: {} };
  const ids: string[] = [];
  const hashes: string[] = [];
  const texts = new Map<string, number>();
  let state = '';
  let previous = 0;
  for (const [i, t] of tweets.entries()) {
    ids.push(t.id);
    index.author.push(person(t.authorId));
    index.replyTo.push(t.replyToId === null ? -1 : ctx.tweetOrdinal(t.replyToId));
    state += STATE_LETTER[t.state];
    index.created.push(t.createdAt - previous);
    previous = t.createdAt;
    index.versions.push(t.versionCount);
    if (t.idempotencyKey !== null) index.keys[i] = t.idempotencyKey;
    if (t.velocity !== null && Object.keys(t.velocity).length > 0) (ctx.hot(t) ? index : details).velocity[i] = { ...t.velocity }; // serialised later: a copy
    const tookBack = takenBack[i];
    if (tookBack?.likes) index.likesTakenBack![i] = [...tookBack.likes].map(person);
    if (tookBack?.retweets) index.retweetsTakenBack![i] = [...tookBack.retweets].map(person);

    details.published.push(t.publishedAt === null ? null : t.publishedAt - t.createdAt);
    details.edited.push(t.editedAt === null ? null : t.editedAt - t.createdAt);
    details.edits.push(t.editsSincePublish);
    const same = texts.get(t.contentHash);
    if (same === undefined) texts.set(t.contentHash, i);
    details.text.push(same ?? t.content);
    hashes.push(t.contentHash);
    details.length.push(t.weightedLength);
    details.facts.push(t.facts);
    details.views.push(t.views);
    if (t.mediaIds.length > 0) details.media[i] = [...t.mediaIds];
    if (t.likes?.size) details.likes[i] = [...t.likes].map(person);
    if (t.retweets?.size) details.retweets[i] = [...t.retweets].map(person);
  }
  index.ids = packStrings(ids);
  index.state = state;
  if (search) index.search = encodeSearch(tweets.map((t) => ctx.searchTerms(t)), ctx.termId);
  details.hash = packStrings(hashes);
  return { index, details };
}

function userOf(userId: (ordinal: number) => string | undefined, ordinal: number): string {
  const id = userId(ordinal);
  if (id === undefined) throw new Error(`no user #${ordinal}`);
  return id;
}

/**
 * Who took back a like or a retweet of the tweets of a tweets file's chunk of `n`, by index in the chunk: only the
 * tweets that have any (none in a file of format 3). `userId`: a user's id by ordinal.
 */
export function takenBackOf(c: TweetIndexColumns, n: number, userId: (ordinal: number) => string | undefined): Map<number, TakenBack> {
  const byRow = new Map<number, TakenBack>();
  for (const [kind, lists] of [['likes', c.likesTakenBack ?? {}], ['retweets', c.retweetsTakenBack ?? {}]] as const) {
    for (const i of listedRows(lists, n)) {
      let users = byRow.get(i);
      if (!users) byRow.set(i, (users = {}));
      users[kind] = new Set(lists[i]!.map((o) => userOf(userId, o)));
    }
  }
  return byRow;
}

/** The rows of a sparse column of user lists, each checked to be a row of the chunk's `n` with a list. */
function listedRows(lists: Record<number, number[]>, n: number): number[] {
  const rows = Object.keys(lists).map(Number);
  for (const i of rows) if (!(Number.isInteger(i) && i >= 0 && i < n) || !Array.isArray(lists[i])) throw new Error(`no tweet #${i} for its users`);
  return rows;
}

/** The ids of a tweets file's chunk, in order. */
export function idsOf(c: TweetIndexColumns): string[] {
  return Array.from({ length: stringCount(c.ids) }, (_, i) => stringAt(c.ids, i));
}

/**
 * A chunk of a checkpoint's tweets file kept in columns: a tweet in it gets a record only when a write changes it
 * (tweet-index.ts). Typed arrays and one string of state letters, ~25 B per tweet outside the V8 heap but
 * for the few keys and velocities, where a record with these fields took ~270 B and two more objects per tweet for
 * the GC to trace (docs/storage.md). Checked whole when made, before any tweet is restored from it.
 */
export class ColdIndex {
  /** How many tweets; their ordinals are `first` on. */
  readonly n: number;
  /** The first tweet's id (the ids themselves are the TweetIndex's). */
  readonly firstId: string | undefined;
  readonly #author: Uint32Array;
  /** Ordinal of the tweet replied to, or -1. */
  readonly #replyTo: Int32Array;
  readonly #state: string;
  readonly #created: Float64Array;
  readonly #versions: Uint32Array;
  /** Published replies to each tweet (not in the file: counted as the replies are restored). */
  readonly replies: Uint32Array;
  readonly #keys: Record<number, string>;
  readonly #velocity: VelocityColumn;

  /**
   * `first`: the chunk's first ordinal; `history`: the file of the chunk's version histories (moved on when a later
   * checkpoint writes them again), or undefined if it is not known yet (then set it with withHistory); `users`: how
   * many users there are (authors are named by ordinal).
   */
  constructor(
    c: TweetIndexColumns,
    readonly first: number,
    history: CheckpointFileRef | null | undefined,
    users: number,
  ) {
    const n = stringCount(c.ids);
    const columns = [c.author, c.replyTo, c.created, c.versions];
    if (typeof c.state !== 'string' || c.state.length !== n || columns.some((column) => !Array.isArray(column) || column.length !== n)) {
      throw new Error('tweets columns differ in length');
    }
    this.n = n;
    this.firstId = n > 0 ? stringAt(c.ids, 0) : undefined;
    this.#author = Uint32Array.from(c.author);
    this.#replyTo = Int32Array.from(c.replyTo);
    this.#created = new Float64Array(n);
    this.#versions = Uint32Array.from(c.versions);
    this.replies = new Uint32Array(n);
    let createdAt = 0;
    // made once, not per tweet: a closure per row (named by tsx, as every one is) cost a 1M restart ~0.9 s
    const id = (i: number) => stringAt(c.ids, i);
    for (let i = 0; i < n; i++) {
      const author = c.author[i]!;
      if (!(this.#author[i] === author && author < users)) throw new Error(`no user #${author}`);
      const replyTo = c.replyTo[i]!;
      if (!(this.#replyTo[i] === replyTo && replyTo >= -1 && replyTo < first + i)) throw new Error(`tweet ${id(i)} replies to a missing tweet`);
      if (LETTER_STATE[c.state[i]!] === undefined) throw new Error(`tweet ${id(i)} has no state`);
      this.#created[i] = createdAt += c.created[i]!;
      const versions = c.versions[i]!;
      if (!(this.#versions[i] === versions && versions >= 1)) throw new Error(`tweet ${id(i)} has no versions`);
    }
    if (history !== undefined) this.withHistory(history);
    this.#state = c.state;
    this.#keys = c.keys;
    this.#velocity = new VelocityColumn(c.velocity, n);
  }

  #history: CheckpointFileRef | null = null;

  get history(): CheckpointFileRef | null {
    return this.#history;
  }

  /** The file of the chunk's version histories: needed if a tweet of it has more than one version. */
  withHistory(history: CheckpointFileRef | null): this {
    if (history === null) {
      const i = this.#versions.findIndex((v) => v > 1);
      if (i >= 0) throw new Error(`tweet #${this.first + i} has ${this.#versions[i]} versions but no history file`);
    }
    this.#history = history;
    return this;
  }

  authorOrdinal(i: number): number {
    return this.#author[i]!;
  }

  /** The ordinal of the tweet the `i`th replies to, or -1. */
  replyToOrdinal(i: number): number {
    return this.#replyTo[i]!;
  }

  state(i: number): TweetState {
    return LETTER_STATE[this.#state[i]!]!;
  }

  versions(i: number): number {
    return this.#versions[i]!;
  }

  /** Whether the tweet was a topByVelocity candidate when written (its velocity is here, not in the details file). */
  hasVelocity(i: number): boolean {
    return this.#velocity.has(i);
  }

  /** A candidate's velocity (see hasVelocity), or null: a new object each time. */
  velocity(i: number): Velocity | null {
    return this.#velocity.at(i);
  }

  /** Its idempotency key and creation time, if it has a key. */
  key(i: number): { key: string; createdAt: number } | undefined {
    const key = this.#keys[i];
    return key === undefined ? undefined : { key, createdAt: this.#created[i]! };
  }

  /** The tweet with the fields of the tweets file; the rest waits for ColdDetails. `id`: a tweet's id by ordinal. */
  record(i: number, id: (ordinal: number) => string, userId: (ordinal: number) => string | undefined): TweetRecord {
    const versions = this.#versions[i]!;
    const replyTo = this.#replyTo[i]!;
    const t = tweetRecord({
      id: id(this.first + i),
      ordinal: this.first + i,
      authorId: userOf(userId, this.#author[i]!),
      replyToId: replyTo < 0 ? null : id(replyTo),
      state: this.state(i),
      createdAt: this.#created[i]!,
      idempotencyKey: this.#keys[i] ?? null,
      versionCount: versions,
      history: versions > 1 ? this.#history : null,
      velocity: this.#velocity.at(i),
    });
    t.replies = this.replies[i]!;
    return t;
  }
}

/**
 * A chunk's details as its details file holds them, kept in columns for the tweets without a record: texts as UTF-8
 * in one Buffer, numbers in typed arrays, likes as user ordinals, velocities as numbers. That is ~250 B per tweet,
 * mostly outside the V8 heap, where filled-in records held ~400 B and four more objects per tweet for the GC to trace
 * (docs/storage.md). Everything is checked when it is made, before any tweet changes.
 */
export class ColdDetails {
  readonly #published: Float64Array;
  readonly #edited: Float64Array;
  readonly #numbers: Float64Array; // edits, weighted length, views: three per tweet
  readonly #texts: TextColumn;
  readonly #hash: Strings;
  readonly #facts: TextColumn;
  readonly #media: Record<number, string[]>;
  readonly #likes: UserLists;
  readonly #retweets: UserLists;
  readonly #velocity: VelocityColumn;
  readonly #n: number;

  /** `first`: the ordinal of the chunk's first tweet; `n`: how many tweets of it the file holds. `userId`: a user's id by ordinal. */
  constructor(
    d: TweetDetails,
    readonly first: number,
    n: number,
    private readonly userId: (ordinal: number) => string | undefined,
  ) {
    const columns = [d.published, d.edited, d.edits, d.text, d.length, d.facts, d.views];
    if (stringCount(d.hash) !== n || columns.some((column) => !Array.isArray(column) || column.length !== n)) throw new Error('details columns differ in length');
    for (let i = 0; i < n; i++) {
      const text = d.text[i]!;
      if (typeof text === 'number' && !(text >= 0 && text < i)) throw new Error(`tweet #${first + i} refers to a missing text`);
    }
    for (const users of [d.likes, d.retweets]) for (const ordinals of Object.values(users)) for (const o of ordinals) userOf(userId, o);
    this.#published = Float64Array.from(d.published, (v) => v ?? NaN);
    this.#edited = Float64Array.from(d.edited, (v) => v ?? NaN);
    this.#numbers = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      this.#numbers[3 * i] = d.edits[i]!;
      this.#numbers[3 * i + 1] = d.length[i]!;
      this.#numbers[3 * i + 2] = d.views[i]!;
    }
    this.#texts = new TextColumn(d.text);
    this.#hash = d.hash;
    this.#facts = new TextColumn(d.facts);
    this.#media = d.media;
    this.#likes = new UserLists(d.likes, n);
    this.#retweets = new UserLists(d.retweets, n);
    this.#velocity = new VelocityColumn(d.velocity, n);
    this.#n = n;
  }

  /** The content and packed facts of the tweet of that ordinal (one of the file's). */
  text(ordinal: number): { content: string; facts: string } {
    const i = ordinal - this.first;
    if (!(i >= 0 && i < this.#n)) throw new RangeError(`tweet #${ordinal} is not in the details of #${this.first}`);
    return { content: this.#texts.at(i), facts: this.#facts.at(i) };
  }

  /** Writes the details into `t`, a record just made from the chunk's tweets file (one created since: unchanged). */
  writeInto(t: TweetRecord): TweetRecord {
    const i = t.ordinal - this.first;
    if (i >= this.#n) return t;
    const published = this.#published[i]!;
    const edited = this.#edited[i]!;
    const users = (ordinals: Uint32Array | undefined) => (ordinals ? new Set(Array.from(ordinals, (o) => userOf(this.userId, o))) : null);
    t.publishedAt = Number.isNaN(published) ? null : t.createdAt + published;
    t.editedAt = Number.isNaN(edited) ? null : t.createdAt + edited;
    t.editsSincePublish = this.#numbers[3 * i]!;
    t.content = this.#texts.at(i);
    t.contentHash = stringAt(this.#hash, i);
    t.weightedLength = this.#numbers[3 * i + 1]!;
    t.facts = this.#facts.at(i);
    t.mediaIds = this.#media[i] ?? NO_MEDIA;
    t.likes = users(this.#likes.at(i));
    t.retweets = users(this.#retweets.at(i));
    t.views = this.#numbers[3 * i + 2]!;
    t.velocity ??= this.#velocity.at(i);
    return t;
  }
}

/** Lists of user ordinals by row (likes, retweets), in two typed arrays: one heap object per chunk, not one per list. */
class UserLists {
  readonly #start: Uint32Array;
  readonly #users: Uint32Array;

  constructor(lists: Record<number, number[]>, n: number) {
    this.#start = new Uint32Array(n + 1);
    const rows = listedRows(lists, n);
    let total = 0;
    for (const i of rows) {
      this.#start[i + 1] = lists[i]!.length;
      total += lists[i]!.length;
    }
    for (let i = 0; i < n; i++) this.#start[i + 1]! += this.#start[i]!;
    this.#users = new Uint32Array(total);
    for (const i of rows) this.#users.set(lists[i]!, this.#start[i]!);
  }

  /** The row's user ordinals, or undefined if it has none. */
  at(i: number): Uint32Array | undefined {
    const start = this.#start[i]!;
    const end = this.#start[i + 1]!;
    return end > start ? this.#users.subarray(start, end) : undefined;
  }
}

/** Velocities by row as numbers, two per engagement kind (value and time; NaN: none): one object when asked for. */
class VelocityColumn {
  /** Row -> slot in #rates, or -1. */
  readonly #slot: Int32Array;
  readonly #rates: Float64Array;

  constructor(velocity: Record<number, Velocity>, n: number) {
    const slots = (this.#slot = new Int32Array(n).fill(-1));
    const rows = Object.keys(velocity);
    const kinds = engagementKinds.length;
    const rates = (this.#rates = new Float64Array(2 * kinds * rows.length).fill(NaN));
    // indexed loops: an entries() iterator's pair per row and per kind cost a 1M restart ~0.2 s (most rows of a
    // store written just after much engagement have a velocity here)
    for (let slot = 0; slot < rows.length; slot++) {
      const i = Number(rows[slot]);
      if (!(Number.isInteger(i) && i >= 0 && i < n)) throw new Error(`no tweet #${i} for its velocity`);
      slots[i] = slot;
      const v = velocity[i]!;
      for (let k = 0; k < kinds; k++) {
        const kind = engagementKinds[k]!;
        const rate = v[kind];
        if (rate === undefined) continue;
        if (typeof rate?.value !== 'number' || typeof rate.at !== 'number') throw new Error(`tweet #${i} has a bad ${kind} velocity`);
        rates[2 * (slot * kinds + k)] = rate.value;
        rates[2 * (slot * kinds + k) + 1] = rate.at;
      }
    }
  }

  has(i: number): boolean {
    return this.#slot[i]! >= 0;
  }

  at(i: number): Velocity | null {
    const slot = this.#slot[i]!;
    if (slot < 0) return null;
    const v: Velocity = {};
    for (const [k, kind] of engagementKinds.entries()) {
      const at = 2 * (slot * engagementKinds.length + k);
      if (!Number.isNaN(this.#rates[at + 1]!)) v[kind] = { value: this.#rates[at]!, at: this.#rates[at + 1]! };
    }
    return v;
  }
}

/**
 * Strings as UTF-8 in one Buffer (a number refers to an earlier string of the column, stored once). A string that is
 * not well-formed UTF-16 (a lone surrogate) would not survive UTF-8, so it is kept as it is.
 */
class TextColumn {
  readonly #bytes: Buffer;
  readonly #bounds: Uint32Array; // start and end per string
  readonly #odd = new Map<number, string>();

  constructor(values: readonly (string | number)[]) {
    let total = 0;
    for (const v of values) if (typeof v === 'string') total += Buffer.byteLength(v);
    this.#bytes = Buffer.allocUnsafeSlow(total);
    this.#bounds = new Uint32Array(2 * values.length);
    let at = 0;
    for (const [i, v] of values.entries()) {
      if (typeof v === 'number') {
        this.#bounds.copyWithin(2 * i, 2 * v, 2 * v + 2);
        const odd = this.#odd.get(v);
        if (odd !== undefined) this.#odd.set(i, odd);
      } else if (!v.isWellFormed()) {
        this.#odd.set(i, v);
      } else {
        this.#bounds[2 * i] = at;
        at += this.#bytes.write(v, at);
        this.#bounds[2 * i + 1] = at;
      }
    }
  }

  at(i: number): string {
    return this.#odd.get(i) ?? this.#bytes.toString('utf8', this.#bounds[2 * i], this.#bounds[2 * i + 1]);
  }
}

// A chunk of tweets in a checkpoint (format 3), one column per field, in two files: the tweets file holds what the
// indexes need (parsed at start-up), the details file everything else (parsed when first needed: tweet-index.ts).
// Columns of numbers and strings parse several times faster than an object per tweet (no keys, no small arrays).
// Version histories are in a third file (history-rows.ts).
import type { DecayedRate, TweetState } from '@tweetstore/core';
import { NO_MEDIA, tweetRecord, type CheckpointFileRef, type EngagementKind, type TweetRecord } from './records.ts';
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
}

/** Both files of a chunk. */
export function encodeTweets(tweets: readonly TweetRecord[], ctx: EncodeContext): { index: TweetIndexColumns; details: TweetDetails } {
  const person = (id: string) => ctx.userOrdinal(id);
  const index: TweetIndexColumns = { ids: [], author: [], replyTo: [], state: '', created: [], versions: [], keys: {}, velocity: {} };
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
  details.hash = packStrings(hashes);
  return { index, details };
}

export interface DecodeContext {
  /** Ordinal of the chunk's first tweet. */
  first: number;
  /** The file holding the chunk's version histories. */
  history: CheckpointFileRef | null;
  /** A user's id by ordinal (the users map's string: one string per user, however many tweets name it). */
  userId(ordinal: number): string | undefined;
  /** The id of an older tweet, by ordinal. */
  tweetId(ordinal: number): string | undefined;
}

function userOf(userId: (ordinal: number) => string | undefined, ordinal: number): string {
  const id = userId(ordinal);
  if (id === undefined) throw new Error(`no user #${ordinal}`);
  return id;
}

/** The chunk's tweets with the fields of the tweets file; the rest waits for ColdDetails (filled in by the TweetIndex when a tweet is asked for). Throws if the columns do not hold together. */
export function decodeTweetIndex(c: TweetIndexColumns, ctx: DecodeContext): TweetRecord[] {
  const n = stringCount(c.ids);
  const columns = [c.author, c.replyTo, c.created, c.versions];
  if (typeof c.state !== 'string' || c.state.length !== n || columns.some((column) => !Array.isArray(column) || column.length !== n)) {
    throw new Error('tweets columns differ in length');
  }
  const out: TweetRecord[] = [];
  let createdAt = 0;
  for (let i = 0; i < n; i++) {
    const id = stringAt(c.ids, i);
    createdAt += c.created[i]!;
    const replyTo = c.replyTo[i]!;
    const replyToId = replyTo < 0 ? null : ctx.tweetId(replyTo);
    if (replyToId === undefined) throw new Error(`tweet ${id} replies to a missing tweet`);
    const versions = c.versions[i]!;
    if (versions > 1 && ctx.history === null) throw new Error(`tweet ${id} has ${versions} versions but no history file`);
    out.push(
      tweetRecord({
        id,
        ordinal: ctx.first + i,
        authorId: userOf(ctx.userId, c.author[i]!),
        replyToId,
        state: LETTER_STATE[c.state[i]!]!,
        createdAt,
        idempotencyKey: c.keys[i] ?? null,
        versionCount: versions,
        history: versions > 1 ? ctx.history : null,
        velocity: c.velocity[i] ?? null,
      }),
    );
  }
  return out;
}

/**
 * A chunk's details as its details file holds them, kept in columns until each tweet is first asked for: texts as
 * UTF-8 in one Buffer, numbers in typed arrays, likes as user ordinals. That is ~250 B per tweet, mostly outside the
 * V8 heap, where filled-in records hold ~400 B and four more objects per tweet for the GC to trace (docs/storage.md).
 * Everything is checked when it is made, before any tweet changes.
 */
export class ColdDetails {
  readonly #published: Float64Array;
  readonly #edited: Float64Array;
  readonly #numbers: Float64Array; // edits, weighted length, views: three per tweet
  readonly #texts: TextColumn;
  readonly #hash: Strings;
  readonly #facts: TextColumn;
  readonly #d: Pick<TweetDetails, 'media' | 'likes' | 'retweets' | 'velocity'>;
  readonly #filled: Uint8Array;
  #left: number;

  /** `first`: the ordinal of the chunk's first tweet; `n`: how many tweets of it the file holds. `userId`: as for decodeTweetIndex. */
  constructor(
    d: TweetDetails,
    private readonly first: number,
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
    this.#d = { media: d.media, likes: d.likes, retweets: d.retweets, velocity: d.velocity };
    this.#filled = new Uint8Array(n);
    this.#left = n;
  }

  /** Fills in `t`'s details unless they are already; true once every tweet of the chunk has them (then drop this). */
  fill(t: TweetRecord): boolean {
    const i = t.ordinal - this.first;
    if (i >= this.#filled.length || this.#filled[i]) return this.#left === 0;
    this.#filled[i] = 1;
    this.#left--;
    this.#write(t, i);
    return this.#left === 0;
  }

  /** `t` with its details, as a copy when they are still here (t itself unchanged). */
  withDetails(t: TweetRecord): TweetRecord {
    const i = t.ordinal - this.first;
    if (i >= this.#filled.length || this.#filled[i]) return t;
    const copy = { ...t };
    this.#write(copy, i);
    return copy;
  }

  #write(t: TweetRecord, i: number): void {
    const published = this.#published[i]!;
    const edited = this.#edited[i]!;
    const users = (ordinals: number[] | undefined) => (ordinals ? new Set(ordinals.map((o) => userOf(this.userId, o))) : null);
    t.publishedAt = Number.isNaN(published) ? null : t.createdAt + published;
    t.editedAt = Number.isNaN(edited) ? null : t.createdAt + edited;
    t.editsSincePublish = this.#numbers[3 * i]!;
    t.content = this.#texts.at(i);
    t.contentHash = stringAt(this.#hash, i);
    t.weightedLength = this.#numbers[3 * i + 1]!;
    t.facts = this.#facts.at(i);
    t.mediaIds = this.#d.media[i] ?? NO_MEDIA;
    t.likes = users(this.#d.likes[i]);
    t.retweets = users(this.#d.retweets[i]);
    t.views = this.#numbers[3 * i + 2]!;
    t.velocity ??= this.#d.velocity[i] ?? null;
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

// Restoring the projection from a checkpoint, a file at a time (so the caller can read the next file meanwhile and
// let other work run between files): rows of every format in, indexes derived as the tweets arrive. Tweets come in
// creation order, so a reply's parent is always there before it.
import { packFacts } from '../../projection/facts.ts';
import { versionRecords, type TextRow, type VersionRow } from './history-rows.ts';
import { indexShown } from '../../projection/media.ts';
import { mediaRecord, type MediaRow } from './media-rows.ts';
import { ChangeSet, Projection } from '../../projection/projection.ts';
import { IDEMPOTENCY_TTL_MS, publishedVersion, shownToAll, type TextFacts } from '@tweetstore/store';
import { tweetRecord, type CheckpointFileRef, type TweetRecord, type VersionRecord } from '../../projection/records.ts';
import type { SessionRow, TagRow, UserRow } from './snapshot.ts';
import { decodeSearch } from './search-columns.ts';
import { takenBackOf, type TweetIndexColumns } from './tweet-columns.ts';
import type { ReadFileNow } from '../../projection/tweet-index.ts';

/** A tweet as checkpoints of formats 1 and 2 hold it: one object, with its whole history. */
export type TweetRow = Pick<TweetRecord, 'id' | 'authorId' | 'replyToId' | 'state' | 'createdAt' | 'publishedAt' | 'editedAt' | 'editsSincePublish'> &
  Pick<TweetRecord, 'weightedLength' | 'idempotencyKey' | 'views'> &
  Pick<TextFacts, 'hashtags' | 'mentions' | 'urls'> & {
    hash: string;
    mediaIds: string[];
    versions: VersionRow[];
    likes: string[];
    retweets: string[];
    velocity: NonNullable<TweetRecord['velocity']>;
  };

export class ProjectionRestore {
  readonly #p = new Projection();
  readonly #now: number;
  /** Format 1: one texts table for all tweets files. */
  readonly #texts = new Map<string, string>();
  /** Attached media whose rows do not say which tweets show them (written before rows did: findShownBy). */
  readonly #unshown = new Set<string>();
  /** Who added to each hashtag's velocity lately: [tag ordinal, user, at]. */
  readonly #counted: [number, string, number][] = [];
  /** The first ordinal of each chunk whose search columns have no words in text order (written before they were kept). */
  readonly #withoutWords: number[] = [];

  constructor(seq: number, now: number) {
    this.#p.seq = seq;
    this.#now = now;
  }

  /** Tweets restored so far. */
  get tweetCount(): number {
    return this.#p.tweets.size;
  }

  users(rows: readonly UserRow[]): void {
    for (const u of rows) this.#p.addUser({ ...u });
  }

  sessions(rows: readonly SessionRow[]): void {
    for (const [hash, userId, expiresAt] of rows) if (expiresAt > this.#now) this.#p.sessions.set(hash, { userId, expiresAt });
  }

  media(rows: readonly MediaRow[]): void {
    for (const row of rows) {
      this.#p.media.set(row.id, mediaRecord(row));
      if (row.shownBy === undefined && row.attached) this.#unshown.add(row.id);
    }
  }

  /**
   * Finds the tweets that show the media of rows written before rows said so, from their uploaders' tweets (only they
   * can attach them) and the versions `versionsOf` reads. Once: the next checkpoint writes them.
   */
  async findShownBy(versionsOf: (t: TweetRecord) => Promise<readonly VersionRecord[]>): Promise<void> {
    const p = this.#p;
    if (this.#unshown.size === 0) return;
    const uploaders = new Set<string>();
    for (const id of this.#unshown) for (const userId of p.media.get(id)!.owners.keys()) uploaders.add(userId);
    for (let ordinal = 0; ordinal < p.tweets.size; ordinal++) {
      if (!uploaders.has(p.tweets.entryAt(ordinal)!.authorId)) continue;
      const t = p.tweets.read(ordinal, false)!;
      const from = publishedVersion(t);
      if (from === null) continue;
      const versions = t.versionCount === 1 ? [{ mediaIds: t.mediaIds }] : await versionsOf(t);
      for (const [i, v] of versions.entries()) {
        if (!shownToAll(from, i + 1)) continue;
        for (const id of v.mediaIds) if (this.#unshown.has(id)) p.media.get(id)!.shownBy.add(t.id);
      }
    }
  }

  /** Format 1's texts table. */
  texts(rows: readonly TextRow[]): void {
    for (const [hash, text] of rows) this.#texts.set(hash, text);
  }

  /** A history file of the checkpoint: the stored versions of its chunk's tweets are read from there. */
  historyFile(ref: CheckpointFileRef): void {
    this.#p.checkpointFiles.set(ref.file, ref);
  }

  /** Hashtags restored so far. */
  get tagCount(): number {
    return this.#p.hashtags.size;
  }

  /** Terms in the search index's dictionary so far. */
  get termCount(): number {
    return this.#p.search.dictionarySize;
  }

  /** A terms file (format 5 on): the next terms of the search index's dictionary, by id. */
  terms(rows: readonly string[]): void {
    this.#p.search.restoreDictionary(rows);
  }

  /** A tags file (format 5 on): the next hashtags by ordinal. */
  tags(rows: readonly TagRow[]): void {
    const p = this.#p;
    for (const [tag, uses, value, at, counted] of rows) {
      if (typeof tag !== 'string' || !(Number.isSafeInteger(uses) && uses >= 0) || (value === null) !== (at === null) || !Array.isArray(counted) || counted.length % 2) {
        throw new Error(`hashtag ${JSON.stringify(tag)} does not hold together`);
      }
      const o = p.hashtags.size;
      p.hashtags.restore({ tag, uses, rate: value === null ? undefined : { value, at: at! } }, this.#now);
      for (let i = 0; i < counted.length; i += 2) {
        const userId = p.userIdAt(counted[i]!);
        if (userId === undefined) throw new Error(`no user #${counted[i]} for hashtag ${tag}`);
        this.#counted.push([o, userId, counted[i + 1]!]);
      }
    }
  }

  /**
   * A tweets file of format 3 on (chunks of `rows` tweets); `history`: the file of the chunk's histories. Its details
   * file follows. `search`: it must hold its part of the search index (format 5 on).
   */
  tweetIndex(columns: TweetIndexColumns, history: CheckpointFileRef | null, rows: number, search: boolean): void {
    const p = this.#p;
    const chunk = p.tweets.restore(columns, history, rows, p.userOrder.length);
    if (search) {
      const searchChunk = decodeSearch(columns.search!, chunk.first, chunk.n);
      if (searchChunk.sequence === undefined) this.#withoutWords.push(chunk.first);
      p.search.restore(searchChunk);
    }
    for (let i = 0; i < chunk.n; i++) {
      const ordinal = chunk.first + i;
      // Velocity in the tweets file is of the tweets that were candidates when written: no others can be now.
      if (chunk.hasVelocity(i)) p.ranking.restore(ordinal);
      p.versionCount += chunk.versions(i);
      const key = chunk.key(i);
      if (key && key.createdAt + IDEMPOTENCY_TTL_MS > this.#now) p.rememberIdempotencyKey(p.tweets.idAt(ordinal)!, p.userIdAt(chunk.authorOrdinal(i))!, key.key, key.createdAt);
      const parent = chunk.replyToOrdinal(i);
      if (parent >= 0 && chunk.state(i) === 'published') p.tweets.addReplies(parent, 1);
    }
    for (const [i, users] of takenBackOf(columns, chunk.n, (o) => p.userIdAt(o))) p.takenBack.set(p.tweets.idAt(chunk.first + i)!, users);
  }

  /** A details file (format 3) of `rows` tweets restored already: read when first needed (`read`). */
  tweetDetails(ref: CheckpointFileRef, rows: number, read: ReadFileNow): void {
    this.#p.checkpointFiles.set(ref.file, ref);
    this.#p.tweets.defer(ref, rows, read);
  }

  /** A tweets file of format 1 or 2 (whose texts are in the file or, format 1, in the texts table). */
  tweetRows(rows: readonly TweetRow[], texts: readonly TextRow[] = []): void {
    const local = new Map(texts);
    const textOf = (hash: string) => {
      const text = local.get(hash) ?? this.#texts.get(hash);
      if (text === undefined) throw new Error(`checkpoint has no text for ${hash}`);
      return text;
    };
    const p = this.#p;
    const userId = (id: string) => p.users.get(id)?.id ?? id;
    for (const row of rows) {
      const versions = versionRecords(row.versions, textOf);
      const parent = row.replyToId === null ? -1 : p.tweets.ordinalOf(row.replyToId);
      const t = tweetRecord({
        id: row.id,
        ordinal: p.tweets.size,
        authorId: userId(row.authorId),
        replyToId: row.replyToId === null ? null : (p.tweets.idAt(parent) ?? row.replyToId),
        state: row.state,
        createdAt: row.createdAt,
        idempotencyKey: row.idempotencyKey,
        versionCount: versions.length,
        history: null,
        velocity: Object.keys(row.velocity).length > 0 ? row.velocity : null,
      });
      Object.assign(t, { publishedAt: row.publishedAt, editedAt: row.editedAt, editsSincePublish: row.editsSincePublish, views: row.views });
      Object.assign(t, { content: textOf(row.hash), contentHash: row.hash, weightedLength: row.weightedLength, facts: packFacts(row) });
      if (row.mediaIds.length > 0) t.mediaIds = row.mediaIds;
      // All versions are here (no history file): one is the tweet itself (versions.ts), more are held until stored.
      t.storedVersions = 0;
      if (versions.length > 1) t.newVersions = versions;
      if (row.likes.length) t.likes = new Set(row.likes.map(userId));
      if (row.retweets.length) t.retweets = new Set(row.retweets.map(userId));
      if (t.velocity !== null) p.noteVelocity(t, this.#now);
      this.#add(t, parent);
    }
  }

  /** The projection, as of the checkpoint (no changes since, but media rows found again by findShownBy). */
  finish(): Projection {
    indexShown(this.#p);
    this.#p.search.finishRestore();
    this.#p.hashtags.restoreCounted(this.#counted);
    this.#p.changes = new ChangeSet();
    this.#p.changes.media = this.#unshown.size > 0;
    // once: the next checkpoint analyses these chunks' texts, and the restart after it has their words
    for (const first of this.#withoutWords) this.#p.analyseAgain(first);
    this.#p.changes.termsFrom = this.#p.search.dictionarySize;
    return this.#p;
  }

  /** `parent`: the ordinal of the tweet `t` replies to, or -1 (replies: a field every tweet has). */
  #add(t: TweetRecord, parent: number): void {
    const p = this.#p;
    p.addTweet(t, true);
    p.versionCount += t.versionCount;
    if (t.idempotencyKey !== null && t.createdAt + IDEMPOTENCY_TTL_MS > this.#now) p.rememberIdempotencyKey(t.id, t.authorId, t.idempotencyKey, t.createdAt);
    if (parent >= 0 && t.state === 'published') p.tweets.addReplies(parent, 1);
  }
}

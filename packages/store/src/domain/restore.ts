// Restoring the projection from a checkpoint, a file at a time (so the caller can read the next file meanwhile and
// let other work run between files): rows of every format in, indexes derived as the tweets arrive. Tweets come in
// creation order, so a reply's parent is always there before it.
import { packFacts } from './facts.ts';
import { versionRecords, type TextRow, type VersionRow } from './history-rows.ts';
import { ChangeSet, IDEMPOTENCY_TTL_MS, Projection } from './projection.ts';
import { tweetRecord, type CheckpointFileRef, type TextFacts, type TweetRecord } from './records.ts';
import type { SessionRow, UserRow } from './snapshot.ts';
import { decodeTweetIndex, type TweetIndexColumns } from './tweet-columns.ts';
import type { ReadFileNow } from './tweet-index.ts';

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

  /** Format 1's texts table. */
  texts(rows: readonly TextRow[]): void {
    for (const [hash, text] of rows) this.#texts.set(hash, text);
  }

  /** A history file of the checkpoint: the stored versions of its chunk's tweets are read from there. */
  historyFile(ref: CheckpointFileRef): void {
    this.#p.checkpointFiles.set(ref.file, ref);
  }

  /** A tweets file of format 3; `history`: the file of the chunk's histories. Its details file follows. */
  tweetIndex(columns: TweetIndexColumns, history: CheckpointFileRef | null): void {
    const p = this.#p;
    const tweets = decodeTweetIndex(columns, {
      first: p.tweets.size,
      history,
      userId: (ordinal) => p.userOrder[ordinal]?.id,
      tweetId: (ordinal) => p.tweets.peekAt(ordinal)?.id,
    });
    for (const [i, t] of tweets.entries()) {
      // Velocity in the tweets file is of the tweets that were candidates when it was written: no others can be now.
      if (t.velocity !== null) p.ranking.add(t);
      this.#add(t, p.tweets.peekAt(columns.replyTo[i]!));
    }
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
      const parent = row.replyToId === null ? undefined : p.tweets.peek(row.replyToId);
      const t = tweetRecord({
        id: row.id,
        ordinal: p.tweets.size,
        authorId: userId(row.authorId),
        replyToId: row.replyToId === null ? null : (parent?.id ?? row.replyToId),
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

  /** The projection, as of the checkpoint (no changes since). */
  finish(): Projection {
    this.#p.changes = new ChangeSet();
    return this.#p;
  }

  /** `parent`: the tweet `t` replies to (replies: a field every tweet has). */
  #add(t: TweetRecord, parent: TweetRecord | undefined): void {
    const p = this.#p;
    p.addTweet(t, true);
    p.versionCount += t.versionCount;
    if (t.idempotencyKey !== null && t.createdAt + IDEMPOTENCY_TTL_MS > this.#now) p.rememberIdempotencyKey(t);
    if (parent && t.state === 'published') parent.replies++;
  }
}

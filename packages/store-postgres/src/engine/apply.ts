// An event applied to the tables, in the transaction that appends it: what lowdb's projection does in memory
// (projection.ts, media.ts), as statements. A statement that changes a tweet returns the row as it is after it, so the
// answer is built without reading again. Velocity is bumped here from the rates the command loaded under the stream
// lock (core's bumpRate, as the embedded engine bumps it), and kept with its level for the ranking's index. A published
// tweet's terms and tags follow its current version in the same transaction (search.ts, hashtags.ts); what that did to
// its tags goes with the event, for the trends projection (trends.ts).
import { bumpRate, type DecayedRate } from '@tweetstore/core';
import { nextContent, tagKeys, type MediaLookup, type StoreEvent } from '@tweetstore/store';
import { engagementColumn, insertRows, mediaColumns, sessionColumns, tweetColumns, userColumns, velocityColumns, versionColumns, type VelocityColumns } from './columns.ts';
import { tagsRemoved } from './hashtags.ts';
import { termsColumns } from './search.ts';
import type { changedRow, TweetRow, Velocity } from './rows.ts';
import type { WriteTx } from './writer.ts';

/** What the command loaded that applying its event needs. */
export interface Loaded {
  /** the tweet the event changes */
  tweet?: TweetRow | undefined;
  /** the tweet it replies to, if any */
  parent?: TweetRow | undefined;
  /** the media the event names */
  media?: MediaLookup;
  /** for SessionOpened: a session with its token hash is open already */
  sessionOpen?: boolean;
}

export type ChangedTweet = Parameters<typeof changedRow>[0];

type Kind = keyof Velocity & string;

/** The rates with `n` events of `kind` at `at` (a pending rate's whole count, when `rate` is given instead). */
export function bumped(v: Velocity | null, kind: Kind, at: number, n: number): Velocity {
  return { ...v, [kind]: bumpRate(v?.[kind], at, n) };
}

export function withRate(v: Velocity | null, kind: Kind, rate: DecayedRate): Velocity {
  return bumped(v, kind, rate.at, rate.value);
}

/**
 * Applies the event: its statements are sent, not waited for (the writer checks them). Returns the tweet it changed as
 * it will be, when it changed one, to build the answer from once the batch has committed.
 */
export function applyEvent(tx: WriteTx, e: StoreEvent, s: Loaded): Promise<ChangedTweet> | undefined {
  if (e.type === 'TweetCreated') return Promise.resolve(created(tx, e, s));
  const sql = tx.sql;
  switch (e.type) {
    case 'UserRegistered':
      tx.count('users', 1);
      tx.send(insertRows(sql, 'users', [userColumns({ id: e.userId, username: e.username, displayName: e.displayName, passwordHash: e.passwordHash, createdAt: e.at })]));
      return undefined;
    case 'SessionOpened':
      if (!s.sessionOpen) tx.count('sessions', 1);
      tx.send(sql`
        ${insertRows(sql, 'sessions', [sessionColumns(e.tokenHash, e.userId, e.expiresAt)])}
        on conflict (token_hash) do update set user_id = excluded.user_id, expires_at = excluded.expires_at`);
      return undefined;
    case 'SessionClosed':
      tx.count('sessions', -1);
      tx.send(sql`delete from sessions where token_hash = ${e.tokenHash}`);
      return undefined;
    case 'MediaUploaded': {
      if (!s.media?.get(e.mediaId)) {
        tx.count('media', 1);
        tx.send(insertRows(sql, 'media', [mediaColumns({ ...e, id: e.mediaId, uploadedAt: e.at, attached: false })]));
      } else tx.send(sql`update media set uploaded_at = ${e.at} where id = ${e.mediaId}`);
      tx.send(setAlt(tx, e.mediaId, e.userId, e.alt));
      return undefined;
    }
    case 'MediaAltSet':
      tx.send(setAlt(tx, e.mediaId, e.userId, e.alt));
      return undefined;
    case 'MediaRemoved':
      tx.count('media', -1);
      tx.send(sql`delete from media_owners where media_id = ${e.mediaId}`);
      tx.send(sql`delete from media where id = ${e.mediaId}`);
      return undefined;
    case 'TweetEdited':
    case 'TweetReverted': {
      const t = s.tweet!;
      const content = nextContent(t.content, e.body);
      tx.count('versions', 1);
      // the first edit writes version 1 too, from the row it changes (created() writes none; a tweet written before
      // that was so, or imported, has it)
      if (t.versionCount === 1) tx.send(sql`${insertRows(sql, 'versions', [firstVersion(t)])} on conflict (tweet_id, version) do nothing`);
      tx.send(insertRows(sql, 'versions', [versionColumns(e.tweetId, e.version, { kind: e.kind, at: e.at, contentHash: e.contentHash, mediaIds: e.mediaIds, body: e.body })]));
      attach(tx, e.mediaIds);
      // every version added once it was published is one anybody sees while it is published (rules/visibility.ts)
      if (t.publishedAt !== null) show(tx, e.tweetId, e.mediaIds);
      if (t.state === 'published') indexed(tx, e, t, { content, hashtags: e.hashtags, mentions: e.mentions }, true);
      return changing(tx, sql`
        update tweets set content = ${content}, content_hash = ${e.contentHash}, media_ids = ${e.mediaIds}::text[], edited_at = ${e.at},
          weighted_length = ${e.weightedLength}, hashtags = ${e.hashtags}::text[], mentions = ${e.mentions}::text[], urls = ${e.urls}::text[],
          version_count = version_count + 1, edits_since_publish = edits_since_publish + ${t.publishedAt === null ? 0 : 1}
        where id = ${e.tweetId} returning *`);
    }
    case 'TweetPublished':
      show(tx, e.tweetId, s.tweet!.mediaIds);
      replyCounted(tx, s.parent, e.at, 1, true);
      indexed(tx, e, null, s.tweet!, true);
      return moved(tx, e.tweetId, sql`state = 'published', published_at = ${e.at}, edits_since_publish = 0`);
    case 'TweetArchived':
      replyCounted(tx, s.parent, e.at, -1, false);
      indexed(tx, e, s.tweet!, null, false);
      return moved(tx, e.tweetId, sql`state = 'archived'`);
    case 'TweetRestored':
      replyCounted(tx, s.parent, e.at, 1, false);
      indexed(tx, e, null, s.tweet!, false);
      return moved(tx, e.tweetId, sql`state = 'published'`);
    case 'Liked':
    case 'Retweeted': {
      const kind = e.type === 'Liked' ? 'likes' : 'retweets';
      tx.send(sql`
        ${insertRows(sql, 'engagements', [engagementColumn(e.tweetId, e.userId, kind, true, false)])}
        on conflict (tweet_id, user_id, kind) do update set active = true`);
      const velocity = e.velocity === false ? null : velocityColumns(bumped(s.tweet!.velocity, kind, e.at, 1));
      return counted(tx, e.tweetId, kind, 1, velocity);
    }
    case 'Unliked':
    case 'Unretweeted': {
      const kind = e.type === 'Unliked' ? 'likes' : 'retweets';
      tx.send(sql`update engagements set active = false, taken_back = true where tweet_id = ${e.tweetId} and user_id = ${e.userId} and kind = ${kind}`);
      return counted(tx, e.tweetId, kind, -1, null);
    }
    case 'ViewsCounted':
      return counted(tx, e.tweetId, 'views', e.n, velocityColumns(bumped(s.tweet!.velocity, 'views', e.at, e.n)));
  }
}

/**
 * A new tweet: its row gathered with the batch's other new tweets (writer.ts), and the row is the answer. Its version 1
 * is that row until the first edit writes it to versions (firstVersion): most tweets are never edited, and a create
 * writes one row fewer (loadVersions reads it from the tweets row meanwhile). A plain post sends nothing of its own,
 * so it needs no savepoint.
 */
function created(tx: WriteTx, e: Extract<StoreEvent, { type: 'TweetCreated' }>, s: Loaded): ChangedTweet {
  const published = e.state === 'published';
  tx.count('tweets', 1);
  tx.count('versions', 1);
  // named one by one: a literal that spreads the event and adds properties after it cost ~20 µs in Node 20 (each
  // property set after a spread is a call into the runtime)
  const tweet = tweetColumns({
    id: e.tweetId,
    authorId: e.authorId,
    replyToId: e.replyToId,
    state: e.state,
    createdAt: e.at,
    publishedAt: published ? e.at : null,
    editedAt: null,
    editsSincePublish: 0,
    versionCount: 1,
    content: e.content,
    contentHash: e.contentHash,
    weightedLength: e.weightedLength,
    mediaIds: e.mediaIds,
    hashtags: e.hashtags,
    mentions: e.mentions,
    urls: e.urls,
    likes: 0,
    retweets: 0,
    replies: 0,
    views: 0,
    velocity: null,
  });
  tx.defer('tweets', tweet);
  attach(tx, e.mediaIds);
  if (published) {
    show(tx, e.tweetId, e.mediaIds);
    replyCounted(tx, s.parent, e.at, 1, true);
    // its terms and tags go in with the batch's other new tweets': it still sends nothing of its own
    tx.defer('tweet_terms', termsColumns(e.tweetId, e));
    const tags = tagKeys(e.hashtags);
    for (const tag of tags) tx.defer('tweet_tags', { tag, tweet_id: e.tweetId });
    if (tags.length > 0) tx.tagsChanged(e, { added: tags, removed: [], counts: true });
  }
  if (e.idempotencyKey !== null) {
    tx.send(tx.sql`
      ${insertRows(tx.sql, 'idempotency_keys', [{ author_id: e.authorId, key: e.idempotencyKey, tweet_id: e.tweetId, at: e.at }])}
      on conflict (author_id, key) do update set tweet_id = excluded.tweet_id, at = excluded.at`);
  }
  return tweet;
}

/** Version 1 of a tweet never edited, as its row holds it. */
function firstVersion(t: TweetRow) {
  return versionColumns(t.id, 1, { kind: 'created', at: t.createdAt, contentHash: t.contentHash, mediaIds: t.mediaIds, body: { keyframe: true, content: t.content } });
}

/** What search and hashtags know of a published tweet: its current text and the facts found in it. */
interface Indexed {
  content: string;
  hashtags: readonly string[];
  mentions: readonly string[];
}

/**
 * A published tweet's current text changed, came (publish, restore) or went (archive): its terms and tags follow.
 * `counts`: whether tags it gains count for their velocity (a restore gives uses back, not velocity).
 */
function indexed(tx: WriteTx, e: StoreEvent & { tweetId: string }, before: Indexed | null, after: Indexed | null, counts: boolean): void {
  const sql = tx.sql;
  if (after && after.content !== before?.content) {
    tx.send(sql`${insertRows(sql, 'tweet_terms', [termsColumns(e.tweetId, after)])} on conflict (tweet_id) do update set terms = excluded.terms`);
  } else if (!after) tx.send(sql`delete from tweet_terms where tweet_id = ${e.tweetId}`);
  const had = before ? tagKeys(before.hashtags) : [];
  const has = after ? tagKeys(after.hashtags) : [];
  const removed = had.filter((k) => !has.includes(k));
  const added = has.filter((k) => !had.includes(k));
  if (removed.length > 0) tx.send(tagsRemoved(sql, e.tweetId, removed));
  if (added.length > 0) {
    tx.send(sql`${insertRows(sql, 'tweet_tags', added.map((tag) => ({ tag, tweet_id: e.tweetId })))} on conflict do nothing`);
  }
  if (added.length > 0 || removed.length > 0) tx.tagsChanged(e, { added, removed, counts });
}

function setAlt(tx: WriteTx, mediaId: string, userId: string, alt: string) {
  return tx.sql`
    ${insertRows(tx.sql, 'media_owners', [{ media_id: mediaId, user_id: userId, alt }])}
    on conflict (media_id, user_id) do update set alt = excluded.alt`;
}

/** Media once carried by a version of a tweet are attached for good. */
function attach(tx: WriteTx, ids: readonly string[]): void {
  if (ids.length > 0) tx.send(tx.sql`update media set attached = true where id = any(${ids as string[]}::text[]) and not attached`);
}

/** A version anyone sees while the tweet is published carries these media (those stored). */
function show(tx: WriteTx, tweetId: string, ids: readonly string[]): void {
  if (ids.length === 0) return;
  tx.send(tx.sql`
    insert into media_shown (media_id, tweet_id) select id, ${tweetId} from media where id = any(${ids as string[]}::text[])
    on conflict do nothing`);
}

/** A reply became published (or stopped being): its parent's reply count moves; a new one bumps its velocity too. */
function replyCounted(tx: WriteTx, parent: TweetRow | undefined, at: number, delta: number, isNew: boolean): void {
  if (!parent) return;
  void counted(tx, parent.id, 'replies', delta, isNew ? velocityColumns(bumped(parent.velocity, 'replies', at, 1)) : null);
}

function counted(tx: WriteTx, tweetId: string, kind: Kind, delta: number, velocity: VelocityColumns | null): Promise<ChangedTweet> {
  const sql = tx.sql;
  const set = velocity ? sql`, velocity = ${sql.json(velocity.velocity as never)}, velocity_level = ${velocity.velocity_level}` : sql``;
  return changing(tx, sql`update tweets set ${sql(kind)} = ${sql(kind)} + ${delta} ${set} where id = ${tweetId} returning *`);
}

function moved(tx: WriteTx, tweetId: string, set: ReturnType<WriteTx['sql']>): Promise<ChangedTweet> {
  return changing(tx, tx.sql`update tweets set ${set} where id = ${tweetId} returning *`);
}

/** A statement that returns the tweet it changed: sent, and its row kept for the answer. */
function changing(tx: WriteTx, query: Promise<readonly object[]>): Promise<ChangedTweet> {
  tx.send(query);
  const row = query.then((rows) => rows[0] as ChangedTweet);
  row.catch(() => {}); // its failure is the writer's to answer; the row is then never asked for
  return row;
}

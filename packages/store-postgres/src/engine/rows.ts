// Rows read back as the plain state the engine-neutral rules and views take (@tweetstore/store rules/state.ts), and
// the queries that load them. A tweet is read with its author and one viewer's likes and retweets in one query.
import type { DecayedRate, EngagementCounts, TweetState, VersionBody, VersionKind } from '@tweetstore/core';
import type { EngagementEdges, ListTweets, MediaFacts, RememberedKey, StoredMedia, StoredTweet, StoredUser, StoredVersion } from '@tweetstore/store';
import type { TweetColumns } from './columns.ts';
import type { Queries } from './connect.ts';

export type Velocity = Partial<Record<keyof EngagementCounts, DecayedRate>>;

/** A tweet as the rules see it, with what its views show and one viewer's edges. */
export interface TweetRow extends StoredTweet {
  author: StoredUser;
  hashtags: string[];
  mentions: string[];
  urls: string[];
  likes: number;
  retweets: number;
  replies: number;
  views: number;
  velocity: Velocity | null;
  /** the viewer's (null: nobody's) */
  edges: EngagementEdges;
}

/** A tweets row (the columns the engine writes) with its author's and the viewer's columns joined. */
interface RawTweet extends TweetColumns {
  a_username: string;
  a_display_name: string;
  a_created_at: number;
  liked: boolean;
  retweeted: boolean;
  like_taken_back: boolean;
  retweet_taken_back: boolean;
}

/**
 * Tweets with their author and `viewerId`'s edges: finish with a where clause (and an order). The edges are one
 * lateral look-up per tweet by the engagements key: as two left joins, the planner read a page of the newest tweets
 * against a scan of every engagement of the viewer's kind (10.7 ms against 0.6 ms at 100k tweets and 120k edges).
 */
export function selectTweets(sql: Queries, viewerId: string | null) {
  return sql`
    select t.*, u.username a_username, u.display_name a_display_name, u.created_at a_created_at,
      coalesce(e.liked, false) liked, coalesce(e.like_taken_back, false) like_taken_back,
      coalesce(e.retweeted, false) retweeted, coalesce(e.retweet_taken_back, false) retweet_taken_back
    from tweets t
    join users u on u.id = t.author_id
    left join lateral (
      select bool_or(g.active) filter (where g.kind = 'likes') liked, bool_or(g.taken_back) filter (where g.kind = 'likes') like_taken_back,
        bool_or(g.active) filter (where g.kind = 'retweets') retweeted, bool_or(g.taken_back) filter (where g.kind = 'retweets') retweet_taken_back
      from engagements g where g.tweet_id = t.id and g.user_id = ${viewerId}) e on true`;
}

/** The tweets the viewer may see (as rules/visibility.ts says): the published ones, its own drafts, and its own archived ones if asked. */
export function shownTo(sql: Queries, viewerId: string | null, includeArchived: boolean) {
  const own = includeArchived ? sql`t.state in ('draft', 'archived')` : sql`t.state = 'draft'`;
  return sql`(t.state = 'published' or (t.author_id = ${viewerId} and ${own}))`;
}

/** listTweets' page, one more than its limit when more follow: newest first, by the filters asked for. */
export function selectListed(sql: Queries, q: ListTweets) {
  const viewer = q.viewerId ?? null;
  const filters = [shownTo(sql, viewer, q.includeArchived ?? false)];
  // by the hashtag's key when it has one: PostgreSQL carries equalities across a join, not a range
  if (q.beforeId) filters.push(q.hashtag === undefined ? sql`t.id < ${q.beforeId}` : sql`g.tweet_id < ${q.beforeId}`);
  if (q.authorId) filters.push(sql`t.author_id = ${q.authorId}`);
  if (q.replyToId) filters.push(sql`t.reply_to_id = ${q.replyToId}`);
  const where = filters.reduce((all, f) => sql`${all} and ${f}`);
  // tweet_tags holds published tweets only, newest first by its key
  const tagged = q.hashtag === undefined ? sql`` : sql`join tweet_tags g on g.tweet_id = t.id and g.tag = ${q.hashtag}`;
  return sql`${selectTweets(sql, viewer)} ${tagged} where ${where} order by t.id desc limit ${q.limit + 1}`;
}

/** The tweet and every ancestor, root first, in one statement: each step up one look-up by primary key. */
export function selectChain(sql: Queries, id: string, viewerId: string | null) {
  return sql`
    with recursive chain (id, reply_to_id, depth) as (
      select id, reply_to_id, 0 from tweets where id = ${id}
      union all
      select p.id, p.reply_to_id, chain.depth + 1 from chain join tweets p on p.id = chain.reply_to_id)
    ${selectTweets(sql, viewerId)} join chain on chain.id = t.id order by chain.depth desc`;
}

/** The direct replies the viewer may see after `afterId`, oldest first (by tweets_by_parent), at most `limit`. */
export function selectReplies(sql: Queries, parentId: string, viewerId: string | null, afterId: string | undefined, limit: number) {
  const after = afterId ? sql`and t.id > ${afterId}` : sql``;
  return sql`${selectTweets(sql, viewerId)} where t.reply_to_id = ${parentId} and ${shownTo(sql, viewerId, true)} ${after} order by t.id limit ${limit}`;
}

export async function loadTweet(sql: Queries, id: string, viewerId: string | null): Promise<TweetRow | undefined> {
  const [row] = await sql<RawTweet[]>`${selectTweets(sql, viewerId)} where t.id = ${id}`;
  return row && tweetRow(row);
}

export function tweetRow(r: RawTweet): TweetRow {
  const author = { id: r.author_id, username: r.a_username, displayName: r.a_display_name, createdAt: r.a_created_at };
  return changedRow(r, author, { liked: r.liked, retweeted: r.retweeted, likeTakenBack: r.like_taken_back, retweetTakenBack: r.retweet_taken_back });
}

/**
 * The tweet as the rules see it, from its columns (as a statement returned them after a change, or as a new tweet's
 * row was built), with its author and one viewer's edges.
 */
export function changedRow(r: TweetColumns, author: StoredUser, edges: EngagementEdges): TweetRow {
  return {
    id: r.id,
    authorId: r.author_id,
    replyToId: r.reply_to_id,
    state: r.state,
    createdAt: r.created_at,
    publishedAt: r.published_at,
    editedAt: r.edited_at,
    editsSincePublish: r.edits_since_publish,
    versionCount: r.version_count,
    content: r.content,
    contentHash: r.content_hash,
    weightedLength: r.weighted_length,
    mediaIds: r.media_ids as string[],
    hashtags: r.hashtags,
    mentions: r.mentions,
    urls: r.urls,
    likes: r.likes,
    retweets: r.retweets,
    replies: r.replies,
    views: r.views,
    velocity: r.velocity,
    author,
    edges,
  };
}

export interface UserRow extends StoredUser {
  passwordHash: string;
}

interface RawUser {
  id: string;
  username: string;
  display_name: string;
  created_at: number;
  password_hash: string;
}

function userRow(r: RawUser): UserRow {
  return { id: r.id, username: r.username, displayName: r.display_name, createdAt: r.created_at, passwordHash: r.password_hash };
}

export async function loadUser(sql: Queries, id: string): Promise<UserRow | undefined> {
  const [row] = await sql<RawUser[]>`select * from users where id = ${id}`;
  return row && userRow(row);
}

/** `lower`: the name as JavaScript lower-cases it. */
export async function loadUserByName(sql: Queries, lower: string): Promise<UserRow | undefined> {
  const [row] = await sql<RawUser[]>`select * from users where username_lower = ${lower}`;
  return row && userRow(row);
}

interface RawMedia extends MediaFacts {
  id: string;
  uploaded_at: number;
  attached: boolean;
  owners: Record<string, string>;
}

/** The media of these ids that are stored, with their owners. */
export async function loadMedia(sql: Queries, ids: readonly string[]): Promise<Map<string, StoredMedia>> {
  const found = new Map<string, StoredMedia>();
  if (ids.length === 0) return found;
  const rows = await sql<RawMedia[]>`
    select m.*, coalesce((select jsonb_object_agg(o.user_id, o.alt) from media_owners o where o.media_id = m.id), '{}') owners
    from media m where m.id = any(${[...new Set(ids)]}::text[])`;
  for (const { uploaded_at, owners, ...r } of rows) found.set(r.id, { ...r, uploadedAt: uploaded_at, owners: new Map(Object.entries(owners)) });
  return found;
}

interface RawVersion {
  kind: VersionKind;
  at: number;
  content_hash: string;
  media_ids: string[];
  body: VersionBody;
}

/**
 * Versions 1..n of the tweet, oldest first. A tweet never edited has no versions row (apply.ts): its version 1 is its
 * tweets row, read in the same statement, so one snapshot holds either that or the rows its first edit wrote.
 */
export async function loadVersions(sql: Queries, tweetId: string): Promise<StoredVersion[]> {
  const rows = await sql<RawVersion[]>`
    select version, kind, at, content_hash, media_ids, body from versions where tweet_id = ${tweetId}
    union all
    select 1, 'created', created_at, content_hash, media_ids, jsonb_build_object('keyframe', true, 'content', content)
    from tweets where id = ${tweetId} and not exists (select from versions where tweet_id = ${tweetId})
    order by version`;
  return rows.map((r) => ({ kind: r.kind, at: r.at, contentHash: r.content_hash, mediaIds: r.media_ids, body: r.body }));
}

export async function loadRememberedKey(sql: Queries, authorId: string, key: string): Promise<RememberedKey | undefined> {
  const [row] = await sql<{ tweet_id: string; at: number }[]>`select tweet_id, at from idempotency_keys where author_id = ${authorId} and key = ${key}`;
  return row && { tweetId: row.tweet_id, at: row.at };
}

export const NO_EDGES: EngagementEdges = Object.freeze({ liked: false, retweeted: false, likeTakenBack: false, retweetTakenBack: false });

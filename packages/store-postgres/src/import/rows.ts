// A dump record as the rows the engine keeps for that state (engine/columns.ts builds every row, as apply.ts does):
// what the engine would hold had it seen the events that made the record.
import { publishedVersion, shownToAll, type DumpMedia, type DumpSession, type DumpTweet, type DumpUser } from '@tweetstore/store';
import { searchRows } from '../engine/backfill.ts';
import { engagementColumn, mediaColumns, sessionColumns, tweetColumns, userColumns, versionColumns, type Tables } from '../engine/columns.ts';

/** Rows by table, in the order they are added. */
export type Rows = { [T in keyof Tables]?: Tables[T][] };

export function userRows(u: DumpUser): Rows {
  return { users: [userColumns(u)] };
}

export function sessionRows(s: DumpSession): Rows {
  return { sessions: [sessionColumns(s.tokenHash, s.userId, s.expiresAt)] };
}

export function mediaRows(m: DumpMedia): Rows {
  return { media: [mediaColumns(m)], media_owners: m.owners.map((o) => ({ media_id: m.id, user_id: o.userId, alt: o.alt })) };
}

export function tweetRows(t: DumpTweet): Rows {
  const likes = t.edges.filter((e) => e.liked).length;
  const retweets = t.edges.filter((e) => e.retweeted).length;
  const published = publishedVersion(t);
  // the media of every version anyone sees while the tweet is published (what apply's `show` adds up)
  const shown = new Set(t.versions.flatMap((v, i) => (shownToAll(published, i + 1) ? v.mediaIds : [])));
  return {
    tweets: [tweetColumns({ ...t, likes, retweets })],
    versions: t.versions.map((v, i) => versionColumns(t.id, i + 1, v)),
    engagements: t.edges.flatMap((e) => [
      ...(e.liked || e.likeTakenBack ? [engagementColumn(t.id, e.userId, 'likes', e.liked, e.likeTakenBack)] : []),
      ...(e.retweeted || e.retweetTakenBack ? [engagementColumn(t.id, e.userId, 'retweets', e.retweeted, e.retweetTakenBack)] : []),
    ]),
    media_shown: [...shown].map((mediaId) => ({ media_id: mediaId, tweet_id: t.id })),
    idempotency_keys: t.idempotencyKey === null ? [] : [{ author_id: t.authorId, key: t.idempotencyKey, tweet_id: t.id, at: t.createdAt }],
    ...(t.state === 'published' ? searchRows([t]) : {}),
  };
}

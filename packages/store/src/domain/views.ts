// What the port returns: the public objects of API.md, built from projection records for one viewer at one time.
import { editControls, rebuildAll, ratePerMinute, type EditPolicy, type Engagement, type Tweet, type TweetVersion, type User } from '@tweetstore/core';
import { unpackFacts } from './facts.ts';
import { mediaListView } from './media.ts';
import type { Projection } from './projection.ts';
import type { TweetRecord, UserRecord, VersionRecord } from './records.ts';

export function userView(u: UserRecord): User {
  return { id: u.id, username: u.username, displayName: u.displayName, createdAt: new Date(u.createdAt) };
}

export function engagementView(t: TweetRecord, viewerId: string | null, now: number): Engagement {
  return {
    likes: t.likes?.size ?? 0,
    retweets: t.retweets?.size ?? 0,
    replies: t.replies,
    views: t.views + t.pendingViews,
    likedByCurrentUser: viewerId !== null && (t.likes?.has(viewerId) ?? false),
    retweetedByCurrentUser: viewerId !== null && (t.retweets?.has(viewerId) ?? false),
    velocity: {
      likes: ratePerMinute(t.velocity?.likes, now),
      retweets: ratePerMinute(t.velocity?.retweets, now),
      replies: ratePerMinute(t.velocity?.replies, now),
      views: ratePerMinute(t.velocity?.views, now),
    },
  };
}

export function tweetView(p: Projection, t: TweetRecord, viewerId: string | null, now: number, policy: EditPolicy): Tweet {
  const author = p.users.get(t.authorId);
  if (!author) throw new Error(`tweet ${t.id} has unknown author ${t.authorId}`);
  return {
    id: t.id,
    author: userView(author),
    content: t.content,
    contentHash: t.contentHash,
    weightedLength: t.weightedLength,
    ...unpackFacts(t.facts),
    media: t.mediaIds.length === 0 ? [] : mediaListView(p, t.mediaIds, t.authorId),
    replyToId: t.replyToId,
    state: t.state,
    version: t.versionCount,
    createdAt: new Date(t.createdAt),
    editedAt: t.editedAt === null ? null : new Date(t.editedAt),
    editControls: editControls(t, policy, now),
    engagement: engagementView(t, viewerId, now),
  };
}

/** Versions `from` on (1: all of them), numbered as they are. */
export function versionsView(p: Projection, authorId: string, versions: readonly VersionRecord[], from = 1): TweetVersion[] {
  const texts = rebuildAll(versions.map((v) => v.body));
  return versions.slice(from - 1).map((v, i) => ({
    version: from + i,
    content: texts[from - 1 + i]!,
    contentHash: v.contentHash,
    media: v.mediaIds.length === 0 ? [] : mediaListView(p, v.mediaIds, authorId),
    createdAt: new Date(v.at),
    kind: v.kind,
  }));
}

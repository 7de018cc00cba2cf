// The projection's records handed to the engine-neutral rules: what a rule or view reads of a tweet, as the plain
// state the rules take (a record has those fields already; engagement and edges are read off its sets).
import { engagementView, tweetView, type EngagementEdges, type EngagementState } from '@tweetstore/store';
import type { EditPolicy, Engagement, Tweet } from '@tweetstore/core';
import { unpackFacts } from '../projection/facts.ts';
import type { Projection } from '../projection/projection.ts';
import type { TweetRecord } from '../projection/records.ts';

export function engagementState(t: TweetRecord, viewerId: string | null): EngagementState {
  return {
    likes: t.likes?.size ?? 0,
    retweets: t.retweets?.size ?? 0,
    replies: t.replies,
    views: t.views + t.pendingViews,
    likedByCurrentUser: viewerId !== null && (t.likes?.has(viewerId) ?? false),
    retweetedByCurrentUser: viewerId !== null && (t.retweets?.has(viewerId) ?? false),
    velocity: t.velocity,
  };
}

export function engagementOf(t: TweetRecord, viewerId: string | null, now: number): Engagement {
  return engagementView(engagementState(t, viewerId), now);
}

/** The user's likes and retweets of the tweet, now and taken back before. */
export function edgesOf(p: Projection, tweetId: string, userId: string): EngagementEdges {
  const t = p.tweets.readById(tweetId);
  return {
    liked: t?.likes?.has(userId) ?? false,
    retweeted: t?.retweets?.has(userId) ?? false,
    likeTakenBack: p.tookBack(tweetId, userId, 'likes'),
    retweetTakenBack: p.tookBack(tweetId, userId, 'retweets'),
  };
}

export function tweetOf(p: Projection, t: TweetRecord, viewerId: string | null, now: number, policy: EditPolicy): Tweet {
  const author = p.users.get(t.authorId);
  if (!author) throw new Error(`tweet ${t.id} has unknown author ${t.authorId}`);
  return tweetView(t, { author, facts: unpackFacts(t.facts), media: p.media, engagement: engagementState(t, viewerId) }, now, policy);
}

// What the port returns: the public objects of API.md, built from the plain state of what is shown (state.ts) for one
// viewer at one time. Who may see it is decided before (visibility.ts).
import { editControls, rebuildAll, ratePerMinute, type EditPolicy, type Engagement, type Media, type Tweet, type TweetVersion, type User } from '@tweetstore/core';
import type { TextFacts } from '../events.ts';
import type { EngagementState, MediaLookup, StoredMedia, StoredTweet, StoredUser, StoredVersion } from './state.ts';

export function userView(u: StoredUser): User {
  return { id: u.id, username: u.username, displayName: u.displayName, createdAt: new Date(u.createdAt) };
}

export function engagementView(e: EngagementState, now: number): Engagement {
  return {
    likes: e.likes,
    retweets: e.retweets,
    replies: e.replies,
    views: e.views,
    likedByCurrentUser: e.likedByCurrentUser,
    retweetedByCurrentUser: e.retweetedByCurrentUser,
    velocity: {
      likes: ratePerMinute(e.velocity?.likes, now),
      retweets: ratePerMinute(e.velocity?.retweets, now),
      replies: ratePerMinute(e.velocity?.replies, now),
      views: ratePerMinute(e.velocity?.views, now),
    },
  };
}

/** What a tweet's view shows besides the tweet: its author, its text's facts, its media and its engagement. */
export interface TweetShownWith {
  author: StoredUser;
  facts: Pick<TextFacts, 'hashtags' | 'mentions' | 'urls'>;
  /** At least the tweet's media. */
  media: MediaLookup;
  engagement: EngagementState;
}

export function tweetView(t: StoredTweet, shown: TweetShownWith, now: number, policy: EditPolicy): Tweet {
  return {
    id: t.id,
    author: userView(shown.author),
    content: t.content,
    contentHash: t.contentHash,
    weightedLength: t.weightedLength,
    hashtags: shown.facts.hashtags,
    mentions: shown.facts.mentions,
    urls: shown.facts.urls,
    media: t.mediaIds.length === 0 ? [] : mediaListView(shown.media, t.mediaIds, t.authorId),
    replyToId: t.replyToId,
    state: t.state,
    version: t.versionCount,
    createdAt: new Date(t.createdAt),
    publishedAt: t.publishedAt === null ? null : new Date(t.publishedAt),
    editedAt: t.editedAt === null ? null : new Date(t.editedAt),
    editControls: editControls(t, policy, now),
    engagement: engagementView(shown.engagement, now),
  };
}

/** Versions `from` on (1: all of them) of a tweet by `authorId`, numbered as they are; `media`: at least theirs. */
export function versionsView(versions: readonly StoredVersion[], authorId: string, media: MediaLookup, from = 1): TweetVersion[] {
  const texts = rebuildAll(versions.map((v) => v.body));
  return versions.slice(from - 1).map((v, i) => ({
    version: from + i,
    content: texts[from - 1 + i]!,
    contentHash: v.contentHash,
    media: v.mediaIds.length === 0 ? [] : mediaListView(media, v.mediaIds, authorId),
    createdAt: new Date(v.at),
    kind: v.kind,
  }));
}

/** The public object of API.md, with the alt text `altOf` said (a tweet's: its author's). */
export function mediaView(m: StoredMedia, altOf: string | null): Media {
  const alt = altOf === null ? '' : (m.owners.get(altOf) ?? '');
  const view: Media = {
    id: m.id,
    kind: m.kind,
    mime: m.mime,
    bytes: m.bytes,
    variants: m.files.map((f) => ({
      name: f.name,
      url: `/media/${m.id}/${f.name}`,
      mime: f.mime,
      ...(f.width === null ? {} : { width: f.width }),
      ...(f.height === null ? {} : { height: f.height }),
    })),
  };
  if (m.width !== null) view.width = m.width;
  if (m.height !== null) view.height = m.height;
  if (alt) view.alt = alt;
  if (m.placeholder !== null) view.placeholder = m.placeholder;
  return view;
}

/** The media of a tweet or version, as its author described them. */
function mediaListView(media: MediaLookup, ids: readonly string[], authorId: string): Media[] {
  const out: Media[] = [];
  for (const id of ids) {
    const m = media.get(id);
    if (m) out.push(mediaView(m, authorId));
  }
  return out;
}

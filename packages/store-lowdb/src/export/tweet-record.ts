// One tweet of the projection as a dump record: its fields, every version (the ones a checkpoint stored read from its
// history file now), and each user's engagement with it.
import type { DumpEdge, DumpTweet, DumpVersion } from '@tweetstore/store';
import { unpackFacts } from '../projection/facts.ts';
import { takenBackKey, type Projection } from '../projection/projection.ts';
import type { TweetRecord, VersionRecord } from '../projection/records.ts';
import type { ExportSource } from './source.ts';

/** The tweet of this ordinal as it is now (its details file read first, if it is not yet). */
export async function tweetRecordAt(source: ExportSource, p: Projection, ordinal: number, takenBack: TakenBack): Promise<DumpTweet> {
  await source.details.beforeRead(p.tweets.idAt(ordinal)!);
  const t = p.tweets.read(ordinal, false)!; // not kept among the copies recent reads keep
  const versions = await source.histories.versions(t);
  return {
    type: 'tweet',
    id: t.id,
    authorId: t.authorId,
    replyToId: t.replyToId,
    state: t.state,
    createdAt: t.createdAt,
    publishedAt: t.publishedAt,
    editedAt: t.editedAt,
    editsSincePublish: t.editsSincePublish,
    versionCount: t.versionCount,
    content: t.content,
    contentHash: t.contentHash,
    weightedLength: t.weightedLength,
    mediaIds: [...t.mediaIds],
    ...unpackFacts(t.facts),
    idempotencyKey: t.idempotencyKey,
    versions: versions.map(versionOf),
    edges: edgesOf(t, p, takenBack),
    replies: t.replies,
    views: t.views + t.pendingViews,
    velocity: t.velocity === null ? null : { ...t.velocity },
  };
}

function versionOf(v: VersionRecord): DumpVersion {
  const body = v.body.keyframe ? { keyframe: true as const, content: v.body.content } : { keyframe: false as const, delta: v.body.delta };
  return { kind: v.kind, at: v.at, contentHash: v.contentHash, mediaIds: [...v.mediaIds], body };
}

/** Tweet id -> users who took a like or retweet of it back (as far as the engine remembers: see the format's docs). */
export type TakenBack = ReadonlyMap<string, readonly string[]>;

export function takenBackByTweet(p: Projection): TakenBack {
  const byTweet = new Map<string, string[]>();
  for (const key of p.takenBack) {
    const [tweetId, userId] = key.split(' ') as [string, string];
    const users = byTweet.get(tweetId);
    if (!users) byTweet.set(tweetId, [userId]);
    else if (!users.includes(userId)) users.push(userId);
  }
  return byTweet;
}

/** Every user who likes or retweets it, or took either back, by user id. */
function edgesOf(t: TweetRecord, p: Projection, takenBack: TakenBack): DumpEdge[] {
  const users = new Set([...(t.likes ?? []), ...(t.retweets ?? []), ...(takenBack.get(t.id) ?? [])]);
  return [...users].sort().map((userId) => ({
    userId,
    liked: t.likes?.has(userId) ?? false,
    retweeted: t.retweets?.has(userId) ?? false,
    likeTakenBack: p.takenBack.has(takenBackKey(t.id, userId, 'likes')),
    retweetTakenBack: p.takenBack.has(takenBackKey(t.id, userId, 'retweets')),
  }));
}

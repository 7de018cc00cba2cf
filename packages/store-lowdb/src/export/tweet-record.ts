// One tweet of the projection as a dump record: its fields, every version (the ones a checkpoint stored read from its
// history file now), and each user's engagement with it.
import type { DumpEdge, DumpTweet, DumpVersion } from '@tweetstore/store';
import { unpackFacts } from '../projection/facts.ts';
import type { Projection } from '../projection/projection.ts';
import type { TweetRecord, VersionRecord } from '../projection/records.ts';
import type { ExportSource } from './source.ts';

/** The tweet of this ordinal as it is now (its details file read first, if it is not yet). */
export async function tweetRecordAt(source: ExportSource, p: Projection, ordinal: number): Promise<DumpTweet> {
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
    edges: edgesOf(t, p),
    replies: t.replies,
    views: t.views + t.pendingViews,
    velocity: t.velocity === null ? null : { ...t.velocity },
  };
}

function versionOf(v: VersionRecord): DumpVersion {
  const body = v.body.keyframe ? { keyframe: true as const, content: v.body.content } : { keyframe: false as const, delta: v.body.delta };
  return { kind: v.kind, at: v.at, contentHash: v.contentHash, mediaIds: [...v.mediaIds], body };
}

/** Every user who likes or retweets it, or took either back, by user id. */
function edgesOf(t: TweetRecord, p: Projection): DumpEdge[] {
  const takenBack = p.takenBack.get(t.id);
  const users = new Set([...(t.likes ?? []), ...(t.retweets ?? []), ...(takenBack?.likes ?? []), ...(takenBack?.retweets ?? [])]);
  return [...users].sort().map((userId) => ({
    userId,
    liked: t.likes?.has(userId) ?? false,
    retweeted: t.retweets?.has(userId) ?? false,
    likeTakenBack: takenBack?.likes?.has(userId) ?? false,
    retweetTakenBack: takenBack?.retweets?.has(userId) ?? false,
  }));
}

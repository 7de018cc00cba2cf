// The engine-neutral rules, called as a second engine calls them: with plain state loaded from anywhere (here, object
// literals standing for rows), no projection. The contract suite checks the same rules through a whole engine.
import { describe, expect, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, InvalidInput, NotFound, parseContent, PreconditionFailed, VersionConflict } from '@tweetstore/core';
import {
  contentHash,
  decideCreate,
  decideEdit,
  decideEngage,
  IDEMPOTENCY_TTL_MS,
  mediaAccess,
  tweetView,
  type CreateState,
  type RuleContext,
  type StoredMedia,
  type StoredTweet,
  type StoredUser,
} from '@tweetstore/store';

const now = Date.UTC(2026, 0, 1);
const ctx: RuleContext = { now, policy: DEFAULT_EDIT_POLICY, keyframeInterval: 32, newId: () => 'NEWID' };
const ada: StoredUser = { id: 'ada', username: 'ada', displayName: 'Ada', createdAt: now - 1000 };
const photo: StoredMedia = {
  id: 'a'.repeat(64),
  kind: 'image',
  mime: 'image/png',
  bytes: 10,
  width: 1,
  height: 1,
  files: [{ name: 'original', mime: 'image/png', bytes: 10, width: 1, height: 1 }],
  placeholder: null,
  uploadedAt: now,
  owners: new Map([['ada', 'a dot']]),
  attached: false,
};
const media = new Map([[photo.id, photo]]);

function tweet(over: Partial<StoredTweet> = {}): StoredTweet {
  const content = over.content ?? 'hello';
  return {
    id: 'T1',
    authorId: 'ada',
    replyToId: null,
    state: 'published',
    createdAt: now - 60_000,
    publishedAt: now - 60_000,
    editedAt: null,
    editsSincePublish: 0,
    versionCount: 1,
    content,
    contentHash: contentHash(content),
    weightedLength: content.length,
    mediaIds: [],
    ...over,
  };
}

describe('the rules over plain state', () => {
  const create = (state: Partial<CreateState>, extra = {}) =>
    decideCreate(ctx, { authorId: 'ada', text: parseContent('hi #there'), ...extra }, { author: ada, remembered: undefined, parent: undefined, media, ...state });

  it('decide a create from the author, the key, the parent and the media they are given', () => {
    expect(create({})).toMatchObject({ type: 'TweetCreated', tweetId: 'NEWID', authorId: 'ada', hashtags: ['there'], state: 'published', mediaIds: [] });
    expect(() => create({ author: undefined })).toThrow(NotFound);
    const key = { idempotencyKey: 'k' };
    expect(create({ remembered: { tweetId: 'T0', at: now - IDEMPOTENCY_TTL_MS + 1 } }, key)).toEqual({ existing: 'T0' });
    expect(create({ remembered: { tweetId: 'T0', at: now - IDEMPOTENCY_TTL_MS } }, key)).toMatchObject({ type: 'TweetCreated', idempotencyKey: 'k' });
    expect(() => create({ parent: tweet({ authorId: 'bob', state: 'draft' }) }, { replyToId: 'T1' })).toThrow(NotFound);
    expect(() => create({ parent: tweet({ state: 'draft', publishedAt: null }) }, { replyToId: 'T1' })).toThrow(PreconditionFailed);
    expect(create({}, { mediaIds: [photo.id] })).toMatchObject({ mediaIds: [photo.id] });
    expect(() => create({ author: { ...ada, id: 'bob' } }, { authorId: 'bob', mediaIds: [photo.id] })).toThrow(InvalidInput);
  });

  it('decide an edit: no-op first, then the expected version, then the policy', () => {
    const late = { ...ctx, now: now + DEFAULT_EDIT_POLICY.windowMs };
    expect(decideEdit(late, tweet(), { id: 'T1', actorId: 'ada', text: parseContent('hello') }, media)).toBeNull();
    expect(() => decideEdit(ctx, tweet(), { id: 'T1', actorId: 'ada', text: parseContent('hello!'), expectedVersion: 2 }, media)).toThrow(VersionConflict);
    expect(() => decideEdit(late, tweet(), { id: 'T1', actorId: 'ada', text: parseContent('hello!') }, media)).toThrow(PreconditionFailed);
    expect(decideEdit(ctx, tweet(), { id: 'T1', actorId: 'ada', text: parseContent('hello!') }, media)).toMatchObject({ type: 'TweetEdited', version: 2, kind: 'edited' });
    expect(() => decideEdit(ctx, undefined, { id: 'T9', actorId: 'ada', text: parseContent('x') }, media)).toThrow(NotFound);
  });

  it('decide engagement from the user’s edges with the tweet', () => {
    const edges = { liked: false, retweeted: false, likeTakenBack: false, retweetTakenBack: false };
    const like = { id: 'T1', userId: 'bob', action: 'like' } as const;
    expect(decideEngage(tweet(), like, edges)).toEqual({ type: 'Liked', tweetId: 'T1', userId: 'bob' });
    expect(decideEngage(tweet(), like, { ...edges, liked: true })).toBeNull();
    expect(decideEngage(tweet(), like, { ...edges, likeTakenBack: true })).toEqual({ type: 'Liked', tweetId: 'T1', userId: 'bob', velocity: false });
    expect(() => decideEngage(tweet({ state: 'archived' }), like, edges)).toThrow(PreconditionFailed);
  });

  it('say who may fetch media, and show a tweet from its parts', () => {
    expect(mediaAccess(photo, true, null)).toBe('public');
    expect(mediaAccess(photo, false, 'ada')).toBe('uploader');
    expect(mediaAccess(photo, false, 'bob')).toBeNull();
    expect(mediaAccess(undefined, true, 'ada')).toBeNull();
    const engagement = { likes: 2, retweets: 0, replies: 1, views: 5, likedByCurrentUser: true, retweetedByCurrentUser: false, velocity: null };
    const view = tweetView(tweet({ mediaIds: [photo.id] }), { author: ada, facts: { hashtags: ['x'], mentions: [], urls: [] }, media, engagement }, now, DEFAULT_EDIT_POLICY);
    expect(view).toMatchObject({ id: 'T1', author: { id: 'ada', createdAt: new Date(ada.createdAt) }, hashtags: ['x'], version: 1 });
    expect(view.media).toEqual([expect.objectContaining({ id: photo.id, alt: 'a dot' })]);
    expect(view.engagement).toEqual({ ...engagement, velocity: { likes: 0, retweets: 0, replies: 0, views: 0 } });
  });
});

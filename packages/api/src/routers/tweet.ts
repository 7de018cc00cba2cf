import {
  createTweetInput,
  diffInput,
  diffTexts,
  editTweetInput,
  engageInput,
  listTweetsInput,
  onChangeInput,
  onEngagementInput,
  revertTweetInput,
  type Engagement,
  type Tweet,
} from '@tweetstore/core';
import { tweetChangeTypes, type StoreEvent } from '@tweetstore/store';
import { tracked, TRPCError } from '@trpc/server';
import { viewerIdOf } from '../auth/sessions.ts';
import type { Context } from '../context.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { durableEvents, eventId } from '../streams.ts';
import { claimLane, immutableOutput } from '../wire.ts';
import {
  authedProcedure,
  ownTweetProcedure,
  publicProcedure,
  router,
  signedInTweetProcedure,
  visibleTweetProcedure,
} from '../trpc.ts';

export type TweetChangeType = (typeof tweetChangeTypes)[keyof typeof tweetChangeTypes];
export type TweetChange = { type: TweetChangeType; tweet: Tweet } | { type: 'reset' };
export type EngagementChange = { type: 'engagement'; id: string; engagement: Engagement } | { type: 'reset' };

/** A subscription without lastEventId starts where the stream is when it is made, before any await, so events
 * that land while it is being set up are back-filled rather than missed. */
function startingNow(ctx: Context): string {
  return eventId(ctx.store.storeId, ctx.store.headSeq());
}

/** What a tweet event looks like to one subscriber, or null when it must not see it. */
async function changeFor(ctx: Context, event: StoreEvent, viewerId: string | null, authorId: string | undefined): Promise<TweetChange | null> {
  if (!(event.type in tweetChangeTypes) || !('authorId' in event)) return null;
  if (authorId && event.authorId !== authorId) return null;
  if (event.type === 'TweetCreated' && event.state === 'draft' && event.authorId !== viewerId) return null;
  const type = tweetChangeTypes[event.type as keyof typeof tweetChangeTypes];
  // Every subscriber hears every event: a view and its serialisation made once per event serve all whose view
  // cannot differ (see sharedChange); the author and anyone who may have liked or retweeted get their own.
  if (viewerId !== event.authorId) {
    const shared = await sharedChange(ctx, event, type);
    if (shared !== undefined) return shared;
  }
  // Others must learn that a tweet left the timeline, so 'archived' is sent as the author last published it.
  const tweet =
    (await ctx.store.getTweet(event.tweetId, viewerId)) ??
    (type === 'archived' ? await ctx.store.getTweet(event.tweetId, event.authorId) : null);
  return tweet ? { type, tweet } : null;
}

/** Per store, the shared change of the latest events (by seq): undefined when viewers' views may differ. */
const sharedChanges = new WeakMap<Context['store'], Map<number, Promise<TweetChange | null | undefined>>>();
const SHARED_CHANGES_KEPT = 256;

/**
 * The change as anyone but the author sees it, when that is the same for every such viewer: the tweet is
 * published and has no likes or retweets, so no viewer's likedByCurrentUser/retweetedByCurrentUser can be
 * true. (A newly created tweet, the common case, always qualifies.) The object is shared and must not be
 * changed; it is marked so the output serialiser writes it once for all subscribers.
 */
function sharedChange(ctx: Context, event: StoreEvent & { tweetId: string; authorId: string }, type: TweetChangeType): Promise<TweetChange | null | undefined> {
  let byStore = sharedChanges.get(ctx.store);
  if (!byStore) sharedChanges.set(ctx.store, (byStore = new Map()));
  let change = byStore.get(event.seq);
  if (!change) {
    change = ctx.store.getTweet(event.tweetId, null).then((tweet) => {
      if (!tweet || tweet.state !== 'published' || tweet.engagement.likes > 0 || tweet.engagement.retweets > 0) return undefined;
      return immutableOutput({ type, tweet } as TweetChange);
    });
    byStore.set(event.seq, change);
    if (byStore.size > SHARED_CHANGES_KEPT) byStore.delete(byStore.keys().next().value!);
  }
  return change;
}

/** The tweet whose engagement an event changes: the target of a like/retweet/view, or the parent of a reply. */
async function engagementTarget(ctx: Context, event: StoreEvent): Promise<string | null> {
  switch (event.type) {
    case 'Liked':
    case 'Unliked':
    case 'Retweeted':
    case 'Unretweeted':
    case 'ViewsCounted':
      return event.tweetId;
    case 'TweetCreated':
      return event.state === 'published' ? event.replyToId : null;
    case 'TweetPublished':
    case 'TweetArchived':
    case 'TweetRestored':
      return (await ctx.store.getTweet(event.tweetId, event.authorId))?.replyToId ?? null;
    default:
      return null;
  }
}

export const tweetRouter = router({
  create: authedProcedure.input(createTweetInput).mutation(async ({ ctx, input }) => {
    return ctx.store.createTweet({
      authorId: ctx.user.id,
      text: input.content,
      replyToId: input.replyToId ?? null,
      draft: input.draft ?? false,
      idempotencyKey: input.idempotencyKey ?? null,
      mediaIds: input.mediaIds ?? [],
    });
  }),

  get: visibleTweetProcedure.query(({ ctx }) => ctx.tweet),

  list: publicProcedure.input(listTweetsInput).query(async ({ ctx, input }) => {
    const beforeId = input.cursor ? decodeCursor(input.cursor) : undefined;
    const page = await ctx.store.listTweets({
      viewerId: await viewerIdOf(ctx),
      beforeId,
      limit: input.limit,
      authorId: input.authorId,
      replyToId: input.replyToId,
      includeArchived: input.includeArchived,
    });
    return { items: page.items, nextCursor: page.nextBeforeId ? encodeCursor(page.nextBeforeId) : null };
  }),

  edit: ownTweetProcedure.input(editTweetInput).mutation(async ({ ctx, input }) => {
    return ctx.store.editTweet({
      id: input.id,
      actorId: ctx.user.id,
      text: input.content,
      mediaIds: input.mediaIds,
      expectedVersion: input.expectedVersion,
    });
  }),

  versions: visibleTweetProcedure.query(async ({ ctx }) => ({ items: await ctx.store.listVersions(ctx.tweet.id) })),

  diff: visibleTweetProcedure.input(diffInput).query(async ({ ctx, input }) => {
    const versions = await ctx.store.listVersions(ctx.tweet.id);
    const from = versions[input.from - 1];
    const to = versions[input.to - 1];
    if (!from || !to) {
      const missing = from ? input.to : input.from;
      throw new TRPCError({ code: 'NOT_FOUND', message: `tweet ${ctx.tweet.id} has no version ${missing} (it has ${versions.length})` });
    }
    return { from: input.from, to: input.to, ...diffTexts(from.content, to.content) };
  }),

  revert: ownTweetProcedure.input(revertTweetInput).mutation(({ ctx, input }) =>
    ctx.store.revertTweet({ id: input.id, actorId: ctx.user.id, toVersion: input.toVersion, expectedVersion: input.expectedVersion }),
  ),

  publish: ownTweetProcedure.mutation(({ ctx }) => ctx.store.transitionTweet({ id: ctx.tweet.id, actorId: ctx.user.id, to: 'publish' })),
  archive: ownTweetProcedure.mutation(({ ctx }) => ctx.store.transitionTweet({ id: ctx.tweet.id, actorId: ctx.user.id, to: 'archive' })),
  restore: ownTweetProcedure.mutation(({ ctx }) => ctx.store.transitionTweet({ id: ctx.tweet.id, actorId: ctx.user.id, to: 'restore' })),

  engage: signedInTweetProcedure.input(engageInput).mutation(({ ctx, input }) =>
    ctx.store.engage({ id: ctx.tweet.id, userId: ctx.user.id, action: input.action }),
  ),

  onChange: publicProcedure.input(onChangeInput).subscription(async function* ({ ctx, input, signal }) {
    const lane = claimLane(ctx.socket, signal); // first, before any await: see DirectLane
    const from = input.lastEventId ?? startingNow(ctx);
    const viewerId = await viewerIdOf(ctx);
    const done = ctx.telemetry.openSubscription();
    try {
      for await (const item of durableEvents(ctx.store, from, signal)) {
        if (item.kind === 'reset') {
          yield tracked(eventId(ctx.store.storeId, item.seq), { type: 'reset' } as TweetChange);
          continue;
        }
        const change = await changeFor(ctx, item.event, viewerId, input.authorId);
        if (!change) continue;
        const id = eventId(ctx.store.storeId, item.event.seq);
        if (!lane?.send(id, change)) yield tracked(id, change as TweetChange);
      }
    } finally {
      done();
    }
  }),

  onEngagement: publicProcedure.input(onEngagementInput).subscription(async function* ({ ctx, input, signal }) {
    const lane = claimLane(ctx.socket, signal); // first, before any await: see DirectLane
    const from = input.lastEventId ?? startingNow(ctx);
    const viewerId = await viewerIdOf(ctx);
    const ids = new Set(input.ids);
    const done = ctx.telemetry.openSubscription();
    try {
      for await (const item of durableEvents(ctx.store, from, signal)) {
        if (item.kind === 'reset') {
          yield tracked(eventId(ctx.store.storeId, item.seq), { type: 'reset' } as EngagementChange);
          continue;
        }
        const target = await engagementTarget(ctx, item.event);
        if (!target || !ids.has(target)) continue;
        const engagement = await ctx.store.getEngagement(target, viewerId);
        const id = eventId(ctx.store.storeId, item.event.seq);
        const change: EngagementChange = { type: 'engagement', id: target, engagement };
        if (!lane?.send(id, change)) yield tracked(id, change);
      }
    } finally {
      done();
    }
  }),
});

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
  searchTweetsInput,
  threadInput,
  NotFound,
  type Engagement,
} from '@tweetstore/core';
import { parseSearchQuery, tweetChangeTypes, type StoreEvent } from '@tweetstore/store';
import { tracked, TRPCError } from '@trpc/server';
import { viewerIdOf } from '../auth/sessions.ts';
import { subscriptionViewer } from '../auth/subscription-viewer.ts';
import type { Context } from '../context.ts';
import { decodeCursor, decodeOffsetCursor, encodeCursor, encodeOffsetCursor } from '../cursor.ts';
import { eventId, followEvents, type EventStream } from '../streams.ts';
import type { TweetChange } from '../shared-changes.ts';
import {
  authedProcedure,
  ownTweetProcedure,
  publicProcedure,
  router,
  signedInTweetProcedure,
  visibleTweetProcedure,
} from '../trpc.ts';

export type EngagementChange = { type: 'engagement'; id: string; engagement: Engagement } | { type: 'reset' };

/** What a tweet event looks like to one subscriber, or null when it must not see it. */
async function changeFor(ctx: Context, event: StoreEvent, viewerId: string | null, authorId: string | undefined): Promise<TweetChange | null> {
  if (!(event.type in tweetChangeTypes) || !('authorId' in event)) return null;
  if (authorId && event.authorId !== authorId) return null;
  if (event.type === 'TweetCreated' && event.state === 'draft' && event.authorId !== viewerId) return null;
  const type = tweetChangeTypes[event.type as keyof typeof tweetChangeTypes];
  // Every subscriber hears every event: a view and its serialisation made once per event serve all whose view
  // cannot differ (SharedChanges); the author and anyone who may have liked or retweeted get their own.
  if (viewerId !== event.authorId) {
    const shared = await ctx.sharedChanges.of(event, type);
    if (shared !== undefined) return shared;
  }
  const tweet = await ctx.store.getTweet(event.tweetId, viewerId);
  return tweet ? ({ type, id: event.tweetId, tweet } as TweetChange) : null;
}

/** A subscription that fails before it iterates its events stops listening to them. */
function closing(events: EventStream): (error: unknown) => never {
  return (error) => {
    events.close();
    throw error;
  };
}

function hidden(error: unknown): null {
  if (error instanceof NotFound) return null;
  throw error;
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

/** Writes count against API.md's per-account write limit. */
const WRITE = { limit: 'writes' } as const;

export const tweetRouter = router({
  create: authedProcedure.meta(WRITE).input(createTweetInput).mutation(async ({ ctx, input }) => {
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
      hashtag: input.hashtag,
    });
    return { items: page.items, nextCursor: page.nextBeforeId ? encodeCursor(page.nextBeforeId) : null };
  }),

  search: publicProcedure.input(searchTweetsInput).query(async ({ ctx, input }) => {
    const query = parseSearchQuery(input.q);
    const at = input.cursor ? (input.sort === 'top' ? { offset: decodeOffsetCursor(input.cursor) } : { beforeId: decodeCursor(input.cursor) }) : {};
    const page = await ctx.store.searchTweets({ viewerId: await viewerIdOf(ctx), query, sort: input.sort, limit: input.limit, ...at });
    const next = page.next;
    const nextCursor = next === null ? null : 'offset' in next ? encodeOffsetCursor(next.offset) : encodeCursor(next.beforeId);
    return { items: page.items, nextCursor };
  }),

  thread: visibleTweetProcedure.input(threadInput).query(async ({ ctx, input }) => {
    const thread = await ctx.store.getThread({
      id: ctx.tweet.id,
      viewerId: ctx.viewer?.id ?? null,
      afterId: input.cursor ? decodeCursor(input.cursor) : undefined,
      limit: input.limit,
    });
    const nextCursor = thread.nextAfterId ? encodeCursor(thread.nextAfterId) : null;
    return { ancestors: thread.ancestors, tweet: thread.tweet, replies: { items: thread.replies, nextCursor } };
  }),

  edit: ownTweetProcedure.meta(WRITE).input(editTweetInput).mutation(async ({ ctx, input }) => {
    return ctx.store.editTweet({
      id: input.id,
      actorId: ctx.user.id,
      text: input.content,
      mediaIds: input.mediaIds,
      expectedVersion: input.expectedVersion,
    });
  }),

  versions: visibleTweetProcedure.query(async ({ ctx }) => ({ items: await ctx.store.listVersions(ctx.tweet.id, ctx.viewer?.id ?? null) })),

  diff: visibleTweetProcedure.input(diffInput).query(async ({ ctx, input }) => {
    // only versions the caller may see: any other answers as one that does not exist
    const versions = await ctx.store.listVersions(ctx.tweet.id, ctx.viewer?.id ?? null);
    const from = versions.find((v) => v.version === input.from);
    const to = versions.find((v) => v.version === input.to);
    if (!from || !to) {
      const missing = from ? input.to : input.from;
      throw new TRPCError({ code: 'NOT_FOUND', message: `tweet ${ctx.tweet.id} has no version ${missing}` });
    }
    return { from: input.from, to: input.to, ...diffTexts(from.content, to.content) };
  }),

  revert: ownTweetProcedure.meta(WRITE).input(revertTweetInput).mutation(({ ctx, input }) =>
    ctx.store.revertTweet({ id: input.id, actorId: ctx.user.id, toVersion: input.toVersion, expectedVersion: input.expectedVersion }),
  ),

  publish: ownTweetProcedure.meta(WRITE).mutation(({ ctx }) => ctx.store.transitionTweet({ id: ctx.tweet.id, actorId: ctx.user.id, to: 'publish' })),
  archive: ownTweetProcedure.meta(WRITE).mutation(({ ctx }) => ctx.store.transitionTweet({ id: ctx.tweet.id, actorId: ctx.user.id, to: 'archive' })),
  restore: ownTweetProcedure.meta(WRITE).mutation(({ ctx }) => ctx.store.transitionTweet({ id: ctx.tweet.id, actorId: ctx.user.id, to: 'restore' })),

  engage: signedInTweetProcedure
    .meta({ limit: 'engage' })
    .input(engageInput)
    .mutation(async ({ ctx, input }) =>
      // a view counts once per viewer per tweet a while (API.md Limits): a repeat answers as the view did
      input.action === 'view' && !(await ctx.limits.viewCounts(ctx.user.id, ctx.tweet.id))
        ? ctx.store.getEngagement(ctx.tweet.id, ctx.user.id)
        : ctx.store.engage({ id: ctx.tweet.id, userId: ctx.user.id, action: input.action }),
    ),

  onChange: publicProcedure.input(onChangeInput).subscription(async function* ({ ctx, input, signal }) {
    const lane = ctx.lanes.claim(ctx.socket, signal); // first, before any await: see DirectLane
    // listening before any await, so events that land while the subscription is set up reach it (see followEvents)
    const events = followEvents(ctx.store, input.lastEventId, signal, ctx.wakes);
    const viewer = await subscriptionViewer(ctx).catch(closing(events));
    const done = ctx.telemetry.openSubscription();
    try {
      for await (const item of events) {
        if (item.kind === 'reset') {
          yield tracked(eventId(ctx.store.storeId, item.seq), { type: 'reset' } as TweetChange);
          continue;
        }
        const change = await changeFor(ctx, item.event, viewer.id(), input.authorId);
        if (!change) continue;
        const id = eventId(ctx.store.storeId, item.event.seq);
        if (!lane?.send(id, change)) yield tracked(id, change as TweetChange);
      }
    } finally {
      viewer.stop();
      done();
    }
  }),

  onEngagement: publicProcedure.input(onEngagementInput).subscription(async function* ({ ctx, input, signal }) {
    const lane = ctx.lanes.claim(ctx.socket, signal); // first, before any await: see DirectLane
    const events = followEvents(ctx.store, input.lastEventId, signal, ctx.wakes); // before any await, as in onChange
    const viewer = await subscriptionViewer(ctx).catch(closing(events));
    const ids = new Set(input.ids);
    const done = ctx.telemetry.openSubscription();
    try {
      for await (const item of events) {
        if (item.kind === 'reset') {
          yield tracked(eventId(ctx.store.storeId, item.seq), { type: 'reset' } as EngagementChange);
          continue;
        }
        const target = await engagementTarget(ctx, item.event);
        if (!target || !ids.has(target)) continue;
        // a tweet the viewer may not see (an archived one: anyone's but its author's) has no engagement for them
        const engagement = await ctx.store.getEngagement(target, viewer.id()).catch(hidden);
        if (!engagement) continue;
        const id = eventId(ctx.store.storeId, item.event.seq);
        const change: EngagementChange = { type: 'engagement', id: target, engagement };
        if (!lane?.send(id, change)) yield tracked(id, change);
      }
    } finally {
      viewer.stop();
      done();
    }
  }),
});

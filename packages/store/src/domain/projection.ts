// The in-memory state of the store: a pure function of the event sequence (apply), indexed for the reads we serve.
import { bumpRate, ratePerMinute } from '@tweetstore/core';
import type { StoreEvent } from '../events.ts';
import { engagementKinds, type EngagementKind, type SessionRecord, type TweetRecord, type UserRecord } from './records.ts';
import { nextContent } from './versions.ts';
import { TextTable } from './texts.ts';
import { Timelines } from './timelines.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Below this summed rate (events/minute) a tweet leaves the velocity candidates. */
const HOT_MIN_RATE = 1e-3;

export class Projection {
  /** seq of the last applied event (durable or not yet). */
  seq = 0;
  readonly users = new Map<string, UserRecord>();
  readonly userIdsByName = new Map<string, string>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly tweets = new Map<string, TweetRecord>();
  readonly texts = new TextTable();
  readonly timelines = new Timelines();
  /** author + key -> tweet, in insertion (= time) order so expired keys are pruned from the front. */
  readonly idempotency = new Map<string, { tweetId: string; at: number }>();
  /** Tweets engaged recently: the only candidates for topByVelocity. */
  readonly hot = new Set<string>();
  /** Tweets with views not yet journaled. */
  readonly pendingViews = new Set<string>();
  versionCount = 0;
  /** Tweets in creation order (index = ordinal). */
  readonly tweetOrder: TweetRecord[] = [];
  /** What changed since the checkpoint this state was loaded from or last written (see ChangeSet). */
  changes = new ChangeSet();
  /** Called before a tweet's checkpointed fields change: a checkpoint being captured keeps the row as it was. */
  beforeTweetChange: ((t: TweetRecord) => void) | undefined;

  /** `live`: the event was made by this process, so views already counted in memory are not counted again. */
  apply(event: StoreEvent, live = false): void {
    if (event.seq !== this.seq + 1) throw new Error(`event seq ${event.seq} does not follow ${this.seq}`);
    this.#apply(event, live);
    this.seq = event.seq;
  }

  #apply(e: StoreEvent, live: boolean): void {
    switch (e.type) {
      case 'UserRegistered':
        this.changes.users = true;
        this.users.set(e.userId, { id: e.userId, username: e.username, displayName: e.displayName, createdAt: e.at, passwordHash: e.passwordHash });
        this.userIdsByName.set(e.username.toLowerCase(), e.userId);
        return;
      case 'SessionOpened':
        this.changes.sessions = true;
        this.sessions.set(e.tokenHash, { userId: e.userId, expiresAt: e.expiresAt });
        return;
      case 'SessionClosed':
        this.changes.sessions = true;
        this.sessions.delete(e.tokenHash);
        return;
      case 'TweetCreated': {
        const published = e.state === 'published';
        const t: TweetRecord = {
          id: e.tweetId,
          ordinal: this.tweetOrder.length,
          authorId: e.authorId,
          replyToId: e.replyToId,
          state: e.state,
          createdAt: e.at,
          publishedAt: published ? e.at : null,
          editedAt: null,
          editsSincePublish: 0,
          content: this.texts.ref(e.contentHash, e.content),
          contentHash: e.contentHash,
          weightedLength: e.weightedLength,
          hashtags: e.hashtags,
          mentions: e.mentions,
          urls: e.urls,
          mediaIds: e.mediaIds,
          idempotencyKey: e.idempotencyKey,
          versions: [],
          likes: null,
          retweets: null,
          replies: 0,
          views: 0,
          pendingViews: 0,
          velocity: {},
        };
        this.addTweet(t);
        const content = this.texts.ref(e.contentHash, t.content); // the keyframe of version 1
        t.versions.push({ kind: 'created', at: e.at, contentHash: e.contentHash, mediaIds: e.mediaIds, body: { keyframe: true, content } });
        this.versionCount++;
        if (published) this.#replyPublished(t, e.at, true);
        this.rememberIdempotencyKey(t);
        return;
      }
      case 'TweetEdited':
      case 'TweetReverted': {
        const t = this.#tweet(e.tweetId);
        const content = this.texts.ref(e.contentHash, nextContent(t.content, e.body));
        this.texts.unref(t.contentHash);
        const body = e.body.keyframe ? { keyframe: true as const, content: this.texts.ref(e.contentHash, content) } : e.body;
        t.versions.push({ kind: e.kind, at: e.at, contentHash: e.contentHash, mediaIds: e.mediaIds, body });
        this.versionCount++;
        Object.assign(t, { content, contentHash: e.contentHash, mediaIds: e.mediaIds, editedAt: e.at });
        Object.assign(t, { weightedLength: e.weightedLength, hashtags: e.hashtags, mentions: e.mentions, urls: e.urls });
        if (t.publishedAt !== null) t.editsSincePublish++;
        return;
      }
      case 'TweetPublished':
        this.#moveTo(e.tweetId, 'published', (t) => {
          t.publishedAt = e.at;
          t.editsSincePublish = 0;
          this.#replyPublished(t, e.at, true);
        });
        return;
      case 'TweetArchived':
        this.#moveTo(e.tweetId, 'archived', (t) => this.#replyPublished(t, e.at, false, -1));
        return;
      case 'TweetRestored':
        this.#moveTo(e.tweetId, 'published', (t) => this.#replyPublished(t, e.at, false));
        return;
      case 'Liked':
      case 'Retweeted': {
        const t = this.#tweet(e.tweetId);
        const kind = e.type === 'Liked' ? 'likes' : 'retweets';
        (t[kind] ??= new Set()).add(e.userId);
        this.#bump(t, kind, e.at, 1);
        return;
      }
      case 'Unliked':
        this.#tweet(e.tweetId).likes?.delete(e.userId);
        return;
      case 'Unretweeted':
        this.#tweet(e.tweetId).retweets?.delete(e.userId);
        return;
      case 'ViewsCounted': {
        const t = this.#tweet(e.tweetId);
        t.views += e.n;
        if (!live) this.#bump(t, 'views', e.at, e.n);
        else {
          t.pendingViews = Math.max(0, t.pendingViews - e.n);
          if (t.pendingViews === 0) this.pendingViews.delete(t.id);
        }
        return;
      }
    }
  }

  /** Registers a tweet in the indexes (also used when restoring a checkpoint). */
  addTweet(t: TweetRecord): void {
    if (t.ordinal !== this.tweetOrder.length) throw new Error(`tweet ${t.id} has ordinal ${t.ordinal}, expected ${this.tweetOrder.length}`);
    this.tweetOrder.push(t);
    this.changes.tweets.add(t.ordinal);
    this.tweets.set(t.id, t);
    this.timelines.add(t);
  }

  rememberIdempotencyKey(t: TweetRecord): void {
    if (t.idempotencyKey === null) return;
    const key = idempotencyKeyOf(t.authorId, t.idempotencyKey);
    this.idempotency.delete(key); // re-inserted at the end: the map stays in time order
    this.idempotency.set(key, { tweetId: t.id, at: t.createdAt });
  }

  /** Makes `t` a topByVelocity candidate if it is still moving. */
  noteVelocity(t: TweetRecord, now: number): void {
    if (this.velocityScore(t, now) >= HOT_MIN_RATE) this.hot.add(t.id);
  }

  /** Views seen by this process: counted and bumped at once, journaled later as ViewsCounted. */
  countViews(tweetId: string, n: number, at: number, bump = true): void {
    const t = this.#tweet(tweetId);
    t.pendingViews += n;
    this.pendingViews.add(tweetId);
    if (bump) this.#bump(t, 'views', at, n);
  }

  bumpVelocity(t: TweetRecord, kind: EngagementKind, at: number, n: number): void {
    this.#bump(t, kind, at, n);
  }

  idempotentTweet(authorId: string, key: string, now: number): string | undefined {
    for (const [k, entry] of this.idempotency) {
      if (entry.at + IDEMPOTENCY_TTL_MS > now) break;
      this.idempotency.delete(k);
    }
    const entry = this.idempotency.get(idempotencyKeyOf(authorId, key));
    return entry && entry.at + IDEMPOTENCY_TTL_MS > now ? entry.tweetId : undefined;
  }

  velocityScore(t: TweetRecord, now: number): number {
    let sum = 0;
    for (const kind of engagementKinds) sum += ratePerMinute(t.velocity[kind], now);
    return sum;
  }

  topByVelocity(limit: number, now: number): { tweetId: string; score: number }[] {
    const found: { tweetId: string; score: number }[] = [];
    for (const id of this.hot) {
      const t = this.tweets.get(id);
      const score = t ? this.velocityScore(t, now) : 0;
      if (!t || score < HOT_MIN_RATE) this.hot.delete(id);
      else if (t.state === 'published') found.push({ tweetId: id, score });
    }
    return found.sort((a, b) => b.score - a.score || (a.tweetId < b.tweetId ? 1 : -1)).slice(0, Math.max(0, limit));
  }

  /** The tweet an event changes. */
  #tweet(id: string): TweetRecord {
    const t = this.tweets.get(id);
    if (!t) throw new Error(`event for unknown tweet ${id}`);
    this.#touch(t);
    return t;
  }

  #touch(t: TweetRecord): void {
    this.beforeTweetChange?.(t);
    this.changes.tweets.add(t.ordinal);
  }

  #moveTo(id: string, state: TweetRecord['state'], then: (t: TweetRecord) => void): void {
    const t = this.#tweet(id);
    this.timelines.remove(t);
    t.state = state;
    this.timelines.add(t);
    then(t);
  }

  /** A reply that becomes (or stops being) published moves its parent's reply count; a new reply also bumps velocity. */
  #replyPublished(t: TweetRecord, at: number, isNew: boolean, delta = 1): void {
    const parent = t.replyToId === null ? undefined : this.tweets.get(t.replyToId);
    if (!parent) return;
    this.#touch(parent);
    parent.replies += delta;
    if (isNew) this.#bump(parent, 'replies', at, 1);
  }

  #bump(t: TweetRecord, kind: EngagementKind, at: number, n: number): void {
    this.#touch(t);
    t.velocity[kind] = bumpRate(t.velocity[kind], at, n);
    this.hot.add(t.id);
  }
}

export function idempotencyKeyOf(authorId: string, key: string): string {
  return `${authorId}\u0000${key}`;
}

/** Changed since the last checkpoint: tweets by ordinal; users and sessions as whole tables (they are small). */
export class ChangeSet {
  readonly tweets = new Set<number>();
  users = false;
  sessions = false;
}

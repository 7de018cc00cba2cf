// tweet.onChange as everyone but the author sees an event, made once per event for all of them (1,000 subscribers cost
// one view and one serialisation, not 1,000), and kept correct: a view is dropped as soon as a later event changes
// its tweet, so no subscriber, however far behind or replaying, is sent a copy older than that event (an archived
// tweet's text, a like it never had).
import type { Tweet } from '@tweetstore/core';
import type { StoreEvent, TweetStore, tweetChangeTypes } from '@tweetstore/store';
import { immutableOutput } from './wire.ts';

export type TweetChangeType = (typeof tweetChangeTypes)[keyof typeof tweetChangeTypes];

/**
 * A change of a tweet, with its id; `tweet` as the subscriber sees it. An archived tweet's content is its author's
 * alone: anyone else learns only its id (`tweet: null`).
 */
export type TweetChange =
  | { type: Exclude<TweetChangeType, 'archived'>; id: string; tweet: Tweet }
  | { type: 'archived'; id: string; tweet: Tweet | null }
  | { type: 'reset' };

type TweetEvent = StoreEvent & { tweetId: string };

/** Views kept, the latest events' (a subscriber further behind gets a view of its own). */
const KEPT = 256;

export class SharedChanges {
  /** By seq: the change, null when nobody but the author may see it, undefined when views differ by viewer. */
  readonly #changes = new Map<number, { tweetId: string; change: Promise<TweetChange | null | undefined> }>();
  /** Tweet id -> the seqs of its changes kept. */
  readonly #byTweet = new Map<string, Set<number>>();

  constructor(private readonly store: TweetStore) {
    // Called as each event becomes durable, before any subscriber is woken for it, so none can use a view it changed.
    store.events.subscribe((event) => {
      if ('tweetId' in event) this.#forget(event.tweetId);
      // a reply's creation changes its parent's count of replies
      if (event.type === 'TweetCreated' && event.replyToId !== null) this.#forget(event.replyToId);
    });
  }

  /**
   * The change as anyone but its author sees it, when that is the same for all of them: a published tweet without
   * likes or retweets (no viewer's likedByCurrentUser/retweetedByCurrentUser can be true), or an archived one (its id
   * alone). Undefined when views may differ. The object is shared and must not be changed; it is marked so the output
   * serialiser writes it once for all subscribers.
   */
  of(event: TweetEvent, type: TweetChangeType): Promise<TweetChange | null | undefined> {
    const kept = this.#changes.get(event.seq);
    if (kept) return kept.change;
    const change = type === 'archived' ? Promise.resolve(immutableOutput<TweetChange>({ type, id: event.tweetId, tweet: null })) : this.#view(event.tweetId, type);
    this.#changes.set(event.seq, { tweetId: event.tweetId, change });
    let seqs = this.#byTweet.get(event.tweetId);
    if (!seqs) this.#byTweet.set(event.tweetId, (seqs = new Set()));
    seqs.add(event.seq);
    if (this.#changes.size > KEPT) this.#drop(this.#changes.keys().next().value!);
    return change;
  }

  async #view(id: string, type: Exclude<TweetChangeType, 'archived'>): Promise<TweetChange | null | undefined> {
    const tweet = await this.store.getTweet(id, null);
    // Anyone but the author sees what an anonymous viewer sees of it: nothing of a draft or an archived tweet.
    if (!tweet) return null;
    if (tweet.engagement.likes > 0 || tweet.engagement.retweets > 0) return undefined;
    return immutableOutput<TweetChange>({ type, id, tweet });
  }

  #forget(tweetId: string): void {
    const seqs = this.#byTweet.get(tweetId);
    if (!seqs) return;
    this.#byTweet.delete(tweetId);
    for (const seq of seqs) this.#changes.delete(seq);
  }

  #drop(seq: number): void {
    const kept = this.#changes.get(seq)!;
    this.#changes.delete(seq);
    const seqs = this.#byTweet.get(kept.tweetId)!;
    seqs.delete(seq);
    if (seqs.size === 0) this.#byTweet.delete(kept.tweetId);
  }
}

// Timeline indexes: for the global timeline, each author and each reply parent (and author x parent), the published
// ids plus every author's own drafts and archived ids, so a page for any viewer is a merge of at most three sorted
// lists cut by binary search: O(log n + limit), never a scan over tweets the viewer cannot see.
import type { TweetState } from '@tweetstore/core';
import type { ListTweets } from '../port.ts';
import { newestBefore, SortedIds } from './sorted-ids.ts';

export interface TimelineEntry {
  id: string;
  authorId: string;
  replyToId: string | null;
  state: TweetState;
}

/** The same question the port's listTweets asks. */
export type TimelineQuery = ListTweets;

interface Bucket {
  published: SortedIds;
  /** authorId -> that author's drafts / archived tweets in this bucket */
  hidden: Map<string, { draft: SortedIds; archived: SortedIds }>;
}

export class Timelines {
  readonly #buckets = new Map<string, Bucket>();

  add(t: TimelineEntry): void {
    for (const key of keysOf(t)) this.#list(key, t, true)!.insert(t.id);
  }

  remove(t: TimelineEntry): void {
    for (const key of keysOf(t)) this.#list(key, t, false)?.remove(t.id);
  }

  /** Ids newest first: one more than `limit` if there are more. */
  page(q: TimelineQuery): string[] {
    const bucket = this.#buckets.get(keyOf(q.authorId, q.replyToId));
    if (!bucket) return [];
    const lists = [bucket.published];
    const own = q.viewerId === null ? undefined : bucket.hidden.get(q.viewerId);
    if (own) lists.push(own.draft);
    if (own && q.includeArchived) lists.push(own.archived);
    return newestBefore(lists, q.beforeId, q.limit + 1);
  }

  #list(key: string, t: TimelineEntry, create: boolean): SortedIds | undefined {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (!create) return undefined;
      bucket = { published: new SortedIds(), hidden: new Map() };
      this.#buckets.set(key, bucket);
    }
    if (t.state === 'published') return bucket.published;
    let own = bucket.hidden.get(t.authorId);
    if (!own) {
      if (!create) return undefined;
      own = { draft: new SortedIds(), archived: new SortedIds() };
      bucket.hidden.set(t.authorId, own);
    }
    return t.state === 'draft' ? own.draft : own.archived;
  }
}

function keyOf(authorId: string | undefined, replyToId: string | undefined | null): string {
  return `${authorId ?? ''}|${replyToId ?? ''}`;
}

function keysOf(t: TimelineEntry): string[] {
  const keys = [keyOf(undefined, undefined), keyOf(t.authorId, undefined)];
  if (t.replyToId !== null) keys.push(keyOf(undefined, t.replyToId), keyOf(t.authorId, t.replyToId));
  return keys;
}

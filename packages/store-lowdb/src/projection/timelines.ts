// Timeline indexes: for the global timeline, each author and each reply parent (and author x parent), the published
// ids plus every author's own drafts and archived ids, so a page for any viewer is a merge of at most three sorted
// lists cut by binary search: O(log n + limit), never a scan over tweets the viewer cannot see.
// Buckets are found through maps keyed by the author's and the parent's id strings themselves (shared with the
// user and tweet records, so their hashes are computed once): no key is built per tweet, which made building these
// indexes for a million tweets several times slower. Most tweets replied to have one reply: it is held as its id
// until a second comes; and a parent's replies by one author are sorted out when first asked for (a list per parent
// and author cost more than all the other lists together to build at start-up).
import type { TweetState } from '@tweetstore/core';
import type { ListTweets } from '@tweetstore/store';
import { newestBefore, oldestAfter, SortedIds } from './sorted-ids.ts';

export interface TimelineEntry {
  id: string;
  authorId: string;
  replyToId: string | null;
  state: TweetState;
}

/** The same question the port's listTweets asks. */
export type TimelineQuery = ListTweets;

interface Lists {
  published: SortedIds;
  /** authorId -> that author's drafts / archived tweets in this bucket (made when the first one comes) */
  hidden: Map<string, { draft: SortedIds; archived: SortedIds }> | null;
}

interface ParentLists extends Lists {
  /** Published replies by one author; null until first asked for. */
  byAuthor: Map<string, SortedIds> | null;
}

const lists = (): Lists => ({ published: new SortedIds(), hidden: null });
const parentLists = (): ParentLists => ({ published: new SortedIds(), hidden: null, byAuthor: null });

export class Timelines {
  readonly #all = lists();
  readonly #byAuthor = new Map<string, Lists>();
  /** A parent's lists, or the id of its only (published) reply. */
  readonly #byParent = new Map<string, ParentLists | string>();

  /** `authorOf`: the author of a tweet (to sort a parent's replies by author). */
  constructor(private readonly authorOf: (id: string) => string | undefined) {}

  /** False if an id had to go in before the newest of a list (ids that do not ascend: O(n) each). */
  add(t: TimelineEntry): boolean {
    let appended = insert(this.#all, t);
    appended = insert(getOrMake(this.#byAuthor, t.authorId, lists), t) && appended;
    if (t.replyToId === null) return appended;
    if (t.state === 'published' && !this.#byParent.has(t.replyToId)) {
      this.#byParent.set(t.replyToId, t.id);
      return appended;
    }
    const parent = this.#parent(t.replyToId, true)!;
    appended = insert(parent, t) && appended;
    if (t.state === 'published' && parent.byAuthor) getOrMake(parent.byAuthor, t.authorId, () => new SortedIds()).insert(t.id);
    return appended;
  }

  remove(t: TimelineEntry): void {
    remove(this.#all, t);
    remove(this.#byAuthor.get(t.authorId), t);
    if (t.replyToId === null) return;
    if (this.#byParent.get(t.replyToId) === t.id) {
      this.#byParent.delete(t.replyToId);
      return;
    }
    const parent = this.#parent(t.replyToId, false);
    remove(parent, t);
    if (t.state === 'published') parent?.byAuthor?.get(t.authorId)?.remove(t.id);
  }

  /** Ids newest first: one more than `limit` if there are more. */
  page(q: TimelineQuery): string[] {
    // An empty (or null, from JavaScript callers) author or parent means any.
    let bucket: Lists | undefined;
    if (!q.replyToId) bucket = q.authorId ? this.#byAuthor.get(q.authorId) : this.#all;
    else {
      const parent = this.#parent(q.replyToId, false);
      // By one author: the author's published replies, and (only to the author) the author's own hidden ones.
      bucket = parent && q.authorId ? { published: this.#byAuthorOf(parent).get(q.authorId) ?? new SortedIds(), hidden: parent.hidden } : parent;
      if (bucket && q.authorId && q.viewerId !== q.authorId) bucket = { published: bucket.published, hidden: null };
    }
    return bucket ? newestBefore(shownTo(bucket, q.viewerId, q.includeArchived ?? false), q.beforeId, q.limit + 1) : [];
  }

  /** A tweet's direct replies the viewer may see (its own archived ones too), oldest first: one more than `limit` if there are more. */
  replies(parentId: string, viewerId: string | null, afterId: string | undefined, limit: number): string[] {
    const parent = this.#parent(parentId, false);
    return parent ? oldestAfter(shownTo(parent, viewerId, true), afterId, limit + 1) : [];
  }

  #parent(id: string, create: boolean): ParentLists | undefined {
    const found = this.#byParent.get(id);
    if (typeof found !== 'string' && (found !== undefined || !create)) return found;
    const parent = parentLists();
    if (found !== undefined) parent.published.insert(found);
    this.#byParent.set(id, parent);
    return parent;
  }

  #byAuthorOf(parent: ParentLists): Map<string, SortedIds> {
    if (parent.byAuthor === null) {
      parent.byAuthor = new Map();
      for (let i = 0; i < parent.published.size; i++) {
        const id = parent.published.at(i)!;
        getOrMake(parent.byAuthor, this.authorOf(id)!, () => new SortedIds()).insert(id);
      }
    }
    return parent.byAuthor;
  }
}

/** The bucket's lists the viewer may see: the published ones, and its own drafts (and archived ones, if asked). */
function shownTo(bucket: Lists, viewerId: string | null, includeArchived: boolean): SortedIds[] {
  const found = [bucket.published];
  const own = viewerId === null ? undefined : bucket.hidden?.get(viewerId);
  if (own) found.push(own.draft);
  if (own && includeArchived) found.push(own.archived);
  return found;
}

function getOrMake<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

function listOf(bucket: Lists, t: TimelineEntry, create: boolean): SortedIds | undefined {
  if (t.state === 'published') return bucket.published;
  let own = bucket.hidden?.get(t.authorId);
  if (!own) {
    if (!create) return undefined;
    own = { draft: new SortedIds(), archived: new SortedIds() };
    (bucket.hidden ??= new Map()).set(t.authorId, own);
  }
  return t.state === 'draft' ? own.draft : own.archived;
}

function insert(bucket: Lists, t: TimelineEntry): boolean {
  return listOf(bucket, t, true)!.insert(t.id);
}

function remove(bucket: Lists | undefined, t: TimelineEntry): void {
  if (bucket) listOf(bucket, t, false)?.remove(t.id);
}

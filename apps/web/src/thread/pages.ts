// Pure edits of a loaded thread (the pages of an infinite tweet.thread query: each page repeats the ancestors and the
// tweet, and carries a page of direct replies, oldest first, the next page "after its last id").
import type { RouterOutputs, Tweet } from '../trpc.ts';

export type ThreadPage = RouterOutputs['tweet']['thread'];

export interface ThreadPages {
  pages: ThreadPage[];
  pageParams: unknown[];
}

const hasReply = (data: ThreadPages, id: string) => data.pages.some((page) => page.replies.items.some((t) => t.id === id));

/** The reply replaced where it is, else added in its place when the last page is loaded (else a later page brings it). */
export function withReply<T extends ThreadPages>(data: T, reply: Tweet): T {
  if (hasReply(data, reply.id)) {
    const pages = data.pages.map((page) => ({ ...page, replies: { ...page.replies, items: page.replies.items.map((t) => (t.id === reply.id ? reply : t)) } }));
    return { ...data, pages };
  }
  const last = data.pages.at(-1);
  if (!last || last.replies.nextCursor !== null) return data;
  const items = [...last.replies.items];
  const at = items.findIndex((t) => t.id > reply.id);
  items.splice(at < 0 ? items.length : at, 0, reply);
  return { ...data, pages: [...data.pages.slice(0, -1), { ...last, replies: { ...last.replies, items } }] };
}

/** The tweet left out, as an ancestor or a reply (archived, and this reader may no longer see it). */
export function withoutThreadTweet<T extends ThreadPages>(data: T, id: string): T {
  const pages = data.pages.map((page) => ({
    ...page,
    ancestors: page.ancestors.filter((t) => t.id !== id),
    replies: { ...page.replies, items: page.replies.items.filter((t) => t.id !== id) },
  }));
  return { ...data, pages };
}

// Pure edits of a loaded timeline (the pages of an infinite tweet.list query). Ids sort by creation, newest first,
// and each page's cursor is "before its last id", so putting a tweet in its sorted place never breaks a cursor.
import type { Tweet } from '../trpc.ts';

export interface TimelinePages {
  pages: { items: Tweet[]; nextCursor: string | null }[];
  pageParams: unknown[];
}

export function hasTweet(data: TimelinePages | undefined, id: string): boolean {
  return !!data?.pages.some((page) => page.items.some((t) => t.id === id));
}

/** The tweet replaced where it is, else put in its place among the loaded tweets (if older than all of them and
 * more pages follow, it is left for those pages to bring). */
export function withTweet<T extends TimelinePages>(data: T, tweet: Tweet): T {
  if (hasTweet(data, tweet.id)) return replaced(data, tweet);
  const pages = data.pages.map((page, i) => {
    const isLast = i === data.pages.length - 1;
    const last = page.items.at(-1);
    return { page, fits: !last || tweet.id > last.id || (isLast && page.nextCursor === null) };
  });
  const at = pages.findIndex((p) => p.fits);
  if (at < 0) return data;
  return {
    ...data,
    pages: data.pages.map((page, i) => {
      if (i !== at) return page;
      const index = page.items.findIndex((t) => t.id < tweet.id);
      const items = [...page.items];
      items.splice(index < 0 ? items.length : index, 0, tweet);
      return { ...page, items };
    }),
  };
}

export function replaced<T extends TimelinePages>(data: T, tweet: Tweet): T {
  if (!hasTweet(data, tweet.id)) return data;
  return { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map((t) => (t.id === tweet.id ? tweet : t)) })) };
}

export function withoutTweet<T extends TimelinePages>(data: T, id: string): T {
  if (!hasTweet(data, id)) return data;
  return { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.filter((t) => t.id !== id) })) };
}

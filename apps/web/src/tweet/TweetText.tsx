import { useMemo } from 'react';
import { Link } from 'wouter';
import type { Tweet } from '../trpc.ts';

type Part = { kind: 'text' | 'url' | 'mention' | 'hashtag'; text: string };

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The content split at the entities the server extracted (it used twitter-text, so the client need not). */
export function entityParts(tweet: Pick<Tweet, 'content' | 'urls' | 'mentions' | 'hashtags'>): Part[] {
  const patterns = [...tweet.urls, ...tweet.mentions.map((m) => `@${m}`), ...tweet.hashtags.map((h) => `#${h}`)]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  if (patterns.length === 0) return [{ kind: 'text', text: tweet.content }];
  const parts: Part[] = [];
  let last = 0;
  for (const match of tweet.content.matchAll(new RegExp(patterns.join('|'), 'giu'))) {
    if (match.index > last) parts.push({ kind: 'text', text: tweet.content.slice(last, match.index) });
    const text = match[0];
    parts.push({ kind: text.startsWith('@') ? 'mention' : text.startsWith('#') ? 'hashtag' : 'url', text });
    last = match.index + text.length;
  }
  if (last < tweet.content.length) parts.push({ kind: 'text', text: tweet.content.slice(last) });
  return parts;
}

/** The page of a hashtag ("#Café" or "Café"): /tag/Caf%C3%A9, the tag as written, without #. */
export const tagPath = (tag: string) => `/tag/${encodeURIComponent(tag.replace(/^[#＃]/, ''))}`;

export function TweetText({ tweet }: { tweet: Tweet }) {
  const parts = useMemo(() => entityParts(tweet), [tweet]);
  return (
    <p className="tweet-text">
      {parts.map((part, i) => {
        switch (part.kind) {
          case 'url':
            return (
              <a key={i} href={/^https?:\/\//i.test(part.text) ? part.text : `https://${part.text}`} target="_blank" rel="noopener noreferrer nofollow ugc">
                {part.text}
              </a>
            );
          case 'mention':
            return (
              <Link key={i} href={`/${part.text}`}>
                {part.text}
              </Link>
            );
          case 'hashtag':
            return (
              <Link key={i} href={tagPath(part.text)} className="tweet-hashtag">
                {part.text}
              </Link>
            );
          default:
            return part.text;
        }
      })}
    </p>
  );
}

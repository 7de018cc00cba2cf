// Plain-text rendering for the CLI.
import type { Stats } from '@tweetstore/api';
import type { DiffOp, Media, Tweet, TweetVersion } from '@tweetstore/core';

export function formatTweet(t: Tweet): string {
  const e = t.engagement;
  const flags = [t.state !== 'published' ? t.state : null, t.editedAt ? `edited, v${t.version}` : null, t.replyToId ? `reply to ${t.replyToId}` : null]
    .filter(Boolean)
    .join(', ');
  return [
    `${t.id}  @${t.author.username}  ${t.createdAt.toISOString()}${flags ? `  (${flags})` : ''}`,
    `  ${t.content.replaceAll('\n', '\n  ')}`,
    ...t.media.map((m) => `  [${m.kind}] ${m.id}${m.alt ? `  "${m.alt}"` : ''}`),
    `  ♥ ${e.likes}  ⟲ ${e.retweets}  ↩ ${e.replies}  👁 ${e.views}   velocity/min: likes ${e.velocity.likes.toFixed(2)} retweets ${e.velocity.retweets.toFixed(2)}`,
  ].join('\n');
}

/** A page of tweets (list, search), newest first, with the flag that fetches the next. */
export function formatPage(page: { items: Tweet[]; nextCursor: string | null }, none = 'no tweets'): string {
  if (!page.items.length) return none;
  return page.items.map(formatTweet).join('\n\n') + (page.nextCursor ? `\n\nmore: --cursor ${page.nextCursor}` : '');
}

/** trends.hashtags and trends.tweets side by side: what is moving now. */
export function formatTrends(hashtags: { tag: string; uses: number; velocity: number }[], tweets: Tweet[]): string {
  const tags = hashtags.length
    ? hashtags.map((h, i) => `${String(i + 1).padStart(3)}. #${h.tag}  ${h.velocity.toFixed(2)} uses/min  (${h.uses} ${h.uses === 1 ? 'post' : 'posts'})`)
    : ['  no hashtag is trending'];
  const posts = tweets.length ? tweets.map(formatTweet) : ['  no post is moving'];
  return ['trending hashtags:', ...tags, '', 'trending posts:', ...posts].join('\n');
}

/** A thread as `tweet.thread` gives it: the ancestors root first, the tweet marked, its replies indented under it. */
export function formatThread(t: { ancestors: Tweet[]; tweet: Tweet; replies: { items: Tweet[]; nextCursor: string | null } }): string {
  const under = (text: string, mark: string) => mark + text.replaceAll('\n', `\n${' '.repeat(mark.length)}`);
  return [
    ...t.ancestors.map(formatTweet),
    under(formatTweet(t.tweet), '▶ '),
    ...t.replies.items.map((r) => under(formatTweet(r), '    ↳ ')),
    ...(t.replies.nextCursor ? [`more replies: --cursor ${t.replies.nextCursor}`] : []),
  ].join('\n\n');
}

export function formatMedia(m: Media): string {
  const size = m.width && m.height ? `  ${m.width}×${m.height}` : '';
  return [`${m.id}  ${m.mime}  ${m.bytes} bytes${size}${m.alt ? `  "${m.alt}"` : ''}`, ...m.variants.map((v) => `  ${v.name.padEnd(8)} ${v.url}`)].join('\n');
}

export function formatVersion(v: TweetVersion): string {
  return `v${v.version}  ${v.kind.padEnd(8)}  ${v.createdAt.toISOString()}  ${v.contentHash.slice(0, 19)}…\n    ${v.content.replaceAll('\n', '\n    ')}`;
}

/** Deleted text in [-…-], inserted text in {+…+} (like `git diff --word-diff`). */
export function formatDiff(d: { from: number; to: number; ops: DiffOp[] }): string {
  const body = d.ops.map(([op, text]) => (op === 0 ? text : op === -1 ? `[-${text}-]` : `{+${text}+}`)).join('');
  return `v${d.from} → v${d.to}\n${body}`;
}

export function formatStats(s: Stats): string {
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  const lines = [
    `${s.at.toISOString()}  up ${(s.uptimeMs / 1000).toFixed(0)} s`,
    `requests/s ${s.requestsPerSecond}  errors ${(s.errorRate * 100).toFixed(1)}%  latency p50 ${s.latencyMs.p50} ms  p95 ${s.latencyMs.p95} ms  p99 ${s.latencyMs.p99} ms`,
    `memory rss ${mb(s.memory.rssBytes)} heap ${mb(s.memory.heapUsedBytes)}  event-loop delay p99 ${s.eventLoopDelayMs.p99} ms max ${s.eventLoopDelayMs.max} ms`,
    `websockets ${s.connections.webSockets}  subscriptions ${s.connections.subscriptions}`,
    `store: ${s.store.tweets} tweets, ${s.store.users} users, ${s.store.versions} versions, head seq ${s.store.headSeq}, ${formatDetails(s.store.details, mb)}`,
  ];
  if (s.topTweets.length) {
    lines.push('top by velocity:', ...s.topTweets.map((t) => `  ${t.score.toFixed(2)}/min  @${t.author}: ${t.content.slice(0, 60)}`));
  }
  return lines.join('\n');
}

/** An engine's own figures (StoreStats.details) by name, in words: `journalBytes` as "journal 1.2 MB" (`bytes` says how). */
export function formatDetails(details: Record<string, number>, bytes: (n: number) => string): string {
  return Object.entries(details)
    .map(([name, value]) => {
      const words = name.replace(/Bytes$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
      return `${words} ${name.endsWith('Bytes') ? bytes(value) : value}`;
    })
    .join(', ');
}

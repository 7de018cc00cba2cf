// The linear-scan baseline of the search rows: every published tweet's current text and facts in memory, newest
// first, and a query answered by reading them in that order through the shared matcher (documentTerms and
// matchesQuery of @tweetstore/store, the rule each engine's index answers) until the page is full. Search without
// an index: what "≥ 10x the linear scan" of issue 15 compares the embedded engine with. Each text keeps the whole
// tweet as the store gave it, and a page answers those tweets, so both sides send the same 20 tweets and the ratio
// compares finding them (a page of bare texts left the scan a third of the engine's work to do). Served by
// targets/trpc-baseline.ts (BENCH_TARGET=scan) over the same WebSocket transport as the engine's rows.
// The texts are read through the store's port by a process of their own (scan-texts.ts), which writes them as JSON
// lines and exits: an opened store goes on working after close (building its search index, reading details), and
// that work must not run in the server under test.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import superjson from 'superjson';
import { systemClock, type Tweet } from '@tweetstore/core';
import { checkPageLimit, documentTerms, matchesQuery, parseSearchQuery } from '@tweetstore/store';
import { openLowdbStore } from '@tweetstore/store-lowdb';

export interface ScanText {
  id: string;
  content: string;
  hashtags: string[];
  mentions: string[];
  /** the author's username, lower case (what from: compares) */
  author: string;
  /** the tweet as an anonymous reader gets it, answered as it is */
  tweet: Tweet;
}

/** The published tweets of a data folder as the store lists them to anyone (newest first), read through its port. */
export async function loadTexts(dataDir: string): Promise<ScanText[]> {
  const store = await openLowdbStore({ dataDir, clock: systemClock, policy: { windowMs: 0, maxEdits: 0 } });
  try {
    const texts: ScanText[] = [];
    for (let beforeId: string | null = null; ; ) {
      const page = await store.listTweets({ viewerId: null, limit: 1000, ...(beforeId === null ? {} : { beforeId }) });
      for (const t of page.items) texts.push({ id: t.id, content: t.content, hashtags: t.hashtags, mentions: t.mentions, author: t.author.username.toLowerCase(), tweet: t });
      if (page.nextBeforeId === null) return texts;
      beforeId = page.nextBeforeId;
    }
  } finally {
    await store.close();
  }
}

/** One text a line, in order, written in chunks (a million texts would make one string of ~250 MB). */
export async function writeTexts(file: string, texts: readonly ScanText[]): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < texts.length; i += 10_000) {
    if (!out.write(texts.slice(i, i + 10_000).map((t) => `${superjson.stringify(t)}\n`).join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

export async function readTexts(file: string): Promise<ScanText[]> {
  const texts: ScanText[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (line) texts.push(superjson.parse<ScanText>(line));
  return texts;
}

/** The newest `limit` texts that match `q` (API.md's query language), and how many texts were read to find them. */
export function scanLatest(texts: readonly ScanText[], q: string, limit: number): { items: ScanText[]; scanned: number } {
  checkPageLimit(limit);
  const query = parseSearchQuery(q);
  const items: ScanText[] = [];
  let i = 0;
  for (; i < texts.length && items.length < limit; i++) {
    const t = texts[i]!;
    const doc = documentTerms(t.content, t.hashtags, t.mentions);
    if (matchesQuery(query, { words: doc.words, marks: doc.marks, author: t.author })) items.push(t);
  }
  return { items, scanned: i };
}

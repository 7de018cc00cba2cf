// The search index: every tweet's terms (search/analyze.ts's words, #tags and @mentions of its current version, and
// `from:<author>`), each term's tweets as ordinals (postings.ts), and each tweet's number of words (for relevance).
// Drafts and archived tweets are indexed as well: a query keeps the published ones, so a transition changes nothing
// here. A term's tweets are found by a Map; terms by prefix (the last word of a query) by their first two UTF-16
// units, so a new term costs an append, never a sort of the dictionary.
import { distinctTerms, documentTerms, mentionKey } from '@tweetstore/store';
import type { SearchChunk } from '../checkpoint/format/search-columns.ts';
import { postingsSize, withoutPosting, withPosting, type Postings } from './postings.ts';

/** A tweet's terms, each once, and how many words its text has. */
export interface TweetTerms {
  terms: string[];
  words: number;
}

/** The term a tweet is found by its author with (no word holds a `:`, so it is no word's). */
export const authorTerm = (username: string) => `from:${mentionKey(username)}`;

/** What the index keeps of a tweet's current version (its author's username, its text and its text's facts). */
export function tweetTerms(username: string, content: string, hashtags: readonly string[], mentions: readonly string[]): TweetTerms {
  const doc = documentTerms(content, hashtags, mentions);
  const terms = distinctTerms(doc);
  terms.push(authorTerm(username));
  return { terms, words: doc.words.length };
}

const MAX_WORDS = 0xffff;

export class SearchIndex {
  readonly #postings = new Map<string, Postings>();
  /** First two UTF-16 units -> the terms that start with them. */
  readonly #byStart = new Map<string, string[]>();
  #words = new Uint16Array(1024);
  #size = 0;
  #postingCount = 0;
  /**
   * Counts the changes that moved postings a paused search may hold a place in (an insertion before a term's last
   * ordinal, a removal). A new tweet's postings come last, behind any such place, and do not count.
   */
  moves = 0;

  /** Tweets indexed (ordinals 0 to size - 1). */
  get size(): number {
    return this.#size;
  }

  get termCount(): number {
    return this.#postings.size;
  }

  get postingCount(): number {
    return this.#postingCount;
  }

  /** The next tweet by ordinal. */
  add(ordinal: number, doc: TweetTerms): void {
    if (ordinal !== this.#size) throw new Error(`search index: tweet #${ordinal} added after #${this.#size - 1}`);
    this.#setWords(ordinal, doc.words);
    for (const term of doc.terms) this.#insert(term, ordinal);
  }

  /** A tweet's current version changed from `before` to `after`. */
  change(ordinal: number, before: TweetTerms, after: TweetTerms): void {
    this.#setWords(ordinal, after.words);
    const kept = new Set(after.terms);
    const lost = before.terms.filter((term) => !kept.has(term));
    const had = new Set(before.terms);
    for (const term of lost) this.#remove(term, ordinal);
    for (const term of after.terms) if (!had.has(term)) this.#insert(term, ordinal);
    this.moves++;
  }

  /** Restores a chunk of a checkpoint (its tweets come next by ordinal). */
  restore(first: number, chunk: SearchChunk): void {
    if (first !== this.#size) throw new Error(`search index: chunk at #${first} restored after #${this.#size - 1}`);
    for (let i = 0; i < chunk.words.length; i++) this.#setWords(first + i, chunk.words[i]!);
    const { terms, starts, ordinals } = chunk;
    for (const [i, term] of terms.entries()) {
      let p = this.#postings.get(term);
      const before = p === undefined ? 0 : postingsSize(p);
      for (let k = starts[i]!; k < starts[i + 1]!; k++) p = withPosting(p, ordinals[k]!);
      if (p === undefined) continue;
      if (before === 0) this.#addTerm(term, p);
      else this.#postings.set(term, p);
      this.#postingCount += postingsSize(p) - before;
    }
  }

  postings(term: string): Postings | undefined {
    return this.#postings.get(term);
  }

  /** The terms that start with `prefix` (at least one unit long). */
  termsWithPrefix(prefix: string): string[] {
    if (prefix.length >= 2) return (this.#byStart.get(prefix.slice(0, 2)) ?? []).filter((term) => term.startsWith(prefix));
    const found: string[] = [];
    for (const [start, terms] of this.#byStart) if (start.startsWith(prefix)) found.push(...terms);
    return found;
  }

  /** How many words the tweet's text has (at most 65,535). */
  words(ordinal: number): number {
    return this.#words[ordinal] ?? 0;
  }

  #setWords(ordinal: number, words: number): void {
    if (ordinal >= this.#words.length) {
      const grown = new Uint16Array(Math.max(2 * this.#words.length, ordinal + 1));
      grown.set(this.#words);
      this.#words = grown;
    }
    this.#words[ordinal] = Math.min(words, MAX_WORDS);
    if (ordinal >= this.#size) this.#size = ordinal + 1;
  }

  #insert(term: string, ordinal: number): void {
    const p = this.#postings.get(term);
    if (p === undefined) this.#addTerm(term, ordinal);
    else {
      const n = postingsSize(p);
      const next = withPosting(p, ordinal);
      if (postingsSize(next) === n) return;
      if (next !== p) this.#postings.set(term, next);
    }
    this.#postingCount++;
  }

  #addTerm(term: string, p: Postings): void {
    // a term found by a regular expression is a slice of the whole text it came from: a copy keeps only itself
    const own = term.length > 12 ? Buffer.from(term, 'utf16le').toString('utf16le') : term;
    this.#postings.set(own, p);
    const start = own.slice(0, 2);
    const starting = this.#byStart.get(start);
    if (starting) starting.push(own);
    else this.#byStart.set(start, [own]);
  }

  #remove(term: string, ordinal: number): void {
    const p = this.#postings.get(term);
    if (p === undefined) return;
    const n = postingsSize(p);
    const next = withoutPosting(p, ordinal);
    if (next === undefined) {
      this.#postings.delete(term);
      const starting = this.#byStart.get(term.slice(0, 2))!;
      starting.splice(starting.indexOf(term), 1);
      if (starting.length === 0) this.#byStart.delete(term.slice(0, 2));
    } else if (next !== p) this.#postings.set(term, next);
    if (next === undefined || postingsSize(next) < n) this.#postingCount--;
  }
}

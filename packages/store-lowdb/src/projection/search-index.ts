// The search index: every tweet's terms (search/analyze.ts's words, #tags and @mentions of its current version, and
// `from:<author>`), each term's tweets as ordinals (postings.ts), and each tweet's number of words (for relevance).
// Drafts and archived tweets are indexed as well: a query keeps the published ones, so a transition changes nothing
// here. A term is found by its id (a Map of the dictionary), its tweets by the id; terms by prefix (the last word of a
// query) by their first two UTF-16 units, so a new term costs an append, never a sort of the dictionary.
import { distinctTerms, documentTerms, mentionKey } from '@tweetstore/store';
import { decodeRows, type SearchChunk } from '../checkpoint/format/search-columns.ts';
import { fill, OrdinalList, postingsFor, postingsSize, withoutPosting, withPosting, type Postings } from './postings.ts';

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
  /**
   * The dictionary: every term ever indexed has an id, in order of first use, kept while its tweets come and go (a
   * checkpoint's tweets files name terms by id, so a restart hashes each term once, not once per chunk it is in).
   */
  readonly #ids = new Map<string, number>();
  readonly #terms: string[] = [];
  /** Term id -> its tweets; undefined while none has it. */
  readonly #postings: (Postings | undefined)[] = [];
  /** First two UTF-16 units -> the ids of the terms that start with them. */
  readonly #byStart = new Map<string, number[]>();
  #words = new Uint16Array(1024);
  #size = 0;
  /** Chunks restored whose postings are still to be made (finishRestore), and each term's rows in them. */
  #restoring: { chunks: SearchChunk[]; counts: Uint32Array } | undefined;
  #termCount = 0;
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

  /** Terms some tweet has now. */
  get termCount(): number {
    return this.#termCount;
  }

  get postingCount(): number {
    return this.#postingCount;
  }

  /** Terms in the dictionary (ids 0 to dictionarySize - 1). */
  get dictionarySize(): number {
    return this.#terms.length;
  }

  /** The dictionary's terms of ids `from` to `to` - 1. */
  dictionary(from: number, to: number): string[] {
    return this.#terms.slice(from, to);
  }

  /** The term's id, given it one if it had none. */
  termId(term: string): number {
    let id = this.#ids.get(term);
    if (id === undefined) {
      // a term found by a regular expression is a slice of the whole text it came from: a copy keeps only itself
      const own = term.length > 12 ? Buffer.from(term, 'utf16le').toString('utf16le') : term;
      id = this.#terms.length;
      this.#ids.set(own, id);
      this.#terms.push(own);
      this.#postings.push(undefined);
      const start = own.slice(0, 2);
      const starting = this.#byStart.get(start);
      if (starting) starting.push(id);
      else this.#byStart.set(start, [id]);
    }
    return id;
  }

  /** The next tweet by ordinal. */
  add(ordinal: number, doc: TweetTerms): void {
    if (ordinal !== this.#size) throw new Error(`search index: tweet #${ordinal} added after #${this.#size - 1}`);
    this.#setWords(ordinal, doc.words);
    for (const term of doc.terms) this.#insert(this.termId(term), ordinal);
  }

  /** A tweet's current version changed from `before` to `after`. */
  change(ordinal: number, before: TweetTerms, after: TweetTerms): void {
    this.#setWords(ordinal, after.words);
    const kept = new Set(after.terms);
    const had = new Set(before.terms);
    for (const term of before.terms) if (!kept.has(term)) this.#remove(this.termId(term), ordinal);
    for (const term of after.terms) if (!had.has(term)) this.#insert(this.termId(term), ordinal);
    this.moves++;
  }

  /** Restores the next terms of a checkpoint's dictionary (ids from dictionarySize on). */
  restoreDictionary(terms: readonly string[]): void {
    for (const term of terms) {
      if (typeof term !== 'string' || term === '' || this.#ids.has(term)) throw new Error(`search term ${JSON.stringify(term)} is no new term`);
      this.termId(term);
    }
  }

  /**
   * Restores a chunk of a checkpoint (its tweets come next by ordinal; its terms are in the dictionary). Its postings
   * are made by finishRestore, when every chunk is in.
   */
  restore(chunk: SearchChunk): void {
    if (chunk.first !== this.#size) throw new Error(`search index: chunk at #${chunk.first} restored after #${this.#size - 1}`);
    for (let i = 0; i < chunk.words.length; i++) this.#setWords(chunk.first + i, chunk.words[i]!);
    const counts = (this.#restoring ??= { chunks: [], counts: new Uint32Array(this.#terms.length) }).counts;
    for (let i = 0; i < chunk.terms.length; i++) {
      const id = chunk.terms[i]!;
      if (!(id >= 0 && id < counts.length && this.#postings[id] === undefined)) throw new Error(`search term #${id} is not in the dictionary`);
      counts[id]! += chunk.counts[i]!;
    }
    this.#restoring.chunks.push(chunk);
  }

  /** Makes the postings of the chunks restored: each term's once, at its size (a restart appends nothing twice). */
  finishRestore(): void {
    if (this.#restoring === undefined) return;
    const { chunks, counts } = this.#restoring;
    this.#restoring = undefined;
    for (let id = 0; id < counts.length; id++) {
      if (counts[id] === 0) continue;
      this.#postings[id] = postingsFor(counts[id]!);
      this.#termCount++;
      this.#postingCount += counts[id]!;
    }
    const ordinals = new Uint32Array(Math.max(0, ...chunks.map((c) => c.total)));
    const postings = this.#postings;
    for (const chunk of chunks) {
      decodeRows(chunk, ordinals);
      let at = 0;
      for (let i = 0; i < chunk.terms.length; i++) {
        const id = chunk.terms[i]!;
        const end = at + chunk.counts[i]!;
        const p = postings[id];
        if (p === undefined) postings[id] = ordinals[at]!; // its one posting
        else if (Array.isArray(p)) for (let k = at; k < end; k++) p.push(ordinals[k]!);
        else fill(p as OrdinalList, ordinals, at, end);
        at = end;
      }
    }
  }

  postings(term: string): Postings | undefined {
    const id = this.#ids.get(term);
    return id === undefined ? undefined : this.#postings[id];
  }

  /** The terms some tweet has now that start with `prefix` (at least one unit long). */
  termsWithPrefix(prefix: string): string[] {
    const found: string[] = [];
    const take = (ids: readonly number[]) => {
      for (const id of ids) if (this.#postings[id] !== undefined && this.#terms[id]!.startsWith(prefix)) found.push(this.#terms[id]!);
    };
    if (prefix.length >= 2) take(this.#byStart.get(prefix.slice(0, 2)) ?? []);
    else for (const [start, ids] of this.#byStart) if (start.startsWith(prefix)) take(ids);
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

  #insert(id: number, ordinal: number): void {
    const p = this.#postings[id];
    const n = p === undefined ? 0 : postingsSize(p);
    const next = withPosting(p, ordinal);
    if (postingsSize(next) === n) return;
    this.#postings[id] = next;
    if (n === 0) this.#termCount++;
    this.#postingCount++;
  }

  #remove(id: number, ordinal: number): void {
    const p = this.#postings[id];
    if (p === undefined) return;
    const n = postingsSize(p);
    const next = withoutPosting(p, ordinal);
    this.#postings[id] = next;
    if (next === undefined) this.#termCount--;
    if (next === undefined || postingsSize(next) < n) this.#postingCount--;
  }
}

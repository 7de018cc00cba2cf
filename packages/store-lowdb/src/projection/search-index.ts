// The search index: every tweet's terms (search/analyze.ts's words, #tags and @mentions of its current version, and
// `from:<author>`), each term's tweets as ordinals (postings.ts), and each tweet's number of words (for relevance).
// Drafts and archived tweets are indexed as well: a query keeps the published ones, so a transition changes nothing
// here. A term is found by its id (a Map of the dictionary), its tweets by the id; terms by prefix (the last word of a
// query) by their first two UTF-16 units, so a new term costs an append, never a sort of the dictionary.
// The forward index: each tweet's words in text order as term ids, in one arena, so a phrase is checked by ids
// without reading or analysing the text (adjacent-pair terms were measured against it: the 1M fixture's 16.9M words
// make 1.04M distinct pairs, 34x the dictionary, each a term to hash at a restart and a posting list to keep). A
// restore keeps each chunk's words as the checkpoint encodes them, decoded into the arena later (decodeNext), so a
// restart does not wait for them; until then the tweets' phrases are matched against their texts.
import { distinctTerms, documentTerms, mentionKey } from '@tweetstore/store';
import { decodeRows, decodeSequence, type SearchChunk } from '../checkpoint/format/search-columns.ts';
import { fill, OrdinalList, postingsFor, postingsSize, withoutPosting, withPosting, type Postings } from './postings.ts';

/** A tweet's terms, each once, and its text's words in order (`words` of them). */
export interface TweetTerms {
  terms: string[];
  words: number;
  sequence: readonly string[];
}

/** The term a tweet is found by its author with (no word holds a `:`, so it is no word's). */
export const authorTerm = (username: string) => `from:${mentionKey(username)}`;

/** What the index keeps of a tweet's current version (its author's username, its text and its text's facts). */
export function tweetTerms(username: string, content: string, hashtags: readonly string[], mentions: readonly string[]): TweetTerms {
  const doc = documentTerms(content, hashtags, mentions);
  const terms = distinctTerms(doc);
  terms.push(authorTerm(username));
  return { terms, words: doc.words.length, sequence: doc.words };
}

const MAX_WORDS = 0xffff;
/** A tweet's start in the arena when its words are not there (restored from a checkpoint written without them). */
const UNKNOWN = 0xffffffff;
/** A tweet's start in the arena while its words are still encoded in its restored chunk (decodeNext). */
const ENCODED = 0xfffffffe;

/** A restored chunk whose words are still as its checkpoint encodes them. */
interface EncodedWords {
  first: number;
  words: Uint16Array;
  terms: readonly number[];
  bytes: Buffer;
}

/** A chunk decodeNext took: its ordinals, and why it kept no words if it did not hold together. */
export interface DecodedWords {
  first: number;
  n: number;
  error?: Error;
}

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
  /** Per tweet, where its words (words(ordinal) of them) start in #arena, or UNKNOWN, or ENCODED. */
  #starts = new Uint32Array(1024).fill(UNKNOWN);
  /** The words of every tweet by term id; an edit's words go in place when they fit, else at the end. */
  #arena = new Uint32Array(1 << 16);
  #arenaUsed = 0;
  /** Arena words no tweet holds any more (an edit's old words, moved to the end): compacted when half the used. */
  #garbage = 0;
  /** Tweets whose words the arena has. */
  #sequenced = 0;
  /** Restored chunks whose words are still encoded, in ordinal order from #nextEncoded on; and how many words they hold. */
  #encoded: (EncodedWords | undefined)[] = [];
  #nextEncoded = 0;
  #encodedWords = 0;
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

  /** Tweets whose words (in text order) the index has: their phrases are matched without their text. */
  get sequenced(): number {
    return this.#sequenced;
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
    this.#setSequence(ordinal, doc.sequence, 0);
  }

  /** A tweet's current version changed from `before` to `after`. */
  change(ordinal: number, before: TweetTerms, after: TweetTerms): void {
    const had = this.#starts[ordinal]! >= ENCODED ? 0 : this.words(ordinal);
    this.#setWords(ordinal, after.words);
    const kept = new Set(after.terms);
    const hadTerm = new Set(before.terms);
    for (const term of before.terms) if (!kept.has(term)) this.#remove(this.termId(term), ordinal);
    for (const term of after.terms) if (!hadTerm.has(term)) this.#insert(this.termId(term), ordinal);
    this.#setSequence(ordinal, after.sequence, had);
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
   * are made by finishRestore, when every chunk is in; its words in text order stay encoded until decodeNext.
   */
  restore(chunk: SearchChunk): void {
    const { first, words } = chunk;
    if (first !== this.#size) throw new Error(`search index: chunk at #${first} restored after #${this.#size - 1}`);
    let total = 0;
    for (let i = 0; i < words.length; i++) {
      this.#setWords(first + i, words[i]!);
      total += words[i]!;
    }
    if (chunk.sequence !== undefined) {
      this.#starts.fill(ENCODED, first, first + words.length);
      this.#encoded.push({ first, words, terms: chunk.terms, bytes: chunk.sequence });
      this.#encodedWords += total;
    }
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

  /**
   * Decodes the words of the next restored chunk that has them encoded into the arena, but for its tweets changed
   * since (their words are the change's); undefined when no chunk is left. A chunk that does not hold together keeps
   * no words (`error`): its tweets' phrases are matched against their texts.
   */
  decodeNext(): DecodedWords | undefined {
    const chunk = this.#encoded[this.#nextEncoded];
    if (chunk === undefined) return undefined;
    this.#encoded[this.#nextEncoded++] = undefined; // its bytes go as it is decoded
    if (this.#nextEncoded === this.#encoded.length) [this.#encoded, this.#nextEncoded] = [[], 0];
    const { first, words } = chunk;
    const n = words.length;
    let total = 0;
    for (let i = 0; i < n; i++) total += words[i]!;
    this.#encodedWords -= total;
    // room for every chunk still encoded at once, and then some for edits: no copy of a large arena per chunk
    if (this.#arenaUsed + total > this.#arena.length) this.#reserve(total + this.#encodedWords + ((this.#arenaUsed + total + this.#encodedWords) >>> 3));
    const starts = this.#starts;
    let at = this.#arenaUsed;
    try {
      decodeSequence(chunk, chunk.bytes, (row) => starts[first + row] === ENCODED, this.#arena, at);
    } catch (error) {
      for (let o = first; o < first + n; o++) if (starts[o] === ENCODED) starts[o] = UNKNOWN;
      return { first, n, error: error as Error };
    }
    for (let i = 0; i < n; i++) {
      if (starts[first + i] !== ENCODED) continue;
      starts[first + i] = at;
      at += words[i]!;
      this.#sequenced++;
    }
    this.#arenaUsed = at;
    return { first, n };
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

  /**
   * The tweet's words in text order as term ids (a view of the arena, valid until the index next changes), or
   * undefined when the index does not have them (a checkpoint written before it kept them, or its chunk not decoded
   * yet): read its text then.
   */
  sequence(ordinal: number): Uint32Array | undefined {
    const start = ordinal < this.#size ? this.#starts[ordinal]! : UNKNOWN;
    return start >= ENCODED ? undefined : this.#arena.subarray(start, start + this.#words[ordinal]!);
  }

  /** The term of an id. */
  term(id: number): string {
    return this.#terms[id]!;
  }

  /** The id of a term in the dictionary, or undefined. */
  idOf(term: string): number | undefined {
    return this.#ids.get(term);
  }

  /** Puts the tweet's words in the arena: in place of its `had` words when they fit, else at the end. */
  #setSequence(ordinal: number, words: readonly string[], had: number): void {
    let start = this.#starts[ordinal]!;
    if (start < ENCODED) this.#sequenced--;
    if (words.length > MAX_WORDS) {
      this.#starts[ordinal] = UNKNOWN;
      this.#garbage += had;
      return;
    }
    this.#sequenced++;
    if (start >= ENCODED || words.length > had) {
      this.#garbage += had;
      this.#starts[ordinal] = UNKNOWN;
      if (this.#garbage > this.#arenaUsed >>> 1 && this.#arenaUsed > 1 << 16) this.#compact();
      this.#reserve(words.length);
      start = this.#arenaUsed;
      this.#arenaUsed += words.length;
    } else this.#garbage += had - words.length;
    for (let i = 0; i < words.length; i++) this.#arena[start + i] = this.termId(words[i]!);
    this.#starts[ordinal] = start;
  }

  #reserve(n: number): void {
    if (this.#arenaUsed + n <= this.#arena.length) return;
    const grown = new Uint32Array(Math.max(2 * this.#arena.length, this.#arenaUsed + n));
    grown.set(this.#arena.subarray(0, this.#arenaUsed));
    this.#arena = grown;
  }

  /** Copies every tweet's words to a new arena, in ordinal order, leaving out those no tweet holds. */
  #compact(): void {
    const from = this.#arena;
    const arena = new Uint32Array(Math.max(1 << 16, 2 * (this.#arenaUsed - this.#garbage)));
    let used = 0;
    for (let o = 0; o < this.#size; o++) {
      const start = this.#starts[o]!;
      if (start >= ENCODED) continue;
      const end = start + this.#words[o]!;
      this.#starts[o] = used;
      for (let k = start; k < end; k++) arena[used++] = from[k]!;
    }
    this.#arena = arena;
    this.#arenaUsed = used;
    this.#garbage = 0;
  }

  #setWords(ordinal: number, words: number): void {
    if (ordinal >= this.#words.length) {
      const size = Math.max(2 * this.#words.length, ordinal + 1);
      const grown = new Uint16Array(size);
      grown.set(this.#words);
      this.#words = grown;
      const starts = new Uint32Array(size).fill(UNKNOWN);
      starts.set(this.#starts);
      this.#starts = starts;
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

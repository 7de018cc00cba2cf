// A chunk's share of the search index in its tweets file (format 5 on): the chunk's terms by id (the checkpoint's
// terms files are the dictionary), and for each the rows (index in the chunk) of the tweets that have it, and each
// tweet's number of words. Rows and counts are unsigned LEB128 varints in one base64 string (a row is the difference
// to the one before: one byte for all but the first), so a chunk of 500 tweets costs ~1 byte per posting and ~3 per
// term, and a restart reads it without analysing a text or hashing a term: each term's rows are appended to its
// postings at once. Since the forward index, each tweet's words in text order as indexes into the chunk's terms
// (`sequence`, ~1-2 bytes a word): a phrase is then checked from the index, never from the text. A file without it
// (written before) still restores: its tweets' phrases are checked against their texts. A restore keeps `sequence` as
// bytes and decodes it once the store is open (decodeSequence): decoding 17M words in `open` cost a 1M restart ~1 s.
import type { TweetTerms } from '../../projection/search-index.ts';

export interface SearchColumns {
  /** Each term of the chunk once, by id, in order of first use. */
  terms: number[];
  /** Per term: how many rows, then the rows, each as the difference to the one before (the first as it is). */
  rows: string;
  /** Per tweet: how many words its text has. */
  words: string;
  /** Per tweet, its words (as many as `words` says) in text order, each as the index of its term in `terms`. */
  sequence?: string;
}

/**
 * A chunk's search columns, checked: its tweets' words, its terms by id with how many rows each has, and the rows as
 * read from the file (decodeRows gives their ordinals: a restart makes each term's postings once, at their size).
 */
export interface SearchChunk {
  first: number;
  words: Uint16Array;
  terms: number[];
  counts: Uint32Array;
  rows: Buffer;
  /** Rows of all terms. */
  total: number;
  /** The tweets' words in text order as the file holds them, read by decodeSequence (undefined: the file has none). */
  sequence: Buffer | undefined;
}

class Varints {
  bytes = new Uint8Array(256);
  n = 0;

  put(value: number): void {
    if (this.n + 5 > this.bytes.length) {
      const grown = new Uint8Array(2 * this.bytes.length);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    let v = value >>> 0;
    while (v >= 0x80) {
      this.bytes[this.n++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.bytes[this.n++] = v;
  }

  base64(): string {
    return Buffer.from(this.bytes.buffer, 0, this.n).toString('base64');
  }
}

/** The search columns of a chunk whose tweets (in order) have these terms; `termId`: a term's id. */
export function encodeSearch(docs: readonly TweetTerms[], termId: (term: string) => number): SearchColumns {
  const rowsOf = new Map<number, number[]>();
  const words = new Varints();
  const sequence = new Varints();
  /** Term -> its index in the chunk's terms (the order of rowsOf's keys). */
  const indexOf = new Map<string, number>();
  for (const [row, doc] of docs.entries()) {
    words.put(doc.words);
    for (const name of doc.terms) {
      const term = termId(name);
      const rows = rowsOf.get(term);
      if (rows) rows.push(row);
      else {
        indexOf.set(name, rowsOf.size);
        rowsOf.set(term, [row]);
      }
    }
    for (const word of doc.sequence) sequence.put(indexOf.get(word)!);
  }
  const rows = new Varints();
  for (const list of rowsOf.values()) {
    rows.put(list.length);
    let previous = 0;
    for (const row of list) {
      rows.put(row - previous);
      previous = row;
    }
  }
  return { terms: [...rowsOf.keys()], rows: rows.base64(), words: words.base64(), sequence: sequence.base64() };
}

/** Reads varints from bytes, refusing to read past them. */
class Reader {
  at = 0;
  constructor(readonly bytes: Buffer) {}

  next(): number {
    const { bytes } = this;
    let at = this.at;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (at >= bytes.length) throw new Error('search columns end inside a number');
      const b = bytes[at++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.at = at;
        return value;
      }
      scale *= 0x80;
    }
    throw new Error('search columns hold a number too long');
  }

  get done(): boolean {
    return this.at === this.bytes.length;
  }
}

/** Checks the search columns of a chunk of `n` tweets from ordinal `first` on; throws if they do not hold together. */
export function decodeSearch(c: SearchColumns, first: number, n: number): SearchChunk {
  if (!Array.isArray(c?.terms) || typeof c.rows !== 'string' || typeof c.words !== 'string') throw new Error('no search columns');
  const words = new Reader(Buffer.from(c.words, 'base64'));
  const wordCounts = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const count = words.next();
    if (count > 0xffff) throw new Error('search columns hold a text of more words than a tweet has');
    wordCounts[i] = count;
  }
  if (!words.done) throw new Error('search columns hold words of more tweets than the chunk has');
  let sequence: Buffer | undefined;
  if (c.sequence !== undefined) {
    if (typeof c.sequence !== 'string') throw new Error('search columns hold no sequence of words');
    sequence = Buffer.from(c.sequence, 'base64'); // the string is dropped with the file's columns: its bytes stay
  }
  const rows = new Reader(Buffer.from(c.rows, 'base64'));
  const counts = new Uint32Array(c.terms.length);
  let total = 0;
  for (let i = 0; i < c.terms.length; i++) {
    const term = c.terms[i];
    if (!Number.isInteger(term)) throw new Error(`search term #${i} is no term id`);
    const count = rows.next();
    let row = -1;
    for (let k = 0; k < count; k++) {
      const step = rows.next();
      row = k === 0 ? step : row + step;
      if ((k > 0 && step === 0) || row >= n) throw new Error(`search term #${term} names a row the chunk does not have`);
    }
    counts[i] = count;
    total += count;
  }
  if (!rows.done) throw new Error('search columns hold more rows than their terms');
  return { first, words: wordCounts, terms: c.terms, counts, rows: rows.bytes, total, sequence };
}

/**
 * A chunk's words in text order (its `sequence`, checked: every index names one of its terms, and there are as many as
 * its tweets have words) as term ids into `out` from `at`, but for the tweets whose row `take` refuses (their words
 * are read and left out). Returns how many it wrote; throws if the sequence does not hold together.
 */
export function decodeSequence(chunk: { terms: readonly number[]; words: Uint16Array }, bytes: Buffer, take: (row: number) => boolean, out: Uint32Array, at: number): number {
  const { terms, words } = chunk;
  const read = new Reader(bytes);
  let end = at;
  for (let row = 0; row < words.length; row++) {
    const taken = take(row);
    for (let k = words[row]!; k > 0; k--) {
      const index = read.next();
      if (index >= terms.length) throw new Error(`search columns name term #${index} of a chunk of ${terms.length}`);
      if (taken) out[end++] = terms[index]!;
    }
  }
  if (!read.done) throw new Error('search columns hold more words than their tweets');
  return end - at;
}

/** The ordinals of a chunk's rows (checked by decodeSearch), term after term, into `out` (at least `total` long). */
export function decodeRows(chunk: SearchChunk, out: Uint32Array): void {
  const bytes = chunk.rows;
  const end = bytes.length;
  const { first } = chunk;
  let at = 0;
  let found = 0;
  let left = -1; // rows of the current term still to read; -1: its count comes next
  let row = 0;
  while (at < end) {
    let value = bytes[at++]!;
    if (value >= 0x80) {
      // most are one byte (a row's difference to the one before): the loop only for the others
      value &= 0x7f;
      for (let scale = 0x80; ; scale *= 0x80) {
        const b = bytes[at++]!;
        value += (b & 0x7f) * scale;
        if (b < 0x80) break;
      }
    }
    if (left <= 0) {
      left = value;
      row = -1;
    } else {
      row = row < 0 ? value : row + value;
      out[found++] = first + row;
      left--;
    }
  }
}

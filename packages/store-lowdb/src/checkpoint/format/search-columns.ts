// A chunk's share of the search index in its tweets file (format 5 on): the chunk's terms, and for each the rows
// (index in the chunk) of the tweets that have it, and each tweet's number of words. Rows and counts are unsigned
// LEB128 varints in one base64 string (a row is the difference to the one before: one byte for all but the first),
// so a chunk of 500 tweets costs ~1 byte per posting plus its terms once, and a restart reads it without analysing a
// text: each term is looked up once per chunk and its rows appended to its postings.
import type { TweetTerms } from '../../projection/search-index.ts';

export interface SearchColumns {
  /** Each term of the chunk once, in order of first use. */
  terms: string[];
  /** Per term: how many rows, then the rows, each as the difference to the one before (the first as it is). */
  rows: string;
  /** Per tweet: how many words its text has. */
  words: string;
}

/** A chunk's search columns, decoded: term i's ordinals are ordinals[starts[i]] to ordinals[starts[i + 1] - 1]. */
export interface SearchChunk {
  words: Uint16Array;
  terms: string[];
  starts: Uint32Array;
  ordinals: Uint32Array;
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

/** The search columns of a chunk whose tweets (in order) have these terms. */
export function encodeSearch(docs: readonly TweetTerms[]): SearchColumns {
  const rowsOf = new Map<string, number[]>();
  const words = new Varints();
  for (const [row, doc] of docs.entries()) {
    words.put(doc.words);
    for (const term of doc.terms) {
      const rows = rowsOf.get(term);
      if (rows) rows.push(row);
      else rowsOf.set(term, [row]);
    }
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
  return { terms: [...rowsOf.keys()], rows: rows.base64(), words: words.base64() };
}

/** Reads varints from bytes, refusing to read past them. */
class Reader {
  at = 0;
  constructor(readonly bytes: Buffer) {}

  next(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.at >= this.bytes.length) throw new Error('search columns end inside a number');
      const b = this.bytes[this.at++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    throw new Error('search columns hold a number too long');
  }
}

/** Decodes the search columns of a chunk of `n` tweets from ordinal `first` on; throws if they do not hold together. */
export function decodeSearch(c: SearchColumns, first: number, n: number): SearchChunk {
  if (!Array.isArray(c?.terms) || typeof c.rows !== 'string' || typeof c.words !== 'string') throw new Error('no search columns');
  const words = new Reader(Buffer.from(c.words, 'base64'));
  const wordCounts = new Uint16Array(n);
  for (let i = 0; i < n; i++) wordCounts[i] = Math.min(words.next(), 0xffff);
  if (words.at !== words.bytes.length) throw new Error('search columns hold words of more tweets than the chunk has');
  const rows = new Reader(Buffer.from(c.rows, 'base64'));
  const starts = new Uint32Array(c.terms.length + 1);
  const found: number[] = [];
  for (const [i, term] of c.terms.entries()) {
    if (typeof term !== 'string' || term === '') throw new Error(`search term #${i} is no term`);
    const count = rows.next();
    let row = 0;
    for (let k = 0; k < count; k++) {
      const step = rows.next();
      row += step;
      if ((k > 0 && step === 0) || row >= n) throw new Error(`search term ${JSON.stringify(term)} names a row the chunk does not have`);
      found.push(first + row);
    }
    starts[i + 1] = found.length;
  }
  if (rows.at !== rows.bytes.length) throw new Error('search columns hold more rows than their terms');
  return { words: wordCounts, terms: c.terms, starts, ordinals: Uint32Array.from(found) };
}

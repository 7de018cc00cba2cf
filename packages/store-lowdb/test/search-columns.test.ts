// A tweets file's search columns read back as written: each tweet's number of words, each term's rows, each tweet's
// words in text order. Chunks of up to 200 tweets over up to 300 terms with large ids, so that numbers of more than
// one byte (counts, first rows, term ids and indexes) are read as well as the common one-byte ones; and damaged
// columns are refused, not read as something else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRows, decodeSearch, decodeSequence, encodeSearch } from '../src/checkpoint/format/search-columns.ts';
import type { TweetTerms } from '../src/projection/search-index.ts';

/** A chunk's tweets as the index holds them, from each tweet's words as vocabulary indexes. */
const chunk = fc.array(fc.array(fc.nat(299), { maxLength: 12, size: 'max' }), { minLength: 1, maxLength: 200, size: 'max' }).map((texts) =>
  texts.map((words): TweetTerms => {
    const sequence = words.map((w) => `w${w}`);
    return { terms: [...new Set(sequence), 'from:u'], words: sequence.length, sequence };
  }),
);

/** Term ids as a dictionary gives them, from 100,000 on. */
function dictionary() {
  const ids = new Map<string, number>();
  return { ids, termId: (term: string) => ids.get(term) ?? ids.set(term, 100_000 + ids.size).get(term)! };
}

const FIRST = 1_000; // the chunk's first ordinal

function decoded(docs: TweetTerms[]) {
  const { ids, termId } = dictionary();
  const columns = encodeSearch(docs, termId);
  const c = decodeSearch(columns, FIRST, docs.length);
  return { ids, columns, c };
}

describe('search columns', () => {
  it('read back each tweet’s words, each term’s tweets and each tweet’s words in text order', () => {
    fc.assert(
      fc.property(chunk, (docs) => {
        const { ids, c } = decoded(docs);
        expect([...c.words]).toEqual(docs.map((d) => d.words));
        const ordinals = new Uint32Array(c.total);
        decodeRows(c, ordinals);
        let at = 0;
        const termOf = new Map([...ids].map(([term, id]) => [id, term]));
        const having = new Map<string, number[]>();
        for (const [row, d] of docs.entries()) for (const term of d.terms) (having.get(term) ?? having.set(term, []).get(term)!).push(FIRST + row);
        expect(c.terms.map((id) => termOf.get(id))).toEqual([...having.keys()]);
        for (const [i, id] of c.terms.entries()) {
          expect([...ordinals.subarray(at, at + c.counts[i]!)], termOf.get(id)).toEqual(having.get(termOf.get(id)!));
          at += c.counts[i]!;
        }
        const all = docs.flatMap((d) => d.sequence.map((w) => ids.get(w)!));
        const out = new Uint32Array(all.length + 5);
        expect(decodeSequence(c, c.sequence!, () => true, out, 5)).toBe(all.length);
        expect([...out.subarray(5)]).toEqual(all);
        // the tweets refused are read past, not written
        const kept = docs.flatMap((d, row) => (row % 2 === 0 ? d.sequence.map((w) => ids.get(w)!) : []));
        expect(decodeSequence(c, c.sequence!, (row) => row % 2 === 0, out, 0)).toBe(kept.length);
        expect([...out.subarray(0, kept.length)]).toEqual(kept);
      }),
      { numRuns: 100, endOnFailure: true },
    );
  });

  it('refuse rows or words in text order cut short or run on, and a word naming a term the chunk does not have', () => {
    fc.assert(
      fc.property(
        chunk.filter((docs) => docs.some((d) => d.words > 0)),
        (docs) => {
          const { columns, c } = decoded(docs);
          const bytes = (s: string) => Buffer.from(s, 'base64');
          const rows = bytes(columns.rows);
          expect(() => decodeSearch({ ...columns, rows: rows.subarray(0, -1).toString('base64') }, FIRST, docs.length)).toThrow();
          expect(() => decodeSearch({ ...columns, rows: Buffer.concat([rows, Buffer.from([0])]).toString('base64') }, FIRST, docs.length)).toThrow();
          expect(() => decodeSearch(columns, FIRST, docs.length - 1)).toThrow(); // a row past the chunk, or words of one more tweet
          const sequence = c.sequence!;
          const out = new Uint32Array(sequence.length + 1);
          expect(() => decodeSequence(c, sequence.subarray(0, -1), () => true, out, 0)).toThrow();
          expect(() => decodeSequence(c, Buffer.concat([sequence, Buffer.from([0])]), () => true, out, 0)).toThrow();
          const past = Buffer.from(sequence);
          past[past.length - 1] = c.terms.length; // the last word's index (one byte in a chunk of so few terms): one past them
          if (c.terms.length < 0x80) expect(() => decodeSequence(c, past, () => true, out, 0)).toThrow(`term #${c.terms.length} of a chunk of ${c.terms.length}`);
        },
      ),
      { numRuns: 100, endOnFailure: true },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { diffTexts } from '../src/text-diff.ts';
import type { DiffOp } from '../src/model.ts';
import { applyEdit, edit, historyOf, text, TRICKY } from './texts.ts';

const MAX_UNITS = 10_000; // MAX_CONTENT_CODE_UNITS: the longest text the store holds

const rebuild = (ops: DiffOp[], skip: -1 | 1) => ops.filter(([op]) => op !== skip).map(([, t]) => t).join('');
const changed = (ops: DiffOp[]) => ops.reduce((sum, [op, t]) => sum + (op === 0 ? 0 : t.length), 0);

/** Grapheme boundaries by Intl.Segmenter: an oracle independent of the segmenter the diff uses. */
const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const boundaries = (s: string) => new Set([...Array.from(seg.segment(s), (x) => x.index), s.length]);

/** The diff rebuilds both texts, has no empty op, and every op ends between user-perceived characters of both. */
function expectExact(a: string, b: string, ops: DiffOp[]) {
  expect(rebuild(ops, 1)).toBe(a);
  expect(rebuild(ops, -1)).toBe(b);
  expect(ops.every(([, t]) => t.length > 0)).toBe(true);
  const [inA, inB] = [boundaries(a), boundaries(b)];
  let [posA, posB] = [0, 0];
  for (const [op, t] of ops) {
    if (op !== 1) posA += t.length;
    if (op !== -1) posB += t.length;
    if (!inA.has(posA) || !inB.has(posB)) expect.fail(`op ${JSON.stringify([op, t.slice(0, 40)])} ends inside a grapheme`);
  }
}

/** A seeded pseudo-random source, so the large cases are the same on every run. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}
function randomText(seed: number, alphabet: readonly string[], units = MAX_UNITS): string {
  const r = random(seed);
  let s = '';
  for (;;) {
    const next = alphabet[Math.floor(r() * alphabet.length)]!;
    if (s.length + next.length > units) return s;
    s += next;
  }
}
const ALNUM = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
const URL_CHARS = [...ALNUM, '-', '_', '/', '.', '~', '%', '='];
/** 11 long random URLs, ~9,800 units, weighted length 263: the valid tweet of the reported stall. */
const urls = (seed: number) => Array.from({ length: 11 }, (_, i) => `https://example${i}.com/${randomText(seed + i, URL_CHARS, 868)}`).join(' ');
const WORDS = 'the quick brown fox jumps over lazy dog shipping timeline today loads twice fast keeps your place new posts'.split(' ');
const prose = (seed: number) => randomText(seed, WORDS.map((w) => `${w} `));

describe('small edits get the letter-by-letter diff', () => {
  test('ops rebuild both texts and never split a user-perceived character', () => {
    fc.assert(
      fc.property(text(40), fc.array(edit, { maxLength: 3 }), (a, edits) => {
        const b = historyOf(a, edits).at(-1)!;
        expectExact(a, b, diffTexts(a, b).ops);
      }),
      { numRuns: 1000 },
    );
  });

  test('one change anywhere in a text of up to 10,000 units is shown as just that change, letter by letter', () => {
    const word = fc.string({ unit: fc.constantFrom(...'abcdefgh .,#@'), minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(fc.array(word, { maxLength: 400 }), fc.nat(), fc.nat({ max: 20 }), fc.string({ unit: 'grapheme-ascii', maxLength: 20 }), (parts, at, remove, insert) => {
        const a = parts.join('').slice(0, MAX_UNITS - 20);
        const b = applyEdit(a, { at, remove, insert });
        const { granularity, ops } = diffTexts(a, b);
        expect(granularity).toBe('character');
        expectExact(a, b, ops);
        expect(changed(ops)).toBeLessThanOrEqual(Math.min(remove, a.length) + insert.length);
      }),
      { numRuns: 300 },
    );
  });

  test('text only added or only removed, however long, is shown as just that', () => {
    const [short, long] = ['Read this: ', `Read this: ${urls(1)}`];
    expect(diffTexts(short, long)).toEqual({ granularity: 'character', ops: [[0, short], [1, long.slice(short.length)]] });
    expect(diffTexts(long, short)).toEqual({ granularity: 'character', ops: [[0, short], [-1, long.slice(short.length)]] });
  });

  test('edits far apart in a long text each show as themselves', () => {
    const a = urls(1);
    const b = `${a.slice(0, 100)}!${a.slice(101, 9000)}@@${a.slice(9000)}`; // neither ! nor @ is in a
    const { granularity, ops } = diffTexts(a, b);
    expect(granularity).toBe('character');
    expect(ops.filter(([op]) => op !== 0)).toEqual([[-1, a[100]], [1, '!'], [1, '@@']]);
  });

  test('reads as a person would describe the change', () => {
    const ops = (a: string, b: string) => {
      const diff = diffTexts(a, b);
      expect(diff.granularity).toBe('character');
      return diff.ops;
    };
    expect(ops('Hello world', 'Hello brave world')).toEqual([[0, 'Hello '], [1, 'brave '], [0, 'world']]);
    expect(ops('Hello world', 'Hello wide world')).toEqual([[0, 'Hello '], [1, 'wide '], [0, 'world']]);
    // semantic cleanup: whole words, not a salad of shared letters
    expect(ops('The cat sat on the mat', 'The dog sat on a rug')).toEqual([
      [0, 'The '], [-1, 'cat'], [1, 'dog'], [0, ' sat on '], [-1, 'the mat'], [1, 'a rug'],
    ]);
    expect(ops('mouse', 'sofas')).toEqual([[-1, 'mouse'], [1, 'sofas']]);
    expect(ops('same', 'same')).toEqual([[0, 'same']]);
    expect(ops('', '')).toEqual([]);
    // a family emoji changes as a whole, not as a dangling ZWJ sequence
    expect(ops('hi 👨‍👩‍👧!', 'hi 👨‍👩‍👦!')).toEqual([[0, 'hi '], [-1, '👨‍👩‍👧'], [1, '👨‍👩‍👦'], [0, '!']]);
    expect(ops('café', 'cafe\u0300')).toEqual([[0, 'caf'], [-1, 'é'], [1, 'e\u0300']]);
    expect(ops('I 😀 it', 'I 😃 it')).toEqual([[0, 'I '], [-1, '😀'], [1, '😃'], [0, ' it']]);
  });
});

describe('large differences: coarser, still exact', () => {
  test('a rewrite that keeps many words is compared word by word', () => {
    // 30 of 60 words replaced by longer ones: too many letters for a letter diff, few enough words for a word diff
    const a = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');
    const b = Array.from({ length: 60 }, (_, i) => (i % 2 ? `w${i}` : `replacement${i}`)).join(' ');
    const { granularity, ops } = diffTexts(a, b);
    expect(granularity).toBe('word');
    expectExact(a, b, ops);
    // the first replaced words are compared letter by letter, until that allowance is spent; the rest show whole
    expect(ops.slice(0, 3)).toEqual([[-1, 'w'], [1, 'replacement'], [0, '0 w1 ']]);
    expect(ops).toContainEqual([-1, 'w56']);
    expect(ops).toContainEqual([1, 'replacement56']);
  });

  test('short replaced words in a word diff are compared letter by letter again', () => {
    // 4 words with 10 letters changed each: too many letters for a letter diff of the whole, few enough words
    const word = (i: number, tail: string) => (i % 7 === 3 ? `abcdefghij${tail}${i}` : `w${i}`);
    const a = Array.from({ length: 30 }, (_, i) => word(i, 'klmnopqrst')).join(' ');
    const b = Array.from({ length: 30 }, (_, i) => word(i, 'KLMNOPQRST')).join(' ');
    const { granularity, ops } = diffTexts(a, b);
    expect(granularity).toBe('character');
    expectExact(a, b, ops);
    expect(ops.filter(([op]) => op !== 0)).toEqual(Array.from({ length: 4 }, () => [[-1, 'klmnopqrst'], [1, 'KLMNOPQRST']]).flat());
  });

  test('texts with little in common are one replacement between their common start and end', () => {
    const [a, b] = [urls(1), urls(100)];
    const { granularity, ops } = diffTexts(a, b);
    expect(granularity).toBe('whole');
    expect(ops).toEqual([[0, 'https://example0.com/'], [-1, a.slice(21)], [1, b.slice(21)]]);
  });

  // Texts that made the unbounded search quadratic (or worse), each at most 10,000 units.
  const family = '👨‍👩‍👧';
  const astral = String.fromCodePoint(...Array.from({ length: 4999 }, (_, i) => 0x20000 + i));
  const cases: [name: string, a: string, b: string][] = [
    ['long random URLs', urls(1), urls(2)],
    ['random letters', randomText(3, ALNUM), randomText(4, ALNUM)],
    ['random a/b', randomText(5, ['a', 'b']), randomText(6, ['a', 'b'])],
    ['random one-letter words', randomText(7, ['a ', 'b ', '. ']), randomText(8, ['a ', 'b ', '. '])],
    ['prose vs prose', prose(9), prose(10)],
    ['prose reversed', prose(9), [...prose(9)].reverse().join('')],
    ["'a.' shifted", 'a.'.repeat(5000), '.a'.repeat(5000)],
    ['runs swapped', 'a'.repeat(5000) + 'b'.repeat(5000), 'b'.repeat(5000) + 'a'.repeat(5000)],
    ['ends swapped', `x${'a'.repeat(9998)}y`, `y${'a'.repeat(9998)}x`],
    ['an insertion inside a long run', `Q${'ab'.repeat(2400)}Z${'x'.repeat(100)}W`, `R${'ab'.repeat(2430)}Z${'x'.repeat(100)}V`],
    ['regional indicators shifted by one', '🇺🇸'.repeat(2500), `🇸${'🇺🇸'.repeat(2499)}🇺`],
    ['combining marks', `${'e\u0301'.repeat(2500)}x${'a\u0300'.repeat(2499)}`, `${'a\u0300'.repeat(2500)}y${'e\u0301'.repeat(2499)}`],
    ['emoji families', randomText(11, [family, '👍🏽', '🇸🇪', ' ']), randomText(12, [family, '👍🏿', '🇺🇸', ' '])],
    ['astral code points shifted', astral, `x${astral.slice(2)}y`],
    ['CJK', randomText(13, [...'日本語中文字漢字東京大阪北京上海我你他的是在有不了人']), randomText(14, [...'日本語中文字漢字東京大阪北京上海我你他的是在有不了人'])],
    ['CRLF against LF', '\r\n'.repeat(5000), '\n'.repeat(5000)],
    ['lone surrogates', randomText(15, ['\ud83d', '\ude00', 'a', '😀']), randomText(16, ['\ude00', '\ud83d', 'b', '😀'])],
    ['empty against long', '', urls(3)],
  ];
  test.each(cases)('%s: exact', (_name, a, b) => {
    expect(a.length).toBeLessThanOrEqual(MAX_UNITS);
    expect(b.length).toBeLessThanOrEqual(MAX_UNITS);
    expectExact(a, b, diffTexts(a, b).ops);
    expectExact(b, a, diffTexts(b, a).ops);
  });

  test('any two long texts, related or not: exact', () => {
    const big = fc.string({ unit: fc.oneof(fc.constantFrom(...TRICKY), fc.constantFrom('the ', 'a', '.', ' ', 'https://x.co/')), maxLength: 2500 });
    const pair = fc.oneof(
      fc.tuple(big, big),
      fc.tuple(big, fc.array(edit, { maxLength: 60 })).map(([a, edits]) => [a, historyOf(a, edits).at(-1)!] as const),
    );
    fc.assert(
      fc.property(pair, ([a, b]) => expectExact(a, b, diffTexts(a, b).ops)),
      { numRuns: 150 },
    );
  });
});

// The search analyzer and query parser: what both engines index and match (search/analyze.ts, search/query.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInput, tagKey } from '@tweetstore/core';
import { documentTerms, fold, matchesQuery, MAX_QUERY_TERMS, MAX_TERM_LENGTH, parseSearchQuery, wordTerms } from '../src/index.ts';

/** wordTerms as the rule reads: one regular expression finds the tokens (slow in V8: analyze.ts finds the same faster). */
function plainWordTerms(text: string): string[] {
  const segmenter = new Intl.Segmenter('ja', { granularity: 'word' });
  const terms: string[] = [];
  for (const token of fold(text).match(/\p{RGI_Emoji}|[\p{L}\p{N}\p{M}_]+/gv) ?? []) {
    if (/^\p{RGI_Emoji}/v.test(token)) terms.push(token.replace(/[\u{1F3FB}-\u{1F3FF}\uFE0E\uFE0F]/gu, '') || token);
    else if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u.test(token)) {
      for (const s of segmenter.segment(token)) if (s.isWordLike) terms.push(s.segment.slice(0, MAX_TERM_LENGTH));
    } else terms.push(token.slice(0, MAX_TERM_LENGTH));
  }
  return terms;
}

describe('fold and wordTerms', () => {
  it('folds case, accents and width, and keeps Japanese voicing marks', () => {
    expect(fold('Café ÀÉÎÕÜ')).toBe('cafe aeiou');
    expect(fold('ＦＵＬＬ ﾃｽﾄ')).toBe('full テスト');
    expect(fold('ガイド')).toBe('ガイド');
    expect(fold('Ωμέγα')).toBe('ωμεγα');
  });

  it('cuts CJK and Thai runs into words, and keeps each emoji sequence as one term without skin tones', () => {
    expect(wordTerms('今日は良い天気ですね')).toContain('天気');
    expect(wordTerms('我们明天见')).toContain('明天');
    expect(wordTerms('สวัสดีครับ')).toEqual(['สวัสดี', 'ครับ']);
    expect(wordTerms('go 👍🏽 👨‍👩‍👧 🇩🇪 ❤️ 1️⃣ done')).toEqual(['go', '👍', '👨‍👩‍👧', '🇩🇪', '❤', '1⃣', 'done']);
    expect(wordTerms("e-mail don't")).toEqual(['e', 'mail', 'don', 't']);
  });

  it('finds the terms one pass of the emoji-or-word pattern finds, reading only the parts that may hold emoji with it', () => {
    // the analyzer as first written, every text through the emoji pattern: the rule the shortcut must keep
    const emoji = /^\p{RGI_Emoji}/v;
    const bare = (t: string) => t.replace(/[\u{1F3FB}-\u{1F3FF}\uFE0E\uFE0F]/gu, '') || t;
    const once = (text: string) =>
      (fold(text).match(/\p{RGI_Emoji}|[\p{L}\p{N}\p{M}_]+/gv) ?? []).flatMap((t) => (emoji.test(t) ? [bare(t)] : wordTerms(t)));
    const pieces = ['go', 'Café', ' ', '  ', '\n', '-', '👍🏽', '🏻', '👨‍👩‍👧', '🇩🇪', '🇩', '❤️', '1️⃣', '#️⃣', '1⃣', '©', '今日は良い天気', 'x_1', '_', '😀😀', 'e\u0301'];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        expect(wordTerms(text)).toEqual(once(text));
      }),
    );
  });

  it('finds the tokens one regular expression of RGI emoji and word runs finds, in any mix of emoji parts and letters', () => {
    const pieces = ['a', 'Z', 'é', '1', '9', '#', '*', '_', ' ', '-', '\uFE0F', '\uFE0E', '\u20E3', '\u200D', '👍', '🏽', '🇯', '🇵', '🏴', '\u{E0067}', '\u{E0062}', '\u{E0065}', '\u{E007F}', '❤', '🔥', '💋', '👨', '👩', '👧', '🧑', '🤝', '©', '™', 'ℹ', '↔', '⌚', '日', '本', 'ก', 'ー', '\u0301'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 24 }), (parts) => {
        const text = parts.join('');
        expect(wordTerms(text), JSON.stringify(text)).toEqual(plainWordTerms(text));
      }),
      { numRuns: 3000 },
    );
    for (const text of ['go 👍🏽 👨‍👩‍👧 🇩🇪 ❤️ 1️⃣ #️⃣ done', '🏴󠁧󠁢󠁥󠁮󠁧󠁿 🧑🏻‍❤️‍💋‍🧑🏼 a1️⃣ 1️⃣a ©️ ©', '🔥🔥🔥 ok']) expect(wordTerms(text)).toEqual(plainWordTerms(text));
  });

  it('gives a part that holds emoji the same terms when it is read again, and after the remembered parts were forgotten', () => {
    const text = 'go 🔥🔥 x👍🏽y 1️⃣';
    const terms = ['go', '🔥', '🔥', 'x', '👍', 'y', '1⃣'];
    for (const [t, expected] of [[text, terms], ['🔥🔥', ['🔥', '🔥']]] as const) {
      const first = wordTerms(t);
      expect(first).toEqual(expected);
      first.push('changed by its caller');
      expect(wordTerms(t)).toEqual(expected);
    }
    // more distinct parts than are kept: the memory is emptied and filled again
    for (let i = 0; i < 5000; i++) expect(wordTerms(`🔥${i}`)).toEqual(['🔥', String(i)]);
    expect(wordTerms(text)).toEqual(terms);
  });

  it('makes #tag and @user terms from the facts, and the hashtag text a word too', () => {
    expect(documentTerms('learning #Rust with @Ada', ['Rust'], ['Ada'])).toEqual({ words: ['learning', 'rust', 'with', 'ada'], marks: ['#rust', '@ada'] });
    expect(tagKey('#ＴｙｐｅScript')).toBe('typescript');
  });
});

describe('parseSearchQuery', () => {
  it('parses words, the last one a prefix, phrases, tags, mentions, from: and exclusions', () => {
    expect(parseSearchQuery('Hello "Big World" #Rust @Ada from:Bob -spam -"bad words" -#x -from:eve wor')).toEqual({
      must: [
        { terms: ['hello'], prefixLast: false },
        { terms: ['big', 'world'], prefixLast: false },
        { terms: ['#rust'], prefixLast: false },
        { terms: ['@ada'], prefixLast: false },
        { terms: ['wor'], prefixLast: true },
      ],
      from: ['bob'],
      not: [
        { terms: ['spam'], prefixLast: false },
        { terms: ['bad', 'words'], prefixLast: false },
        { terms: ['#x'], prefixLast: false },
      ],
      notFrom: ['eve'],
    });
    expect(parseSearchQuery('hello ').must).toEqual([{ terms: ['hello'], prefixLast: false }]);
    expect(parseSearchQuery('hello -x').must).toEqual([{ terms: ['hello'], prefixLast: false }]);
    expect(parseSearchQuery('e-mail').must).toEqual([{ terms: ['e', 'mail'], prefixLast: true }]);
    expect(parseSearchQuery('a - b').must.map((p) => p.terms)).toEqual([['a'], ['b']]);
  });

  it('refuses a query with nothing to find or too many terms', () => {
    for (const q of ['-spam', '?!', '""', '-from:bob', '#']) expect(() => parseSearchQuery(q), q).toThrow(InvalidInput);
    expect(() => parseSearchQuery(Array.from({ length: MAX_QUERY_TERMS + 1 }, (_, i) => `w${i}`).join(' '))).toThrow(InvalidInput);
  });

  it('matches a document by the same rules', () => {
    const doc = { ...documentTerms('the quick brown fox #Animals', ['Animals'], []), author: 'ada' };
    expect(matchesQuery(parseSearchQuery('quick fo'), doc)).toBe(true);
    expect(matchesQuery(parseSearchQuery('"brown quick"'), doc)).toBe(false);
    expect(matchesQuery(parseSearchQuery('#animals from:ADA'), doc)).toBe(true);
    expect(matchesQuery(parseSearchQuery('fox -from:ada'), doc)).toBe(false);
    expect(matchesQuery(parseSearchQuery('fox -brown'), doc)).toBe(false);
  });
});

import fc from 'fast-check';
import twitterText from 'twitter-text';
import { describe, expect, it } from 'vitest';
import { MAX_WEIGHTED_LENGTH, normalizeContent, parseContent, weigh, weightedLength } from '../src/text.ts';

describe('NFC normalisation', () => {
  const decomposed = 'cafe\u0301 #cafe\u0301';
  const composed = 'caf\u00e9 #caf\u00e9';

  it('normalises a decomposed string to the composed one', () => {
    expect(normalizeContent(decomposed)).toBe(composed);
    expect(normalizeContent('\u2126')).toBe('\u03a9'); // OHM SIGN -> GREEK CAPITAL OMEGA
  });

  it('parses and counts a decomposed string as the composed one', () => {
    expect(parseContent(decomposed)).toEqual(parseContent(composed));
    expect(parseContent(decomposed)).toMatchObject({ content: composed, weightedLength: 10, hashtags: ['caf\u00e9'] });
    expect(weightedLength('e\u0301')).toBe(1);
  });
});

describe('weighted length', () => {
  it('counts CJK as 2 per character', () => {
    expect(weightedLength('你好世界')).toBe(8);
    expect(weightedLength('こんにちは')).toBe(10);
    expect(weightedLength('한국어')).toBe(6);
    expect(parseContent('字'.repeat(140))).toMatchObject({ weightedLength: MAX_WEIGHTED_LENGTH, valid: true });
    expect(parseContent('字'.repeat(141))).toMatchObject({ weightedLength: 282, valid: false });
  });

  it('counts Latin as 1 per character', () => {
    expect(weightedLength('hello')).toBe(5);
    expect(parseContent('a'.repeat(280)).valid).toBe(true);
    expect(parseContent('a'.repeat(281)).valid).toBe(false);
  });

  it.each([
    'https://example.com',
    `https://example.com/${'a'.repeat(200)}`,
    'http://x.co',
    'example.com/path?q=1',
  ])('counts the URL %s as 23', (url) => {
    expect(weightedLength(url)).toBe(23);
    expect(weightedLength(`see ${url}`)).toBe(4 + 23);
  });

  // text.ts re-does parseTweet's loop with its own emoji matcher: where twemoji-parser is right, both must agree.
  it('agrees with twitter-text parseTweet v3 on text whose emoji twemoji-parser handles', () => {
    const pieces = ['a', 'Z', '7', ' ', '.', '/', ':', '#', '@', '_', '-', '?', '=', 'é', 'e\u0301', 'ß', '字', 'ｶ', '한', '\u2026', '\u201C',
      '\u00A9\uFE0F', 'http://', 'https://', 'www.', 'example.com', 't.co/', 'x.org', '😀', '👍🏽', '🇯🇵', '❤️', '👨\u200D💻', '1️⃣', '\u{1F9CC}'];
    const text = fc.array(fc.constantFrom(...pieces), { maxLength: 160 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (t) => {
        const theirs = twitterText.parseTweet(t, twitterText.configs.version3);
        const ours = parseContent(t);
        expect({ weightedLength: ours.weightedLength, valid: ours.valid }).toEqual({ weightedLength: theirs.weightedLength, valid: theirs.valid });
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects empty text and the three invalid characters', () => {
    expect(parseContent('').valid).toBe(false);
    for (const bad of ['\ufffe', '\ufeff', '\uffff']) expect(parseContent(`ok${bad}`).valid).toBe(false);
  });
});

describe('entity extraction', () => {
  it('extracts hashtags, mentions and urls without their sigils, as written', () => {
    expect(parseContent('Hi @Alice, see #TypeScript at https://example.com/x?y=1 and @bob_2')).toMatchObject({
      hashtags: ['TypeScript'],
      mentions: ['Alice', 'bob_2'],
      urls: ['https://example.com/x?y=1'],
    });
  });

  it('lists each entity once, in order of first appearance, keeping the first spelling', () => {
    const parsed = parseContent('#Foo @Bob #bar #foo @bob @carol http://a.com/P http://a.com/P http://a.com/p #FOO');
    expect(parsed.hashtags).toEqual(['Foo', 'bar']);
    expect(parsed.mentions).toEqual(['Bob', 'carol']);
    expect(parsed.urls).toEqual(['http://a.com/P', 'http://a.com/p']);
  });
});

describe('parseContent against twitter-text itself', () => {
  // parseContent extracts URLs once and shares them with the hashtag overlap check and the weighted length;
  // the answers must stay exactly those of twitter-text's own functions, also where hashtags sit inside URLs.
  const piece = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.webUrl({ withFragments: true, withQueryParameters: true }),
    fc.constantFrom('#tag', '＃全角', '#日本語', 'http://x.com/#notatag', 'example.com/#frag', '@user', '@list/slug', '🇯🇵', '👍🏽', 'x.orga🇯🇵x.org/', ' ', '.', '#', 'a#b'),
  );
  it('answers with twitter-text extractHashtags, extractMentions, extractUrls and parseTweet on random text', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
        const text = normalizeContent(pieces.join(''));
        const parsed = parseContent(text);
        const firstOf = (items: string[], fold: boolean) => items.filter((x, i) => items.findIndex((y) => (fold ? y.toLowerCase() === x.toLowerCase() : y === x)) === i);
        expect(parsed.hashtags).toEqual(firstOf(twitterText.extractHashtags(text), true));
        expect(parsed.mentions).toEqual(firstOf(twitterText.extractMentions(text), true));
        expect(parsed.urls).toEqual(firstOf(twitterText.extractUrls(text), false));
        expect(parsed.weightedLength).toBe(weightedLength(text));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('weigh with a limit', () => {
  // The API counts only until a text is surely over the limit; where it answers, it must answer as the full count.
  const piece = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    fc.webUrl(),
    fc.constantFrom(' ', 'e.co', 'a.co/x ', '😀', '👨\u200D💻', '字', '#tag', '@user', 'x.orga🇯🇵x.org/', '\u200D', 'q_y.co.'),
  );
  it('is the full count while it is within the limit, and past it a lower bound over the limit', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.integer({ min: 0, max: 120 }), (pieces, limit) => {
        const text = normalizeContent(pieces.join(''));
        const full = weigh(text);
        const bounded = weigh(text, limit);
        expect(full.exact).toBe(true);
        if (bounded.exact) expect(bounded).toEqual(full);
        else {
          expect(bounded.weightedLength).toBeGreaterThan(limit);
          expect(bounded.weightedLength).toBeLessThanOrEqual(full.weightedLength);
        }
        if (full.weightedLength <= limit) expect(bounded.exact).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('counts text with no URL past the limit to the end', () => {
    expect(weigh('a'.repeat(300), MAX_WEIGHTED_LENGTH)).toMatchObject({ weightedLength: 300, exact: true });
    expect(weigh(`see https://example.com ${'字'.repeat(200)}`, MAX_WEIGHTED_LENGTH)).toMatchObject({ weightedLength: 428, exact: true });
  });

  it('stops before the first URL past the limit', () => {
    const text = `${'a'.repeat(290)} e.co ${'x.co '.repeat(100)}`;
    expect(weigh(text, MAX_WEIGHTED_LENGTH)).toMatchObject({ weightedLength: 290, exact: false });
    expect(weigh(text).weightedLength).toBe(290 + 1 + 23 + 1 + 100 * 24);
  });
});

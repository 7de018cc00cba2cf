import fc from 'fast-check';
import twitterText from 'twitter-text';
import { describe, expect, it } from 'vitest';
import { extractUrls } from '../src/urls.ts';

const { regexen } = twitterText;
const plain = (text: string) => twitterText.extractUrlsWithIndices(text);

describe('the URL regex as src/urls.ts reads it', () => {
  // urls.ts re-creates the regex's choices from these parts; if twitter-text spelled its regex otherwise, it would be wrong.
  it('is the preceding character, an optional protocol, the domain, then optional port, path and query', () => {
    const suffix = `(?::(${regexen.validPortNumber.source}))?(\\/${regexen.validUrlPath.source}*)?(\\?${regexen.validUrlQueryChars.source}*${regexen.validUrlQueryEndingChars.source})?`;
    expect(regexen.extractUrl.source).toBe(`((${regexen.validUrlPrecedingChars.source})((https?:\\/\\/)?(${regexen.validDomain.source})${suffix}))`);
    expect(regexen.extractUrl.flags).toBe('gi');
  });

  it('has a domain of dotted labels, `-` or `_` inside subdomains and `-` inside the last, then a TLD', () => {
    const d = regexen.validDomainChars.source;
    const tld = `(?:${regexen.validGTLD.source}|${regexen.validCCTLD.source}|${regexen.validPunycode.source})`;
    expect(regexen.validDomain.source).toBe(`(?:${regexen.validSubdomain.source}*${regexen.validDomainName.source}${tld})`);
    expect(regexen.validSubdomain.source).toBe(`(?:(?:${d}(?:[_-]|${d})*)?${d}\\.)`);
    expect(regexen.validDomainName.source).toBe(`(?:(?:${d}(?:-|${d})*)?${d}\\.)`);
    for (const c of ['.', '-', '_', '/', ':', '?', ' ']) expect(regexen.validDomainChars.test(c)).toBe(false);
  });
});

describe('extractUrls answers as twitter-text extractUrlsWithIndices', () => {
  // Few letters and many dots, dashes, underscores and TLDs, so that labels, chains and their breaks are common.
  const domainish = fc.constantFrom(
    'a', 'b', 'Z', '7', 'é', 'ü', '字', 'ﾟ', '😀', 'ſ', '\u212A', '.', '.', '.', '-', '_', '/', ':', '?', '#', '@', '$', '(', ')', '!', '=', '&', ',',
    ' ', '\u200F', '\u202E', '\uFE0F', '\u200D', '\uFEFF', 'com', 'co', 'jp', 'xn--p1ai', 'xn--', '中国', '香港', 'onion', 'http://', 'https://',
    'HTTP://', 't.co/', 'www.', '8080', '.com', '.co.jp', 'x.org/', '\u3002', '\uFF0E', '\uFF61', 'xn--abc', 'xn--p1ai.', '\x01', 'a'.repeat(62),
    'b'.repeat(64), 'https://t.co/', '0123456789abcdefghij',
  );
  /** Texts joined from up to `count` pieces, each answered as twitter-text answers it. */
  const agreesOn = (piece: fc.Arbitrary<string>, count: number, numRuns: number) =>
    fc.assert(
      fc.property(fc.array(piece, { maxLength: count }), (pieces) => {
        const text = pieces.join('');
        expect(extractUrls(text)).toEqual(plain(text));
      }),
      { numRuns },
    );

  it('on text built from the pieces of domains, paths and protocols', () => agreesOn(domainish, 40, 5000));

  it('on random text with URLs in it', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
      fc.webUrl({ withFragments: true, withQueryParameters: true }),
      fc.domain(),
      domainish,
    );
    agreesOn(piece, 16, 2000);
  });

  it('at the length limits: URLs of 4,096 characters with their protocol, labels of 63, t.co slugs of 40', () => {
    const cases = [
      `https://a.co/${'x'.repeat(4096 - 13)} x`,
      `https://a.co/${'x'.repeat(4096 - 12)} x`,
      `a.co/${'x'.repeat(4096 - 13)} x`, // https:// assumed
      `a.co/${'x'.repeat(4096 - 12)} x`,
      `${'a'.repeat(63)}.com ${'a'.repeat(64)}.com`,
      `${'é'.repeat(50)}.com ${'é'.repeat(58)}.com ${'é'.repeat(59)}.com`,
      `${'a.'.repeat(2040)}co`,
      `https://t.co/${'a'.repeat(40)} https://t.co/${'a'.repeat(41)} http://t.co/abc/path?x=1`,
    ];
    for (const text of cases) expect(extractUrls(text)).toEqual(plain(text));
  });

  it('takes a domain punycode cannot encode for text, where twitter-text throws', () => {
    const text = `${'a'.repeat(3000)}\u{10FFFF}.com`;
    expect(() => plain(text)).toThrow(/Overflow/);
    expect(extractUrls(text)).toEqual([]);
  });

  // The shapes on which twitter-text's regex backtracks, long enough to show it, short enough for it to answer.
  it.each([
    ['a.', 'a.'],
    ['dotted CJK', '字.'],
    ['dotted half-width katakana', 'ﾟ.'],
    ['labels broken by a dash', 'a.a-.'],
    ['underscores before TLDs', 'q_y.co.'],
    ['TLDs in a long chain', 'ab.co.'],
    ['a path of dotted labels', 'x.co/a.'],
    ['protocols', 'http://a.'],
    ['URLs', 'e.co '],
    ['parentheses in a path', 'a.co/(b('],
  ])('on %s repeated', (_, unit) => {
    const text = unit.repeat(Math.ceil(1500 / unit.length));
    expect(extractUrls(text)).toEqual(plain(text));
    expect(extractUrls(`${text}example.com`)).toEqual(plain(`${text}example.com`));
  });
});

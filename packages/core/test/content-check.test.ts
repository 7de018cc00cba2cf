import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { characterProblem, checkContent, MAX_CONTENT_CODE_UNITS } from '../src/content-check.ts';
import { createTweetInput } from '../src/schemas.ts';
import { parseContent } from '../src/text.ts';

const ruleOf = (raw: string) => checkContent(raw).problem?.rule ?? null;

describe('checkContent', () => {
  it('accepts what parseContent calls valid and the character rules allow, parsed as parseContent parses it', () => {
    const piece = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 10 }), fc.webUrl(), fc.constantFrom(' ', '#tag', '@user', 'e.co', '😀', '字', 'cafe\u0301'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const raw = pieces.join('');
        const { parsed, problem, weighed } = checkContent(raw);
        const plain = parseContent(raw);
        expect(parsed !== null).toBe(plain.valid && characterProblem(plain.content) === null);
        if (parsed) expect(parsed).toEqual(plain);
        if (problem?.rule === 'length') expect(plain.weightedLength).toBeGreaterThanOrEqual(weighed!.weightedLength);
        if (weighed?.exact) expect(weighed.weightedLength).toBe(plain.weightedLength);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['size', 'a'.repeat(MAX_CONTENT_CODE_UNITS + 1)],
    ['unicode', 'lone \uD83D surrogate'],
    ['control', 'NUL \0 inside'],
    ['control', 'a bell\x07'],
    ['control', 'over\rwritten'],
    ['empty', ''],
    ['blank', '   \n\t'],
    ['blank', '\u200B\u2800\u3164\u2060'],
    ['length', 'a'.repeat(281)],
    ['character', 'ok\uFFFE'],
  ])('refuses by the %s rule: %j', (rule, raw) => {
    expect(ruleOf(raw)).toBe(rule);
  });

  it('accepts tab and line breaks, LF or CRLF', () => {
    expect(checkContent('one\ttwo\nthree\r\nfour').parsed?.content).toBe('one\ttwo\nthree\r\nfour');
  });

  it('counts text far over the limit only until that is sure, and says so', () => {
    const { problem, weighed } = checkContent(`${'a'.repeat(300)} ${'e.co '.repeat(1900)}`);
    expect(weighed).toEqual({ weightedLength: 300, exact: false });
    expect(problem).toEqual({ rule: 'length', message: 'content is at least 300 weighted characters; the limit is 280' });
    expect(checkContent('a'.repeat(300)).problem?.message).toBe('content is 300 weighted characters; the limit is 280');
  });
});

describe('contentSchema', () => {
  it('refuses invisible-only content with a field issue naming the rule', () => {
    const result = createTweetInput.safeParse({ content: '\u200B\u2800\u3164\u2060' });
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['content'], message: 'content must contain a visible character' })]);
  });
});

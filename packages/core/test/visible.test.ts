import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasControlCharacter, isBlank } from '../src/visible.ts';

const INVISIBLE = {
  'empty text': '',
  'spaces, tabs and line breaks': ' \t\n\r\n\u00A0\u2003\u3000\u2028',
  'U+200B ZERO WIDTH SPACE': '\u200B',
  'U+2060 WORD JOINER': '\u2060',
  'U+FEFF ZERO WIDTH NO-BREAK SPACE': '\uFEFF',
  'U+00AD SOFT HYPHEN': '\u00AD',
  'U+034F COMBINING GRAPHEME JOINER': '\u034F',
  'ZWJ and ZWNJ': '\u200D\u200C',
  'bidi marks and overrides': '\u200E\u200F\u202E\u2066\u2069\u061C',
  'variation selectors': '\uFE0F\uFE00\u{E0100}',
  'tag characters': '\u{E0061}\u{E0062}\u{E007F}',
  'U+2800 BRAILLE PATTERN BLANK': '\u2800',
  'U+3164 HANGUL FILLER': '\u3164',
  'U+115F and U+1160 HANGUL CHOSEONG and JUNGSEONG FILLER': '\u115F\u1160',
  'U+FFA0 HALFWIDTH HANGUL FILLER': '\uFFA0',
  'U+1D159 MUSICAL SYMBOL NULL NOTEHEAD': '\u{1D159}',
  'U+180E MONGOLIAN VOWEL SEPARATOR': '\u180E',
  'NUL and other controls': '\0\x07\x1B\x7F\x85\x9B',
};

describe('isBlank', () => {
  it.each(Object.entries(INVISIBLE))('is true for %s', (_, text) => {
    expect(isBlank(text)).toBe(true);
  });

  it('is true for any mix of those', () => {
    const invisible = fc.constantFrom(...[...Object.values(INVISIBLE).join('')]);
    fc.assert(
      fc.property(fc.array(invisible, { maxLength: 20 }), (chars) => {
        expect(isBlank(chars.join(''))).toBe(true);
      }),
    );
  });

  it.each([
    ['a letter', 'a'],
    ['a digit', '0'],
    ['punctuation', '.'],
    ['an emoji', '😀'],
    ['a CJK character', '字'],
    ['a combining accent alone', '\u0301'],
    ['a Braille pattern with dots', '\u2801'],
    ['a Hangul syllable', '한'],
  ])('is false when the text holds %s among invisible characters', (_, visible) => {
    expect(isBlank(visible)).toBe(false);
    expect(isBlank(`\u200B\u3164 ${visible}\u2800\n`)).toBe(false);
  });
});

describe('hasControlCharacter', () => {
  it('lets multi-line text keep tab, LF and CRLF', () => {
    expect(hasControlCharacter('one\ttwo\nthree\r\nfour', 'multi-line')).toBe(false);
  });

  it.each([
    ['NUL', '\0'],
    ['BEL', '\x07'],
    ['ESC (terminal escape sequences)', '\x1B[2J'],
    ['a carriage return alone', 'over\rwritten'],
    ['DEL', '\x7F'],
    ['NEL (U+0085)', '\x85'],
    ['CSI (U+009B)', '\x9B'],
  ])('refuses %s in multi-line text', (_, control) => {
    expect(hasControlCharacter(`text ${control} more`, 'multi-line')).toBe(true);
  });

  it('refuses every control in a one-line field, tab and line breaks included', () => {
    for (const c of ['\t', '\n', '\r\n', '\0']) expect(hasControlCharacter(`a${c}b`, 'one-line')).toBe(true);
    expect(hasControlCharacter('Ada Lovelace 👩‍💻', 'one-line')).toBe(false);
  });
});

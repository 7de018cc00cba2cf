// Every current emoji counts as 2. @twemoji/parser 17.0.2 fails this for 165 of these (see text.ts), so text.ts finds emoji itself.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { MAX_WEIGHTED_LENGTH, parseContent, weightedLength } from '../src/text.ts';

interface EmojibaseEmoji {
  label: string;
  hexcode: string;
  emoji: string;
  version: number;
  skins?: EmojibaseEmoji[];
}

// Emoji versions the Unicode data we count against must cover (Unicode 15.1, September 2023).
const MAX_EMOJI_VERSION = 15.1;

function emojibase(): EmojibaseEmoji[] {
  const path = createRequire(import.meta.url).resolve('emojibase-data/en/data.json');
  return JSON.parse(readFileSync(path, 'utf8')) as EmojibaseEmoji[];
}

describe('emoji weight', () => {
  it(`every fully-qualified emoji up to Emoji ${MAX_EMOJI_VERSION}, skin tones included, weighs 2`, () => {
    const emoji = emojibase()
      .flatMap((entry) => [entry, ...(entry.skins ?? [])])
      .filter((entry) => entry.version <= MAX_EMOJI_VERSION);
    const failures = emoji
      .map((entry) => ({ entry, length: weightedLength(entry.emoji) }))
      .filter(({ length }) => length !== 2)
      .map(({ entry, length }) => `${entry.emoji} ${entry.hexcode} (${entry.label}, E${entry.version}) weighs ${length}`);
    expect(emoji.length).toBeGreaterThan(3500); // the data really was read
    expect(failures).toEqual([]);
  });

  it.each([
    { name: 'single code point', emoji: '😀' },
    { name: 'ZWJ family', emoji: '👨\u200d👩\u200d👧\u200d👦' },
  ])(`140 of $name is valid at ${MAX_WEIGHTED_LENGTH}, 141 is not`, ({ emoji }) => {
    expect(parseContent(emoji.repeat(140))).toMatchObject({ weightedLength: 280, valid: true });
    expect(parseContent(emoji.repeat(141))).toMatchObject({ weightedLength: 282, valid: false });
  });
});

// twitter-text's own conformance data, read at test time (upstream asks not to hard-code the cases).
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import twitterText from 'twitter-text';
import { describe, expect, it } from 'vitest';
import { parseContent, weightedLength } from '../src/text.ts';
import { extractUrls } from '../src/urls.ts';

interface Case<Expected> {
  description: string;
  text: string;
  expected: Expected;
}
type Sections = Record<string, Case<unknown>[]>;

function loadFixture(name: string): Sections {
  const raw = readFileSync(new URL(`./fixtures/twitter-text/${name}`, import.meta.url), 'utf8');
  return (yaml.load(raw) as { tests: Sections }).tests;
}

/** A section's cases as [description, case] rows, so each test is named by its full description. */
function section<Expected>(sections: Sections, name: string): [string, Case<Expected>][] {
  const cases = sections[name];
  if (!cases || cases.length === 0) throw new Error(`conformance section ${name} is missing or empty`);
  return (cases as Case<Expected>[]).map((c) => [c.description, c]);
}

type ParseResult = ReturnType<typeof twitterText.parseTweet>;
const validate = loadFixture('validate.yml');
const extract = loadFixture('extract.yml');
const { configs } = twitterText;

// Configs as the fixtures' README (and upstream's JS harness) prescribes per section; undefined = library default.
describe.each([
  ['WeightedTweetsCounterTest', configs.version2],
  ['WeightedTweetsWithDiscountedEmojiCounterTest', configs.version3],
  ['UnicodeDirectionalMarkerCounterTest', undefined],
] as const)('validate.yml %s: twitter-text parseTweet', (name, config) => {
  it.each(section<ParseResult>(validate, name))('%s', (_, { text, expected }) => {
    expect(twitterText.parseTweet(text, config)).toEqual(expected);
  });
});

describe('validate.yml WeightedTweetsWithDiscountedEmojiCounterTest: our parseContent and weightedLength', () => {
  it.each(section<ParseResult>(validate, 'WeightedTweetsWithDiscountedEmojiCounterTest'))('%s', (_, { text, expected }) => {
    const parsed = parseContent(text);
    expect({ weightedLength: parsed.weightedLength, valid: parsed.valid }).toEqual({
      weightedLength: expected.weightedLength,
      valid: expected.valid,
    });
    expect(weightedLength(text)).toBe(expected.weightedLength);
  });
});

type Indices = [number, number];

const toSnakeMention = ({ screenName, indices }: { screenName: string; indices: Indices }) => ({ screen_name: screenName, indices });
describe.each([
  ['mentions', twitterText.extractMentions],
  ['urls', twitterText.extractUrls],
  ['tco_urls_with_params', twitterText.extractUrls],
  ['hashtags', twitterText.extractHashtags],
  ['hashtags_from_astral', twitterText.extractHashtags],
  ['mentions_with_indices', (t: string) => twitterText.extractMentionsWithIndices(t).map(toSnakeMention)],
  ['urls_with_indices', twitterText.extractUrlsWithIndices],
  ['urls_with_directional_markers', twitterText.extractUrlsWithIndices],
  ['hashtags_with_indices', twitterText.extractHashtagsWithIndices],
] as const)('extract.yml %s: twitter-text extractor', (name, extractor: (text: string) => unknown) => {
  it.each(section<unknown>(extract, name))('%s', (_, { text, expected }) => {
    expect(extractor(text)).toEqual(expected);
  });
});

/** What parseContent promises: each entity once, first spelling kept (case-insensitively for tags and names). */
function firstOfEach(items: string[], caseInsensitive: boolean): string[] {
  const key = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
  return items.filter((item, i) => items.findIndex((other) => key(other) === key(item)) === i);
}

describe.each([
  ['mentions', 'mentions', true],
  ['hashtags', 'hashtags', true],
  ['hashtags_from_astral', 'hashtags', true],
  ['urls', 'urls', false],
  ['tco_urls_with_params', 'urls', false],
] as const)('extract.yml %s: our parseContent().%s', (name, field, caseInsensitive) => {
  it.each(section<string[]>(extract, name))('%s', (_, { text, expected }) => {
    expect(parseContent(text)[field]).toEqual(firstOfEach(expected, caseInsensitive));
  });
});

describe.each(['urls_with_indices', 'urls_with_directional_markers'])('extract.yml %s: our extractUrls', (name) => {
  it.each(section<unknown>(extract, name))('%s', (_, { text, expected }) => {
    expect(extractUrls(text)).toEqual(expected);
  });
});

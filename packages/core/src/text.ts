// Tweet text rules: NFC normalisation, twitter-text v3 weighted length and entity extraction.
// Runs in Node and in the browser (the web composer uses the same function): no `node:` imports.
/// <reference path="./twitter-text.d.ts" />
import twitterText from 'twitter-text';

const { configs, extractHashtagsWithIndices, extractMentions, extractUrlsWithIndices, hasInvalidCharacters, removeOverlappingEntities } = twitterText;

export const MAX_WEIGHTED_LENGTH = 280;

export interface ParsedContent {
  content: string;
  weightedLength: number;
  valid: boolean;
  hashtags: string[];
  mentions: string[];
  urls: string[];
}

export function normalizeContent(raw: string): string {
  return raw.normalize('NFC');
}

export function parseContent(raw: string): ParsedContent {
  const content = normalizeContent(raw);
  // URL extraction is the costliest step of twitter-text, and its extractUrls, extractHashtags and weighted
  // length each run it again: run it once and share the result.
  const urls = extractUrlsWithIndices(content);
  const length = weigh(content, urls);
  return {
    content,
    weightedLength: length,
    valid: length > 0 && length <= MAX_WEIGHTED_LENGTH && !hasInvalidCharacters(content),
    // Hashtags and screen names are case-insensitive on Twitter: keep the first spelling. URLs are compared exactly.
    hashtags: uniqueBy(hashtagsOutside(content, urls), caseFold),
    mentions: uniqueBy(extractMentions(content), caseFold),
    urls: uniqueBy(
      urls.map((u) => u.url),
      (url) => url,
    ),
  };
}

export function weightedLength(raw: string): number {
  const content = normalizeContent(raw);
  return weigh(content, extractUrlsWithIndices(content));
}

type Entity = { hashtag?: string; indices: [number, number] };

/** twitter-text's extractHashtags (checkUrlOverlap on), given the text's URL entities. */
function hashtagsOutside(text: string, urls: { url: string; indices: [number, number] }[]): string[] {
  const tags: Entity[] = extractHashtagsWithIndices(text, { checkUrlOverlap: false });
  if (urls.length === 0 || tags.length === 0) return tags.map((t) => t.hashtag!);
  // as twitter-text does it: hashtags then URLs, sorted by start, each overlapping entity dropped
  const entities = tags.concat(urls.map((u) => ({ indices: u.indices })));
  removeOverlappingEntities(entities);
  return entities.filter((e) => e.hashtag).map((e) => e.hashtag!);
}

// twitter-text's parseTweet(text, configs.version3), with one change: emoji sequences are found by the
// UTS #51 grammar below, not by twemoji-parser. @twemoji/parser 17.0.2 (our npm override) no longer
// matches text-default emoji such as ✌️ 🖐🏻 ☝🏽 (each counted 4), and no published version counts every
// fully-qualified sequence as 2. Property escapes need only the `u` flag, so this runs in every browser.
const EMOJI_ELEMENT = [
  String.raw`\p{Regional_Indicator}\p{Regional_Indicator}`, // flag
  String.raw`\p{Emoji_Modifier_Base}\p{Emoji_Modifier}`, // skin tone
  String.raw`[0-9#*]\uFE0F?\u20E3`, // keycap, also unqualified (conformance: "1⃣" counts 2)
  String.raw`\p{Emoji}\uFE0F`, // emoji presentation sequence
  String.raw`\p{Emoji}[\u{E0020}-\u{E007E}]+\u{E007F}`, // tag sequence (subdivision flags)
  String.raw`\p{Emoji_Presentation}`,
].join('|');
const EMOJI_SEQUENCE = new RegExp(`(?:${EMOJI_ELEMENT})(?:\\u200D(?:${EMOJI_ELEMENT}))*`, 'gu');

const v3 = configs.version3;

/** Every emoji sequence has a code point above U+007F (a keycap ends in U+20E3): ASCII text has none. */
const NON_ASCII = /[^\u0000-\u007f]/;

/** v3's weight of one code point (its ranges, else the default weight). */
function weightOf(codePoint: number): number {
  const ranges = v3.ranges;
  for (let r = 0; r < ranges.length; r++) if (codePoint >= ranges[r]!.start && codePoint <= ranges[r]!.end) return ranges[r]!.weight;
  return v3.defaultWeight;
}

/** Weighted length of already-normalised text, given its URL entities (extractUrlsWithIndices). */
function weigh(text: string, urls: { url: string; indices: [number, number] }[]): number {
  const entityEnds = new Map<number, number>(); // start -> end (UTF-16), URLs win over emoji as in parseTweet
  const urlStarts = new Set<number>();
  for (const { url, indices } of urls) {
    // parseTweet skips the URL's own length, not its index span: the two differ when the extractor reports a span
    // longer than the URL (e.g. "x.orga🇯🇵x.org/" gives url "x.org/" at [0, 16]); count exactly as it does.
    entityEnds.set(indices[0], indices[0] + url.length);
    urlStarts.add(indices[0]);
  }
  if (NON_ASCII.test(text)) {
    for (const match of text.matchAll(EMOJI_SEQUENCE)) {
      if (!entityEnds.has(match.index)) entityEnds.set(match.index, match.index + match[0].length);
    }
  }
  let scaled = 0;
  for (let i = 0; i < text.length; ) {
    const entityEnd = entityEnds.get(i);
    if (entityEnd !== undefined) {
      scaled += urlStarts.has(i) ? v3.transformedURLLength * v3.scale : v3.defaultWeight;
      i = entityEnd;
    } else {
      const codePoint = text.codePointAt(i)!;
      scaled += weightOf(codePoint);
      i += codePoint > 0xffff ? 2 : 1;
    }
  }
  return scaled / v3.scale;
}

function caseFold(s: string): string {
  return s.toLowerCase();
}

function uniqueBy(items: string[], key: (item: string) => string): string[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

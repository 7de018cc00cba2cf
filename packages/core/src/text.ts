// Tweet text rules: NFC normalisation, twitter-text v3 weighted length and entity extraction.
// Runs in Node and in the browser (the web composer uses the same function): no `node:` imports.
/// <reference path="./twitter-text.d.ts" />
import twitterText from 'twitter-text';
import { urlMatches, urlsIn, type UrlEntity } from './urls.ts';

const { configs, extractHashtagsWithIndices, extractMentions, hasInvalidCharacters, removeOverlappingEntities } = twitterText;

export const MAX_WEIGHTED_LENGTH = 280;

/** A hashtag's key: lower case, NFKC, without `#` (how trends name it, and what `#tag` and `list({hashtag})` match). */
export function tagKey(tag: string): string {
  return tag.replace(/^[#＃]/, '').normalize('NFKC').toLowerCase();
}

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
  return parseWeighed(content, weigh(content));
}

export function weightedLength(raw: string): number {
  return weigh(normalizeContent(raw)).weightedLength;
}

/** parseContent of NFC text that weigh() counted to the end (`exact`), so its URLs are all known. */
export function parseWeighed(content: string, { weightedLength: length, urls }: Weighing): ParsedContent {
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

type Entity = { hashtag?: string; indices: [number, number] };

/** twitter-text's extractHashtags (checkUrlOverlap on), given the text's URL entities. */
function hashtagsOutside(text: string, urls: UrlEntity[]): string[] {
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

/** A weighted length; not `exact` when counting stopped past the limit, and then the text weighs at least this. */
export interface Weighed {
  weightedLength: number;
  exact: boolean;
}

/** What weigh() found: the weighted length and the URL entities (all of them when `exact`). */
export interface Weighing extends Weighed {
  urls: UrlEntity[];
}

/**
 * parseTweet's count of already-normalised text: a URL weighs 23, an emoji sequence 2, any other code point its
 * range's weight. URLs are found as the count reaches them. Past `limit`, the count stops before the next place the
 * URL regex matches (twitter-text's checks of a match are the costly step) and answers with the count so far, a lower
 * bound; text with no URL past the limit is counted to the end. Each match read adds at least 1 to the count (its URL's
 * 23, or its dot), so any text costs at most about `limit` matches' checks, however many it holds.
 */
export function weigh(text: string, limit = Infinity): Weighing {
  const scaledLimit = limit * v3.scale;
  const matches = urlMatches(text);
  let match = matches.next();
  const urls: UrlEntity[] = [];
  let nextUrl = 0;
  const emoji = NON_ASCII.test(text) ? text.matchAll(EMOJI_SEQUENCE) : undefined;
  let sequence = emoji?.next();
  let scaled = 0;
  for (let i = 0; i < text.length; ) {
    // A URL starts at or after the start of its match: reading every match that starts by i tells whether one starts at i.
    for (; !match.done && match.value.start <= i; match = matches.next()) {
      if (scaled > scaledLimit) return { weightedLength: scaled / v3.scale, exact: false, urls };
      urls.push(...urlsIn(text, match.value));
    }
    while (nextUrl < urls.length && urls[nextUrl]!.indices[0] < i) nextUrl++; // inside an emoji sequence: not counted as a URL
    while (sequence && !sequence.done && sequence.value.index < i) sequence = emoji!.next();
    const url = urls[nextUrl];
    if (url && url.indices[0] === i) {
      // URLs win over emoji. parseTweet skips the URL's own length, not its index span: the two differ when the
      // extractor reports a span longer than the URL (e.g. "x.orga🇯🇵x.org/" gives url "x.org/" at [0, 16]).
      scaled += v3.transformedURLLength * v3.scale;
      i += url.url.length;
    } else if (sequence && !sequence.done && sequence.value.index === i) {
      scaled += v3.defaultWeight;
      i += sequence.value[0].length;
    } else {
      const codePoint = text.codePointAt(i)!;
      scaled += weightOf(codePoint);
      i += codePoint > 0xffff ? 2 : 1;
    }
  }
  for (; !match.done; match = matches.next()) urls.push(...urlsIn(text, match.value)); // in the last entity counted
  return { weightedLength: scaled / v3.scale, exact: true, urls };
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

// Realistic tweet text: plain words, emoji (skin tones, ZWJ sequences, flags), CJK, URLs, hashtags, mentions, in
// lengths from a few words to the 280 weighted limit.
// A text is space-separated tokens from a finite vocabulary, and no twitter-text rule reaches across a space between
// these tokens, so a text's facts (weighted length, hashtags, mentions, URLs, validity) are composed from each
// token's, parsed once by core's parseContent and cached: parsing every text took a quarter of the seeding time.
// Every 64th text is parsed whole as well and must give the same facts (a changed vocabulary or rule shows at once).
import { MAX_WEIGHTED_LENGTH, parseContent, type ParsedContent } from '@tweetstore/core';
import type { Random } from './random.ts';

const WORDS = (
  'the a of to and in is it you that was for on are with as this at be by from or have an they which one had not ' +
  'but what all were when we there can more if out so up said about into than them only time some could new now ' +
  'just like today coffee build ship deploy release storage journal version edit history counter live stream ' +
  'morning night weekend team launch bug fix great idea thread reading writing code review test green red fast ' +
  'slow small big happy finally again really love hate wait think know people world city rain sun music book'
).split(' ');
const EMOJI = [
  '😀', '😂', '🥲', '😍', '🤔', '🙃', '🔥', '🎉', '✨', '🚀', '💡', '☕', '🍕', '🌧️', '❤️', '✅', '👀', '🙏',
  '👍🏽', '👋🏻', '🤷🏾‍♀️', '💪🏿', '🧑🏼‍💻', '👩‍💻', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🧑‍🤝‍🧑', '❤️‍🔥', '🇯🇵', '🇧🇷', '🇩🇪', '1️⃣',
];
const CJK = ['今日は良い天気ですね', '新しいバージョンを公開しました', '我们明天见', '数据库很快', '编辑历史', '안녕하세요', '커피 한 잔', 'ありがとう'];
const HASHTAGS = ['#tweetstore', '#TypeScript', '#tRPC', '#buildinpublic', '#coffee', '#日本', '#音楽', '#Mondays', '#100DaysOfCode', '#rain'];
const HOSTS = ['https://example.com/p/', 'https://news.example.org/2026/', 'http://blog.example.net/post-', 'https://tweetstore.dev/docs#'];
const PUNCTUATION = ['.', '!', '?', '…', ',', ' —'];
const EDIT_SUFFIXES = [' (edited)', ' — typo fixed', ' 🙏', ' update: it works', ' *', ' #update'];

/** Each token's own parse: the vocabulary is finite, so a text's facts are sums and concatenations of lookups. */
const tokenFacts = new Map<string, ParsedContent>();
function factsOf(token: string): ParsedContent {
  let f = tokenFacts.get(token);
  if (f === undefined) tokenFacts.set(token, (f = parseContent(token)));
  return f;
}
const weigh = (token: string) => factsOf(token).weightedLength;

const VERIFY_EVERY = 64;
let composedCount = 0;

/** parseContent(tokens.join(' ')), composed from the tokens' cached facts. */
function composed(tokens: readonly string[]): ParsedContent {
  let length = tokens.length - 1; // the spaces
  let invalid = false;
  let hashtags: string[] = NONE;
  let mentions: string[] = NONE;
  let urls: string[] = NONE;
  const parts = new Array<string>(tokens.length);
  for (let k = 0; k < tokens.length; k++) {
    const f = factsOf(tokens[k]!);
    parts[k] = f.content;
    length += f.weightedLength;
    // a token alone is invalid when empty or over the limit; only a bad character makes the whole text invalid
    if (!f.valid && f.weightedLength > 0 && f.weightedLength <= MAX_WEIGHTED_LENGTH) invalid = true;
    if (f.hashtags.length) hashtags = hashtags.concat(f.hashtags);
    if (f.mentions.length) mentions = mentions.concat(f.mentions);
    if (f.urls.length) urls = urls.concat(f.urls);
  }
  const parsed: ParsedContent = {
    content: parts.join(' '),
    weightedLength: length,
    valid: length > 0 && length <= MAX_WEIGHTED_LENGTH && !invalid,
    hashtags: uniqueBy(hashtags, (h) => h.toLowerCase()),
    mentions: uniqueBy(mentions, (m) => m.toLowerCase()),
    urls: uniqueBy(urls, (u) => u),
  };
  if (++composedCount % VERIFY_EVERY === 0) verify(parsed);
  return parsed;
}
const NONE: string[] = [];

function verify(parsed: ParsedContent): void {
  const whole = parseContent(parsed.content);
  if (JSON.stringify(whole) !== JSON.stringify(parsed)) {
    throw new Error(`seed: a text's composed facts differ from parseContent's:\n${JSON.stringify(parsed)}\n${JSON.stringify(whole)}`);
  }
}

function uniqueBy(items: string[], key: (item: string) => string): string[] {
  if (items.length < 2) return items === NONE ? [] : items;
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && (seen.add(key(item)), true));
}

// Tokens built from parts are drawn from tables made once, so every draw is the same string object: its hash is
// computed once and the facts lookup stays cheap.
const PUNCTUATED = WORDS.flatMap((w) => PUNCTUATION.map((p) => w + p));
const URL_IDS = 500;
const URL_TOKENS = HOSTS.flatMap((h) => Array.from({ length: URL_IDS }, (_, i) => `${h}${i}`));
const mentionTokens = new WeakMap<readonly string[], string[]>();

function token(rng: Random, mentionable: readonly string[]): string {
  const r = rng.next();
  if (r < 0.62) {
    const w = rng.int(WORDS.length);
    return rng.chance(0.08) ? PUNCTUATED[w * PUNCTUATION.length + rng.int(PUNCTUATION.length)]! : WORDS[w]!;
  }
  if (r < 0.76) return rng.pick(EMOJI);
  if (r < 0.84) return rng.pick(CJK);
  if (r < 0.9) return rng.pick(HASHTAGS);
  if (r < 0.95 && mentionable.length > 0) {
    let mentions = mentionTokens.get(mentionable);
    if (!mentions) mentionTokens.set(mentionable, (mentions = mentionable.map((name) => `@${name}`)));
    return rng.pick(mentions);
  }
  return URL_TOKENS[rng.int(HOSTS.length) * URL_IDS + rng.int(URL_IDS)]!;
}

/** Target weighted lengths: mostly short, some long, a few right at the limit. */
function targetLength(rng: Random): number {
  const r = rng.next();
  if (r < 0.5) return 8 + rng.int(60);
  if (r < 0.85) return 68 + rng.int(80);
  if (r < 0.97) return 148 + rng.int(120);
  return MAX_WEIGHTED_LENGTH;
}

/** A valid tweet text (parseContent says valid), 1..280 weighted characters. */
export function tweetText(rng: Random, mentionable: readonly string[]): ParsedContent {
  const target = targetLength(rng);
  const tokens: string[] = [];
  let length = -1;
  for (;;) {
    const t = token(rng, mentionable);
    const w = weigh(t) + 1;
    if (length + w > target) {
      if (tokens.length > 0) break;
      continue; // even the first token is too long for this target: draw another
    }
    tokens.push(t);
    length += w;
  }
  return fitted(tokens);
}

/** A small edit: a word replaced, one added, a suffix appended, or a word dropped. Valid and different from `text`. */
export function editedText(rng: Random, text: string): ParsedContent {
  for (let attempt = 0; attempt < 4; attempt++) {
    const parsed = fitted(smallChange(rng, text.split(' ')));
    if (parsed.content !== text) return parsed;
  }
  const tokens = text.split(' ');
  return fitted(tokens.length > 1 ? tokens.slice(0, -1) : [text === 'edited' ? 'edit' : 'edited']);
}

function smallChange(rng: Random, tokens: string[]): string[] {
  const r = rng.next();
  if (r < 0.35) tokens[rng.int(tokens.length)] = rng.pick(WORDS);
  else if (r < 0.6) tokens.splice(rng.int(tokens.length + 1), 0, rng.pick(rng.chance(0.7) ? WORDS : EMOJI));
  else if (r < 0.85 || tokens.length < 2) tokens.push(rng.pick(EDIT_SUFFIXES).trimStart());
  else tokens.splice(rng.int(tokens.length), 1);
  return tokens;
}

/** Joins the tokens, dropping tokens from the end until the text is valid (as parseContent says). */
function fitted(tokens: string[]): ParsedContent {
  for (let n = tokens.length; n > 0; n--) {
    const parsed = composed(n === tokens.length ? tokens : tokens.slice(0, n));
    if (parsed.valid && parsed.content.trim() !== '') return parsed;
  }
  return parseContent('hello');
}

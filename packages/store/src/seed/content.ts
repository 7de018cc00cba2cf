// Realistic tweet text: plain words, emoji (skin tones, ZWJ sequences, flags), CJK, URLs, hashtags, mentions, in
// lengths from a few words to the 280 weighted limit. Every text is checked with core's parseContent.
import { MAX_WEIGHTED_LENGTH, parseContent, weightedLength, type ParsedContent } from '@tweetstore/core';
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

/** A token cache of weights: the vocabulary is finite, so weighing a text is a sum of lookups. */
const weights = new Map<string, number>();
function weigh(token: string): number {
  let w = weights.get(token);
  if (w === undefined) weights.set(token, (w = weightedLength(token)));
  return w;
}

function token(rng: Random, mentionable: readonly string[]): string {
  const r = rng.next();
  if (r < 0.62) {
    const word = rng.pick(WORDS);
    return rng.chance(0.08) ? word + rng.pick(PUNCTUATION) : word;
  }
  if (r < 0.76) return rng.pick(EMOJI);
  if (r < 0.84) return rng.pick(CJK);
  if (r < 0.9) return rng.pick(HASHTAGS);
  if (r < 0.95 && mentionable.length > 0) return `@${rng.pick(mentionable)}`;
  return `${rng.pick(HOSTS)}${rng.int(500)}`;
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

/** Joins the tokens, dropping tokens from the end until parseContent says the text is valid. */
function fitted(tokens: string[]): ParsedContent {
  for (let n = tokens.length; n > 0; n--) {
    const parsed = parseContent(tokens.slice(0, n).join(' '));
    if (parsed.valid && parsed.content.trim() !== '') return parsed;
  }
  return parseContent('hello');
}

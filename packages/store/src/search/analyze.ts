// Search terms: how a tweet's text and a query's words become the same terms, in every engine.
// - Folding: NFKC (full-width and half-width forms, ligatures, compatibility characters), lower case, and the
//   combining accents of Latin, Greek and Cyrillic letters removed (café = cafe; Japanese voicing marks are kept, as
//   they change the word).
// - Words: runs of letters, digits, marks and `_`. A run in a script written without spaces (Han, Hiragana,
//   Katakana, Thai, Lao, Khmer, Myanmar) is cut into words by Intl.Segmenter, ICU's dictionary word breaker; only such
//   runs pay for it (a whole tweet through the segmenter costs ~21 µs on this machine, the regular expression ~2 µs).
// - Emoji: each RGI emoji sequence (ZWJ families, flags, keycaps) is one term, without its skin tone and presentation
//   selectors (👍🏽 finds 👍).
// - Hashtags and mentions are terms of their own, `#tag` and `@user`, from the facts twitter-text found (so `#rust`
//   finds the hashtag, `rust` the word, which a hashtag's text also is).
// Terms carry positions (their index in the text's word sequence) so phrases can be matched.

import { tagKey } from '@tweetstore/core';

/** An emoji sequence (group 1) or a word run. */
const TOKEN = /(\p{RGI_Emoji})|[\p{L}\p{N}\p{M}_]+/gv;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const ACCENTS = /[\u0300-\u036f]/g;
const HAS_ACCENT = /[\u0300-\u036f]/;
const EMOJI_MODIFIERS = /[\u{1F3FB}-\u{1F3FF}\uFE0E\uFE0F]/gu;

/** The longest term kept, in UTF-16 units (longer words are cut: nobody searches for them whole). */
export const MAX_TERM_LENGTH = 64;

let segmenter: Intl.Segmenter | undefined;
const segment = (text: string) => (segmenter ??= new Intl.Segmenter('ja', { granularity: 'word' })).segment(text);

/** Case-, accent- and width-insensitive form of a text (see the header). */
export function fold(text: string): string {
  const k = text.normalize('NFKC').toLowerCase();
  // only text with combining accents after decomposition pays for the second pass
  const d = k.normalize('NFD');
  return d === k || !HAS_ACCENT.test(d) ? k : d.replace(ACCENTS, '').normalize('NFC');
}

function emojiTerm(e: string): string {
  const bare = e.replace(EMOJI_MODIFIERS, '');
  return bare === '' ? e : bare;
}

const cut = (term: string) => (term.length > MAX_TERM_LENGTH ? term.slice(0, MAX_TERM_LENGTH) : term);

/**
 * Every RGI emoji sequence holds a pictograph, a regional indicator, a skin tone or the keycap mark. The emoji pattern
 * costs ~30 µs a tweet, so only the parts of a text between spaces that hold one are read with it (no term spans a
 * space); the rest, and most texts whole, with the word pattern (~3 µs).
 */
const EMOJI_PART = /[\p{Extended_Pictographic}\p{Regional_Indicator}\p{Emoji_Modifier}\u20E3]/u;
const WORD_RUN = /[\p{L}\p{N}\p{M}_]+/gu;
const PART = /\S+/g;

/** A word run's terms: itself (cut), or the words of an unspaced script's run as the segmenter cuts it. */
function addWord(terms: string[], token: string, unspaced: boolean): void {
  if (unspaced && UNSPACED.test(token)) {
    for (const s of segment(token)) if (s.isWordLike) terms.push(cut(s.segment));
  } else terms.push(cut(token));
}

function addWords(terms: string[], text: string, unspaced: boolean): void {
  for (const w of text.match(WORD_RUN) ?? []) addWord(terms, w, unspaced);
}

/**
 * The word terms of a text, in order (a term's index is its position): what TOKEN finds in the folded text, in one
 * pass with no intermediate tokens; a text with no unspaced script (most) tests no word for one.
 */
export function wordTerms(text: string): string[] {
  const folded = fold(text);
  const terms: string[] = [];
  const unspaced = UNSPACED.test(folded);
  if (!EMOJI_PART.test(folded)) {
    addWords(terms, folded, unspaced);
    return terms;
  }
  for (const part of folded.match(PART) ?? []) {
    if (EMOJI_PART.test(part)) terms.push(...emojiPartTerms(part));
    else addWords(terms, part, unspaced);
  }
  return terms;
}

/**
 * The terms of a part that may hold an emoji, remembered: the emoji pattern takes 2-4 µs for each emoji it matches
 * (V8 tries its thousands of sequences one by one), and the parts that hold emoji are mostly the same few (a lone
 * emoji, a run of one). At most EMOJI_PARTS_KEPT are kept, all forgotten at once when full.
 */
const emojiParts = new Map<string, readonly string[]>();
const EMOJI_PARTS_KEPT = 4096;

function emojiPartTerms(part: string): readonly string[] {
  let terms = emojiParts.get(part);
  if (terms) return terms;
  const found: string[] = [];
  for (const m of part.matchAll(TOKEN)) {
    if (m[1] !== undefined) found.push(emojiTerm(m[0]));
    else addWord(found, m[0], true);
  }
  if (emojiParts.size >= EMOJI_PARTS_KEPT) emojiParts.clear();
  emojiParts.set(part, (terms = found));
  return terms;
}

/** A mention's key: the username in lower case, without `@`. */
export function mentionKey(username: string): string {
  return username.replace(/^[@＠]/, '').toLowerCase();
}

export const tagTerm = (tag: string) => `#${tagKey(tag)}`;
export const mentionTerm = (username: string) => `@${mentionKey(username)}`;

export interface DocumentTerms {
  /** Word terms in text order: words[i] is at position i. */
  words: string[];
  /** `#tag` and `@user` terms, each once. */
  marks: string[];
}

/** What a tweet's current version is found by. */
export function documentTerms(content: string, hashtags: readonly string[], mentions: readonly string[]): DocumentTerms {
  const marks = new Set<string>();
  for (const h of hashtags) marks.add(tagTerm(h));
  for (const m of mentions) marks.add(mentionTerm(m));
  return { words: wordTerms(content), marks: [...marks] };
}

/** Every distinct term of a document, words and marks. */
export function distinctTerms(doc: DocumentTerms): string[] {
  const all = new Set(doc.words);
  for (const m of doc.marks) all.add(m);
  return [...all];
}

/** Whether `phrase` occurs in `words` as consecutive terms; `prefixLast`: its last term may be a prefix of the word. */
export function hasPhrase(words: readonly string[], phrase: readonly string[], prefixLast = false): boolean {
  const n = phrase.length;
  if (n === 0) return true;
  outer: for (let i = 0; i + n <= words.length; i++) {
    for (let j = 0; j < n; j++) {
      const w = words[i + j]!;
      const t = phrase[j]!;
      if (w === t || (prefixLast && j === n - 1 && w.startsWith(t))) continue;
      continue outer;
    }
    return true;
  }
  return false;
}

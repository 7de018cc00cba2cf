// Search terms: how a tweet's text and a query's words become the same terms, in every engine.
// - Folding: NFKC (full-width and half-width forms, ligatures, compatibility characters), lower case, and the
//   combining accents of Latin, Greek and Cyrillic letters removed (café = cafe; Japanese voicing marks are kept, as
//   they change the word).
// - Words: runs of letters, digits, marks and `_`. A run in a script written without spaces (Han, Hiragana,
//   Katakana, Thai, Lao, Khmer, Myanmar) is cut into words by Intl.Segmenter, ICU's dictionary word breaker; only such
//   runs pay for it (a whole tweet through the segmenter costs ~21 µs on this machine, the regular expression ~2 µs).
// - Emoji: each RGI emoji sequence (ZWJ families, flags, keycaps) is one term, without its skin tone and presentation
//   selectors (👍🏽 finds 👍). V8 matches \p{RGI_Emoji} by trying its ~3,700 sequences one by one (~10 µs a try: a
//   regular expression of both alternatives cost ~60 µs a tweet and a test of each token ~100 µs more, measured on
//   the seeder's texts), so it is tried only where a sequence can start (an Emoji character; a keycap's base only
//   before U+FE0F), on the run of emoji characters there, and each run's answer is remembered.
// - Hashtags and mentions are terms of their own, `#tag` and `@user`, from the facts twitter-text found (so `#rust`
//   finds the hashtag, `rust` the word, which a hashtag's text also is).
// Terms carry positions (their index in the text's word sequence) so phrases can be matched.

/** Where a term may start: a word character, or an Emoji character (which every RGI sequence starts with). */
const TERM_START = /[\p{L}\p{N}\p{M}_]|\p{Emoji}/gu;
const WORD = /[\p{L}\p{N}\p{M}_]+/uy;
const EMOJI_CHAR = /^\p{Emoji}/u;
const KEYCAP_BASE = /^[0-9#*]$/;
/** The characters an RGI sequence is made of: every one is Emoji or Emoji_Component (ZWJ, FE0F, tags, keycap). */
const EMOJI_RUN = /[\p{Emoji}\p{Emoji_Component}]+/uy;
const RGI_START = /^\p{RGI_Emoji}/v;
/** No RGI sequence is longer than this (the longest, kiss and couple sequences with two skin tones, are 15 units). */
const LONGEST_EMOJI = 32;
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

/** The RGI sequence that starts a run of emoji characters, or '': the same for every run that begins alike. */
const emojiStarts = new Map<string, string>();
const REMEMBERED_RUNS = 4096;

function emojiAt(text: string, at: number): string {
  EMOJI_RUN.lastIndex = at;
  const run = EMOJI_RUN.exec(text)![0].slice(0, LONGEST_EMOJI);
  let found = emojiStarts.get(run);
  if (found === undefined) {
    found = RGI_START.exec(run)?.[0] ?? '';
    if (emojiStarts.size >= REMEMBERED_RUNS) emojiStarts.clear();
    emojiStarts.set(run, found);
  }
  return found;
}

/**
 * The text's tokens, as `text.match(/\p{RGI_Emoji}|[\p{L}\p{N}\p{M}_]+/gv)` finds them (an RGI sequence where one
 * starts, else a run of word characters), `emoji` saying which.
 */
function eachToken(text: string, take: (token: string, emoji: boolean) => void): void {
  TERM_START.lastIndex = 0;
  for (let m = TERM_START.exec(text); m !== null; m = TERM_START.exec(text)) {
    const at = m.index;
    const c = m[0];
    if (EMOJI_CHAR.test(c) && (!KEYCAP_BASE.test(c) || text.charCodeAt(at + 1) === 0xfe0f)) {
      const emoji = emojiAt(text, at);
      if (emoji !== '') {
        take(emoji, true);
        TERM_START.lastIndex = at + emoji.length;
        continue;
      }
    }
    WORD.lastIndex = at;
    const word = WORD.exec(text);
    if (word === null) continue; // an emoji character that starts no sequence: TERM_START is past it
    take(word[0], false);
    TERM_START.lastIndex = at + word[0].length;
  }
}

/** The word terms of a text, in order (a term's index is its position). */
export function wordTerms(text: string): string[] {
  const terms: string[] = [];
  eachToken(fold(text), (token, emoji) => {
    if (emoji) terms.push(emojiTerm(token));
    else if (UNSPACED.test(token)) {
      for (const s of segment(token)) if (s.isWordLike) terms.push(cut(s.segment));
    } else terms.push(cut(token));
  });
  return terms;
}

/** A hashtag's key: lower case, NFKC, without `#` (how trends name it, and what `#tag` and `list({hashtag})` match). */
export function tagKey(tag: string): string {
  return tag.replace(/^[#＃]/, '').normalize('NFKC').toLowerCase();
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

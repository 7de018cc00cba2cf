// The rules a tweet's text must pass, in the order they are checked. The API's input schema, the store and the web
// composer all ask here, so they refuse the same texts with the same words.
import twitterText from 'twitter-text';
import { MAX_WEIGHTED_LENGTH, normalizeContent, parseWeighed, weigh, type ParsedContent, type Weighed } from './text.ts';
import { hasControlCharacter, isBlank } from './visible.ts';

/** Raw size guard before any parsing: URLs weigh 23 whatever their length, so a valid tweet can be long in code units
 * (11 URLs near 900 characters each come to ~9,800), but nothing sane is longer than this. */
export const MAX_CONTENT_CODE_UNITS = 10_000;

export interface ContentProblem {
  rule: 'size' | 'unicode' | 'control' | 'empty' | 'blank' | 'length' | 'character';
  message: string;
}

export interface ContentCheck {
  /** The text as it is stored, when it breaks no rule. */
  parsed: ParsedContent | null;
  /** The first rule it breaks. */
  problem: ContentProblem | null;
  /** Null when refused before counting (too many code units, lone surrogates). */
  weighed: Weighed | null;
}

/**
 * Checks raw tweet text against every rule, at a bounded cost: at most MAX_CONTENT_CODE_UNITS are read, and a text far
 * over the weighted limit is counted only until that is certain (core's weigh()).
 */
export function checkContent(raw: string): ContentCheck {
  if (raw.length > MAX_CONTENT_CODE_UNITS) return refused('size', `content must be at most ${MAX_CONTENT_CODE_UNITS} UTF-16 code units`);
  if (!raw.isWellFormed()) return refused('unicode', 'content must be valid Unicode (no lone surrogates)');
  const content = normalizeContent(raw);
  const weighing = weigh(content, MAX_WEIGHTED_LENGTH);
  const weighed = { weightedLength: weighing.weightedLength, exact: weighing.exact };
  const problem = characterProblem(content) ?? lengthProblem(weighed) ?? invalidCharacterProblem(content);
  return problem ? { parsed: null, problem, weighed } : { parsed: parseWeighed(content, weighing), problem: null, weighed };
}

/** The rules on which characters NFC text holds, for text weighed elsewhere (the store checks what it is handed). */
export function characterProblem(content: string): ContentProblem | null {
  if (hasControlCharacter(content, 'multi-line')) {
    return { rule: 'control', message: 'content must not contain control characters other than tab and line breaks' };
  }
  if (content === '') return { rule: 'empty', message: 'content must not be empty' };
  if (isBlank(content)) return { rule: 'blank', message: 'content must contain a visible character' };
  return null;
}

function lengthProblem({ weightedLength, exact }: Weighed): ContentProblem | null {
  if (weightedLength <= MAX_WEIGHTED_LENGTH) return null;
  const weight = exact ? `${weightedLength}` : `at least ${weightedLength}`;
  return { rule: 'length', message: `content is ${weight} weighted characters; the limit is ${MAX_WEIGHTED_LENGTH}` };
}

function invalidCharacterProblem(content: string): ContentProblem | null {
  if (!twitterText.hasInvalidCharacters(content)) return null;
  return { rule: 'character', message: 'content contains a character that is not allowed (U+FFFE, U+FEFF or U+FFFF)' };
}

function refused(rule: ContentProblem['rule'], message: string): ContentCheck {
  return { parsed: null, problem: { rule, message }, weighed: null };
}

/**
 * Checks texts that take every path of the rules, long ones too, so that V8 compiles their regexes (twitter-text's TLD
 * alternation and its relatives took ~45 ms of CPU on first use) and optimises their loops (the first long dotted text
 * or text full of URLs took 12-20 ms, later ones ~1 ms) at start-up rather than in the first requests.
 */
export function warmUpContentRules(): void {
  const sample = 'Warm up: https://example.com/a?b=1 www.example.co.jp x.co/p ab_c.example.com a.b.c- #tag @user 😀👍🏽 字 \u200B\n';
  for (const text of [sample, sample.repeat(60), 'a.'.repeat(2500), 'e.co '.repeat(1000)]) checkContent(text);
}

// The search query language of API.md, parsed once (by the API) into terms every engine matches the same way:
//   words       all must occur (folded as analyze.ts folds a tweet's text; a word the analyzer cuts into several
//               terms, as `e-mail` or a CJK run, must occur as those terms in a row);
//   last word   when the query ends with a plain word, its last term also matches as a prefix (`wor` finds world);
//   "a phrase"  its terms in a row;       #tag  tweets carrying the hashtag;     @user  tweets mentioning the user;
//   from:user   tweets by the user;       -x    excludes any of the above.
import { InvalidInput } from '@tweetstore/core';
import { hasPhrase, mentionKey, mentionTerm, tagTerm, wordTerms } from './analyze.ts';

/** Terms that must occur in a row (one term: anywhere). */
export interface Phrase {
  terms: string[];
  /** The last term also matches any word it is a prefix of. */
  prefixLast: boolean;
}

export interface SearchQuery {
  /** Each must occur. `#tag` and `@user` are one-term phrases of those terms. */
  must: Phrase[];
  /** Usernames (lower case) the author must be: every one (two different ones match nothing). */
  from: string[];
  /** None may occur. */
  not: Phrase[];
  /** Usernames (lower case) the author must not be. */
  notFrom: string[];
}

/** How many terms a query may hold in all (each costs an index look-up). */
export const MAX_QUERY_TERMS = 32;

const WORD = /^[\p{L}\p{N}\p{M}_]+$/u;
const USERNAME = /^[A-Za-z0-9_]{1,15}$/;
const SPACE = /\s/u;

interface Item {
  negated: boolean;
  phrase?: Phrase;
  from?: string;
  /** a plain word (not quoted, not a #tag/@user/from:) */
  plain: boolean;
}

function item(token: string, negated: boolean, quoted: boolean): Item | null {
  if (quoted) {
    const terms = wordTerms(token);
    return terms.length ? { negated, phrase: { terms, prefixLast: false }, plain: false } : null;
  }
  const first = token[0];
  const rest = token.slice(1);
  if ((first === '#' || first === '＃') && WORD.test(rest)) return { negated, phrase: { terms: [tagTerm(rest)], prefixLast: false }, plain: false };
  if ((first === '@' || first === '＠') && USERNAME.test(rest)) return { negated, phrase: { terms: [mentionTerm(rest)], prefixLast: false }, plain: false };
  if (token.slice(0, 5).toLowerCase() === 'from:' && USERNAME.test(token.slice(5))) return { negated, from: mentionKey(token.slice(5)), plain: false };
  const terms = wordTerms(token);
  return terms.length ? { negated, phrase: { terms, prefixLast: false }, plain: true } : null;
}

/** Parses `q` (API.md's query language). Throws InvalidInput when nothing in it is left to find. */
export function parseSearchQuery(q: string): SearchQuery {
  const items: Item[] = [];
  let i = 0;
  let endsWithPlain = false;
  while (i < q.length) {
    if (SPACE.test(q[i]!)) {
      i++;
      endsWithPlain = false;
      continue;
    }
    let negated = false;
    if (q[i] === '-' && i + 1 < q.length && !SPACE.test(q[i + 1]!)) {
      negated = true;
      i++;
    }
    let token: string;
    const quoted = q[i] === '"';
    if (quoted) {
      const close = q.indexOf('"', i + 1);
      const end = close < 0 ? q.length : close;
      token = q.slice(i + 1, end);
      i = end + 1;
    } else {
      let end = i;
      while (end < q.length && !SPACE.test(q[end]!)) end++;
      token = q.slice(i, end);
      i = end;
    }
    const it = item(token, negated, quoted);
    endsWithPlain = it !== null && it.plain && !negated;
    if (it) items.push(it);
  }
  const last = items.at(-1);
  if (endsWithPlain && last?.phrase) last.phrase.prefixLast = true;

  const query: SearchQuery = { must: [], from: [], not: [], notFrom: [] };
  let terms = 0;
  for (const it of items) {
    if (it.phrase) (it.negated ? query.not : query.must).push(it.phrase);
    if (it.from) (it.negated ? query.notFrom : query.from).push(it.from);
    terms += it.phrase ? it.phrase.terms.length : 1;
  }
  if (terms > MAX_QUERY_TERMS) throw new InvalidInput(`the query has ${terms} terms; at most ${MAX_QUERY_TERMS} are searched`);
  if (query.must.length === 0 && query.from.length === 0) {
    throw new InvalidInput('the query has nothing to find: give a word, "a phrase", #tag, @user or from:user that is not excluded');
  }
  return query;
}

/** What a tweet is matched against (its current version). */
export interface SearchDocument {
  /** wordTerms of its content */
  words: readonly string[];
  /** `#tag` and `@user` terms */
  marks: readonly string[];
  /** its author's username, lower case */
  author: string;
}

function occurs(doc: SearchDocument, p: Phrase): boolean {
  if (p.terms.length === 1) {
    const t = p.terms[0]!;
    if (t[0] === '#' || t[0] === '@') return doc.marks.includes(t);
  }
  return hasPhrase(doc.words, p.terms, p.prefixLast);
}

/** Whether a tweet matches the query (its visibility aside): the rule each engine's index answers, stated once. */
export function matchesQuery(query: SearchQuery, doc: SearchDocument): boolean {
  for (const u of query.from) if (doc.author !== u) return false;
  for (const u of query.notFrom) if (doc.author === u) return false;
  for (const p of query.must) if (!occurs(doc, p)) return false;
  for (const p of query.not) if (occurs(doc, p)) return false;
  return true;
}

// Answering a search from the index (search-index.ts): the published tweets that match a query (search/query.ts's
// matchesQuery, the rule stated once), newest first (by ordinal: creation order, which ids follow).
// - The candidates come from the rarest term the query needs (newest first), or from the terms its last word is a
//   prefix of, merged, when those are fewer; each is checked against the other terms' postings (binary search), the
//   excluded terms', and its state.
// - Only a query that a tweet's terms alone cannot decide (a phrase, a prefix not used to find the candidates, an
//   excluded phrase) matches the candidate whole: its words from the forward index (term ids in text order), its
//   marks the query names from their postings; its text is read only where the index has no words for it (a tweet
//   restored from a checkpoint written before the forward index).
// - A search holds the event loop for at most SLICE_MS at a time: a query whose terms are common and rarely together
//   (a scan of many candidates) goes on in later turns. If an edit moved postings meanwhile, it finds its place again
//   by ordinal; tweets created meanwhile are newer than where it is, so a page never changes behind it.
import { byTopScore, documentTerms, matchesQuery, TOP_WINDOW, topScore, velocityScore, type SearchDocument, type SearchQuery } from '@tweetstore/store';
import { pauseEvery, SLICE_MS } from '../checkpoint/turns.ts';
import { hasPosting, lowerBound, postingAt, postingsSize, type Postings } from './postings.ts';
import type { Projection } from './projection.ts';
import { authorTerm } from './search-index.ts';
import { unpackFacts } from './facts.ts';

/** How to read the candidates: the terms every match has, the prefix of the last word, the terms none has. */
interface Plan {
  exact: string[];
  prefix: string | null;
  excluded: string[];
  /** Some part of the query needs the candidate's text (a phrase, an excluded phrase, a prefix). */
  phrases: boolean;
}

function planOf(query: SearchQuery): Plan | null {
  const from = new Set(query.from);
  if (from.size > 1) return null; // a tweet has one author
  const plan: Plan = { exact: [...from].map(authorTerm), prefix: null, excluded: query.notFrom.map(authorTerm), phrases: false };
  for (const p of query.must) {
    const terms = p.prefixLast ? p.terms.slice(0, -1) : p.terms;
    if (p.prefixLast) plan.prefix = p.terms.at(-1)!;
    plan.exact.push(...terms);
    if (p.terms.length > 1) plan.phrases = true;
  }
  for (const p of query.not) {
    if (p.terms.length === 1) plan.excluded.push(p.terms[0]!);
    else plan.phrases = true;
  }
  return plan;
}

/** Ordinals from one term's postings, newest first, re-read by term after a pause that moved postings. */
class TermSource {
  #p: Postings | undefined;
  #at = -1;

  constructor(
    readonly term: string,
    private readonly p: Projection,
  ) {}

  /** The next ordinals are those below `bound`. */
  seek(bound: number): void {
    this.#p = this.p.search.postings(this.term);
    this.#at = this.#p === undefined ? -1 : lowerBound(this.#p, bound) - 1;
  }

  /** The ordinal next() gives, or -1. */
  peek(): number {
    return this.#at < 0 ? -1 : postingAt(this.#p!, this.#at);
  }

  next(): number {
    const o = this.peek();
    if (o >= 0) this.#at--;
    return o;
  }
}

/** The union of several terms' postings, newest first (a max-heap of their heads), each ordinal once. */
class MergedSource {
  readonly #heap: TermSource[] = [];
  #last = -1;

  constructor(private readonly sources: TermSource[]) {}

  seek(bound: number): void {
    this.#heap.length = 0;
    this.#last = -1;
    for (const s of this.sources) {
      s.seek(bound);
      if (s.peek() >= 0) this.#push(s);
    }
  }

  next(): number {
    for (;;) {
      const top = this.#heap[0];
      if (top === undefined) return -1;
      const o = top.next();
      if (top.peek() >= 0) this.#siftDown(0);
      else {
        const last = this.#heap.pop()!;
        if (this.#heap.length > 0) {
          this.#heap[0] = last;
          this.#siftDown(0);
        }
      }
      if (o !== this.#last) return (this.#last = o);
    }
  }

  #push(s: TermSource): void {
    const heap = this.#heap;
    let i = heap.push(s) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.peek() >= s.peek()) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = s;
  }

  #siftDown(i: number): void {
    const heap = this.#heap;
    const s = heap[i]!;
    const key = s.peek();
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heap.length) break;
      if (child + 1 < heap.length && heap[child + 1]!.peek() > heap[child]!.peek()) child++;
      if (heap[child]!.peek() <= key) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = s;
  }
}

/** Checks a candidate every this many whether its slice of the event loop is used up. */
const CHECK_EVERY = 64;

/**
 * Up to `want` published tweets matching `query`, newest first, of those with an ordinal below `bound`; `also`: a
 * further condition (a list by hashtag's author and parent).
 */
export async function findMatches(p: Projection, query: SearchQuery, bound: number, want: number, also?: (ordinal: number) => boolean): Promise<number[]> {
  const plan = planOf(query);
  if (plan === null || want <= 0) return [];
  const { search, tweets } = p;
  const found: number[] = [];
  let moves = search.moves;

  // The rarest term the query needs, or the terms of the prefix merged if they hold fewer tweets.
  const sizeOf = (term: string) => {
    const postings = search.postings(term);
    return postings === undefined ? 0 : postingsSize(postings);
  };
  const sizes = plan.exact.map(sizeOf);
  if (sizes.includes(0)) return [];
  const prefixTerms = plan.prefix === null ? [] : search.termsWithPrefix(plan.prefix);
  if (plan.prefix !== null && prefixTerms.length === 0) return [];
  const rarest = sizes.length === 0 ? -1 : sizes.indexOf(Math.min(...sizes));
  const prefixSize = prefixTerms.reduce((sum, term) => sum + sizeOf(term), 0);
  const byPrefix = plan.prefix !== null && (rarest < 0 || prefixSize < sizes[rarest]!);
  const source = byPrefix ? new MergedSource(prefixTerms.map((term) => new TermSource(term, p))) : new TermSource(plan.exact[rarest]!, p);
  const others = plan.exact.filter((_, i) => byPrefix || i !== rarest);
  const wholeText = plan.phrases || (plan.prefix !== null && !byPrefix);

  const marks = [...query.must, ...query.not].flatMap((phrase) => phrase.terms.filter((t) => t[0] === '#' || t[0] === '@'));
  let must: (Postings | undefined)[] = [];
  let excluded: (Postings | undefined)[] = [];
  const lists = () => {
    must = others.map((term) => search.postings(term));
    excluded = plan.excluded.map((term) => search.postings(term));
  };
  lists();
  source.seek(bound);
  const pause = pauseEvery(SLICE_MS);
  let examined = 0;
  candidates: for (let o = source.next(); o >= 0; o = source.next()) {
    if (++examined % CHECK_EVERY === 0) {
      await pause();
      if (search.moves !== moves) {
        moves = search.moves;
        lists();
        source.seek(o + 1); // o itself is still to be checked
        o = source.next();
        if (o < 0) break;
      }
    }
    if (tweets.stateAt(o) !== 'published' || (also && !also(o))) continue;
    for (const list of must) if (list === undefined || !hasPosting(list, o)) continue candidates;
    for (const list of excluded) if (list !== undefined && hasPosting(list, o)) continue candidates;
    if (wholeText && !matchesQuery(query, documentAt(p, o, marks))) continue;
    if (found.push(o) === want) break;
  }
  return found;
}

/**
 * The newest TOP_WINDOW matches, best first by topScore (search/rules.ts), as ordinals. Relevance is the share of the
 * tweet's words the query's terms are (1 for a query of authors only).
 */
export async function topMatches(p: Projection, query: SearchQuery, now: number): Promise<number[]> {
  const found = await findMatches(p, query, p.tweets.size, TOP_WINDOW);
  const terms = query.must.reduce((sum, phrase) => sum + phrase.terms.length, 0);
  const pause = pauseEvery(SLICE_MS);
  const scored: { ordinal: number; id: string; score: number }[] = [];
  for (const ordinal of found) {
    const t = p.tweets.read(ordinal, false)!;
    const relevance = terms === 0 ? 1 : Math.min(1, terms / Math.max(1, p.search.words(ordinal)));
    const signals = { likes: t.likes?.size ?? 0, retweets: t.retweets?.size ?? 0, replies: t.replies, velocity: velocityScore(t.velocity, now) };
    scored.push({ ordinal, id: t.id, score: topScore(relevance, signals) });
    await pause();
  }
  return scored.sort(byTopScore).map((s) => s.ordinal);
}

/**
 * What matchesQuery reads of a tweet: its words, its marks (of those the query has: `marks`), and author. From the
 * index where it has the tweet's words (a few hundred ns), else from its text (read from a checkpoint and analysed).
 */
function documentAt(p: Projection, ordinal: number, marks: readonly string[]): SearchDocument {
  const author = p.users.get(p.tweets.authorAt(ordinal)!)!.username.toLowerCase();
  const { search } = p;
  const ids = search.sequence(ordinal);
  if (ids !== undefined) {
    const words = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) words[i] = search.term(ids[i]!);
    const has = marks.filter((mark) => {
      const postings = search.postings(mark);
      return postings !== undefined && hasPosting(postings, ordinal);
    });
    return { words, marks: has, author };
  }
  const { content, facts } = p.tweets.textAt(ordinal)!;
  const { hashtags, mentions } = unpackFacts(facts);
  return { ...documentTerms(content, hashtags, mentions), author };
}

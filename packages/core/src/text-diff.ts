// The diff a reader sees between two versions (API `tweet.diff`): exact, and bounded for any two texts the store holds.
//
// A diff search costs O((N+M)·D) for texts of N and M code units that differ by D edits: two unrelated 10,000-unit
// texts held the event loop for seconds. So every search here is jsdiff's Myers diff with `maxEditLength`, a size rule
// (never a deadline: the answer does not depend on machine speed) that gives up past that many edits, at a cost that
// grows with the limit, not with D:
//   1. letters: the differing middle (between the common start and end) code point by code point, up to
//      MAX_LETTER_EDITS code points inserted plus deleted: what a person changes in one edit;
//   2. words: else the middle as words, runs of spaces and single other characters, up to MAX_WORD_EDITS of them;
//      short changed stretches are compared letter by letter again, longer ones stay whole words;
//   3. whole: else the middle as one replacement.
// The result says how fine it came out (`granularity`), so a reader can be told. Letter diffs get diff-match-patch's
// semantic cleanup (whole words instead of a salad of shared letters), and every edge between kept and changed text
// is moved onto a boundary of user-perceived characters in both texts (a changed emoji sequence shows up whole).
import { cleanupSemantic } from '@sanity/diff-match-patch';
import { diffArrays, diffChars, type ChangeObject } from 'diff';
import { graphemeSegments } from 'unicode-segmenter/grapheme';
import { commonEnds } from './common-ends.ts';
import type { DiffGranularity, DiffOp, TextDiff } from './model.ts';
import { add, addOp, change, keep, type Piece } from './pieces.ts';

/** Code points inserted plus deleted in a letter-by-letter diff of the whole middle. */
const MAX_LETTER_EDITS = 64;
/** Words, spaces and other characters inserted plus deleted in a word-by-word diff of the middle. */
const MAX_WORD_EDITS = 64;
/** Code units, in all, of the changed stretches of a word diff that are compared letter by letter again. */
const REFINE_UNITS = 256;
/** Code units of the longest changed stretch compared letter by letter again. */
const REFINE_STRETCH_UNITS = 64;

export function diffTexts(a: string, b: string): TextDiff {
  const [start, end] = commonEnds(a, b);
  const [middleA, middleB] = [a.slice(start, a.length - end), b.slice(start, b.length - end)];
  const pieces: Piece[] = [];
  keep(pieces, a.slice(0, start));
  const hopeless = unitsAtLeastDifferent(middleA, middleB) > 2 * MAX_LETTER_EDITS;
  const letters = hopeless ? undefined : diffChars(middleA, middleB, { maxEditLength: MAX_LETTER_EDITS });
  let granularity: DiffGranularity = 'character';
  if (letters) append(pieces, letters, (value) => value);
  else if (!middleA || !middleB) change(pieces, middleA, middleB); // only added or only removed: its own letter diff
  else granularity = diffWords(middleA, middleB, pieces);
  keep(pieces, a.slice(a.length - end));
  // A letter diff of the middle is cleaned up with the common start and end, where its edits may slide onto word
  // boundaries; a word diff needs no cleanup (its stretches compared letter by letter were cleaned up one by one).
  return { granularity, ops: toOps(alignPieces(letters ? readable(pieces) : pieces, a, b)) };
}

/**
 * How many code units one text holds more of than the other, counted by value: a cheap lower bound of the units any
 * diff inserts plus deletes (a code point is at most two units), so a search sure to fail is never run. Unrelated
 * texts, the usual rewrite, skip the letter search this way; texts with the same letters in another order do not.
 */
function unitsAtLeastDifferent(a: string, b: string): number {
  const inA = new Uint32Array(0x10000); // how often `a` holds each code unit
  for (let i = 0; i < a.length; i++) inA[a.charCodeAt(i)]!++;
  let shared = 0;
  for (let i = 0; i < b.length; i++) {
    const unit = b.charCodeAt(i);
    if (inA[unit]! > 0) {
      inA[unit]!--;
      shared++;
    }
  }
  return a.length + b.length - 2 * shared;
}

/** Appends a word diff of `a` into `b` to `pieces`, short changed stretches letter by letter; or one replacement past
 * MAX_WORD_EDITS. Says how fine the result is. */
function diffWords(a: string, b: string, pieces: Piece[]): DiffGranularity {
  const words = diffArrays(tokens(a), tokens(b), { maxEditLength: MAX_WORD_EDITS });
  if (!words) {
    change(pieces, a, b);
    return 'whole';
  }
  const stretches: Piece[] = [];
  append(stretches, words, (value) => value.join(''));
  let granularity: DiffGranularity = 'character';
  let allowance = REFINE_UNITS;
  for (const piece of stretches) {
    if (typeof piece === 'string' || !piece.del || !piece.ins) {
      add(pieces, piece);
      continue;
    }
    const units = piece.del.length + piece.ins.length;
    if (units > Math.min(REFINE_STRETCH_UNITS, allowance)) {
      add(pieces, piece);
      granularity = 'word';
      continue;
    }
    allowance -= units;
    const letters: Piece[] = []; // no edit limit needed: a stretch this short is cheap to compare whatever its edits
    append(letters, diffChars(piece.del, piece.ins), (value) => value);
    for (const letter of readable(letters)) add(pieces, letter);
  }
  return granularity;
}

function append<T>(pieces: Piece[], changes: ChangeObject<T>[], text: (value: T) => string): void {
  for (const { added, removed, value } of changes) {
    if (added) change(pieces, '', text(value));
    else if (removed) change(pieces, text(value), '');
    else keep(pieces, text(value));
  }
}

/**
 * Words (letters, marks, digits and connectors, which keeps URLs' parts and hashtags whole), runs of white space, and
 * every other code point alone. Han and kana characters stand alone too: those scripts put no spaces between words.
 */
const TOKEN = /(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{M}\p{N}\p{Pc}])+|\s+|[^]/gu;
const tokens = (text: string): string[] => text.match(TOKEN) ?? [];

/** diff-match-patch's semantic cleanup: whole words instead of a salad of shared letters. Its costs grow faster than
 * the texts' (its overlap search is quadratic in a change's length), so it only ever sees letter diffs, whose changes
 * are short by construction. */
function readable(pieces: Piece[]): Piece[] {
  const cleaned: Piece[] = [];
  for (const [op, text] of cleanupSemantic(toOps(pieces))) addOp(cleaned, op, text);
  return cleaned;
}

/**
 * Moves the edges between kept and changed text onto boundaries of both texts (here: grapheme clusters). Kept text
 * that straddles an edge joins the neighbouring change on both sides, so a changed emoji sequence shows up whole.
 */
function alignPieces(pieces: readonly Piece[], a: string, b: string): Piece[] {
  const atA = graphemeBoundaries(a);
  const atB = graphemeBoundaries(b);
  const aligned: Piece[] = [];
  let posA = 0;
  let posB = 0;
  for (const [i, piece] of pieces.entries()) {
    if (typeof piece !== 'string') {
      change(aligned, piece.del, piece.ins);
      posA += piece.del.length;
      posB += piece.ins.length;
      continue;
    }
    const fits = (k: number) => atA(posA + k) && atB(posB + k);
    let start = 0;
    let end = piece.length;
    if (i > 0) while (start < piece.length && !fits(start)) start++; // after a change: start on a shared boundary
    if (i < pieces.length - 1) while (end > start && !fits(end)) end--; // before a change: end on one
    change(aligned, piece.slice(0, start), piece.slice(0, start));
    keep(aligned, piece.slice(start, end));
    change(aligned, piece.slice(end), piece.slice(end));
    posA += piece.length;
    posB += piece.length;
  }
  return aligned;
}

/** Whether a grapheme cluster starts at an index (or it is the end). unicode-segmenter walks 10,000 code units in about
 * a millisecond, Intl.Segmenter in ~40 ms on Node 20; text below U+0300 without CR breaks between all code units. */
function graphemeBoundaries(text: string): (index: number) => boolean {
  if (!/[\r\u0300-\uffff]/.test(text)) return () => true;
  const at = new Uint8Array(text.length + 1);
  for (const { index } of graphemeSegments(text)) at[index] = 1;
  at[text.length] = 1;
  return (index) => at[index] === 1;
}

function toOps(pieces: readonly Piece[]): DiffOp[] {
  const ops: DiffOp[] = [];
  for (const piece of pieces) {
    if (typeof piece === 'string') ops.push([0, piece]);
    else {
      if (piece.del) ops.push([-1, piece.del]);
      if (piece.ins) ops.push([1, piece.ins]);
    }
  }
  return ops;
}

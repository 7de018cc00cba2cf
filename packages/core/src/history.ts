// Version history: whole keyframes plus exact deltas between consecutive versions (DESIGN.md "Version history").
//
// The diff comes from @sanity/diff-match-patch; the delta text is our own, because its classic delta encodes inserted
// text with encodeURI, which throws on a lone surrogate and triples the size of every non-ASCII character.
//
// Delta format (lengths in UTF-16 code units, written in base 36):
//   delta  := check op*          check = FNV-1a 32 of the resulting text; a delta that does not fit its base fails it
//   op     := "=" n              keep n
//           | "-" n              delete n
//           | "+" n ":" text     insert the next n code units verbatim (no escaping needed)
// Whatever remains of the base after the last op is kept. A future format must start with a character outside
// [0-9a-z] so the two can be told apart.
import { cleanupEfficiency, DIFF_DELETE, DIFF_INSERT, makeDiff, type Diff } from '@sanity/diff-match-patch';
import { commonEnds } from './common-ends.ts';
import { addOp, type Piece } from './pieces.ts';

/** A whole keyframe every 32 versions: rebuilding any version applies at most 31 deltas of a few bytes each,
 * and 20 small edits stay within 25% of the bytes of 20 full copies (at 10, two inline keyframes alone
 * cost ~10% of that budget plus JSON wrapping: 29%). */
export const DEFAULT_KEYFRAME_INTERVAL = 32;

export type VersionBody = { keyframe: true; content: string } | { keyframe: false; delta: string };

/**
 * Texts whose differing middles (after their common start and end) span more than this many pairs of code units are
 * replaced whole between those ends: the library's search is O(N·D) (240 µs for two unrelated 66-unit texts, 2 µs
 * this way; .scratch measure in the commit), and a rewrite saves next to nothing over a whole replacement. Small
 * edits, what histories are built for, stay under it and get the library's minimal diff. A size rule, not a
 * deadline: a delta never depends on machine speed.
 */
const MAX_DIFF_AREA = 32 * 32;

export function encodeDelta(prev: string, next: string): string {
  const [start, end] = commonEnds(prev, next);
  const [removed, added] = [prev.length - start - end, next.length - start - end];
  if (removed * added > MAX_DIFF_AREA) {
    const keep = start > 0 ? `=${start.toString(36)}` : '';
    return `${checksum(next)}${keep}-${removed.toString(36)}+${added.toString(36)}:${next.slice(start, next.length - end)}`;
  }
  let out = checksum(next);
  let pendingKeep = 0;
  for (const piece of diffPieces(prev, next, cleanupEfficiency)) {
    if (typeof piece === 'string') {
      pendingKeep += piece.length;
      continue;
    }
    if (pendingKeep > 0) out += `=${pendingKeep.toString(36)}`;
    pendingKeep = 0;
    if (piece.del) out += `-${piece.del.length.toString(36)}`;
    if (piece.ins) out += `+${piece.ins.length.toString(36)}:${piece.ins}`;
  }
  return out; // a trailing keep is implied
}

export function applyDelta(prev: string, delta: string): string {
  const misfit = (why: string) => new DeltaMismatch(`delta does not fit its base text: ${why}`);
  const head = /^[0-9a-z]+/.exec(delta);
  if (!head) throw misfit('unknown delta format');
  const parts: string[] = [];
  let at = head[0].length; // position in delta
  let cursor = 0; // position in prev
  const readNumber = (): number => {
    const m = /^[0-9a-z]+/.exec(delta.slice(at, at + 8));
    if (!m) throw misfit(`expected a length at offset ${at}`);
    at += m[0].length;
    return parseInt(m[0], 36);
  };
  while (at < delta.length) {
    const op = delta[at++];
    const n = readNumber();
    if (op === '=' || op === '-') {
      if (cursor + n > prev.length) throw misfit(`it reaches past the end of the ${prev.length}-unit base`);
      if (op === '=') parts.push(prev.slice(cursor, cursor + n));
      cursor += n;
    } else if (op === '+') {
      if (delta[at++] !== ':' || at + n > delta.length) throw misfit(`truncated insert at offset ${at}`);
      parts.push(delta.slice(at, at + n));
      at += n;
    } else {
      throw misfit(`unknown operation ${JSON.stringify(op)} at offset ${at - 1}`);
    }
  }
  parts.push(prev.slice(cursor));
  const next = parts.join('');
  if (checksum(next) !== head[0]) throw misfit('checksum of the result does not match');
  return next;
}

/** A delta applied to a text it was not made from, or a corrupt delta. */
export class DeltaMismatch extends Error {
  override name = 'DeltaMismatch';
}

/**
 * Body for `version` (1-based) whose text is `next` and previous text `prev`. Keyframe when (version-1) % interval === 0
 * (so version 1 always), when there is no previous text, or when the delta would not be smaller than the text itself.
 */
export function versionBody(
  version: number,
  prev: string | null,
  next: string,
  keyframeInterval = DEFAULT_KEYFRAME_INTERVAL,
): VersionBody {
  if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`version must be an integer >= 1, got ${version}`);
  if (!Number.isSafeInteger(keyframeInterval) || keyframeInterval < 1) {
    throw new RangeError(`keyframe interval must be an integer >= 1, got ${keyframeInterval}`);
  }
  if (prev === null || (version - 1) % keyframeInterval === 0) return { keyframe: true, content: next };
  const delta = encodeDelta(prev, next);
  return delta.length < next.length ? { keyframe: false, delta } : { keyframe: true, content: next };
}

/** Rebuild the text of `version` from bodies[0..] (bodies[i] is version i+1), starting at the nearest keyframe at or before it. */
export function rebuildVersion(bodies: readonly VersionBody[], version: number): string {
  if (!Number.isSafeInteger(version) || version < 1 || version > bodies.length) {
    throw new RangeError(`version ${version} is not in 1..${bodies.length}`);
  }
  let start = version - 1;
  while (start >= 0 && !bodies[start]!.keyframe) start--;
  if (start < 0) throw new DeltaMismatch(`no keyframe at or before version ${version}`);
  let text = '';
  for (let i = start; i < version; i++) text = bodyText(bodies[i]!, text);
  return text;
}

/** Every version's text, oldest first, in one pass. */
export function rebuildAll(bodies: readonly VersionBody[]): string[] {
  const texts: string[] = [];
  for (const [i, body] of bodies.entries()) {
    if (i === 0 && !body.keyframe) throw new DeltaMismatch('version 1 must be a keyframe');
    texts.push(bodyText(body, texts[i - 1] ?? ''));
  }
  return texts;
}

function bodyText(body: VersionBody, prev: string): string {
  return body.keyframe ? body.content : applyDelta(prev, body.delta);
}

// --- diffing ------------------------------------------------------------------------------------------------------

/**
 * The library's diff of `a` into `b`, on whole code points. diff-match-patch works on UTF-16 code units, and its own
 * surrogate-pair repair in `makeDiff` can return a diff that does not rebuild `a` (e.g. "😀𒁧" -> "𒁧👨‍👩‍👧" in
 * @sanity/diff-match-patch 3.2.1). So every code point that is not a single code unit (astral, or a lone surrogate)
 * is first replaced by a private-use character that occurs in neither text, and mapped back afterwards. The result is
 * checked: should it still not rebuild both texts, it degrades to one whole replacement, never to a wrong delta.
 */
function diffPieces(a: string, b: string, cleanup: (diffs: Diff[]) => Diff[]): Piece[] {
  const units = new CodePointUnits(a, b);
  // timeout: Infinity = no deadline, so the result never depends on machine speed.
  const diffs = units.ok ? cleanup(makeDiff(units.encode(a), units.encode(b), { timeout: Number.POSITIVE_INFINITY, checkLines: false })) : [];
  const pieces: Piece[] = [];
  const [oldParts, newParts]: [string[], string[]] = [[], []];
  for (const [op, mapped] of diffs) {
    const text = units.decode(mapped);
    if (op !== DIFF_INSERT) oldParts.push(text);
    if (op !== DIFF_DELETE) newParts.push(text);
    addOp(pieces, op, text);
  }
  if (units.ok && oldParts.join('') === a && newParts.join('') === b) return pieces;
  if (a === b) return a ? [a] : [];
  return [{ del: a, ins: b }];
}

/** A reversible map from the multi-unit code points of two texts to single private-use code units unused by both. */
class CodePointUnits {
  private readonly toUnit = new Map<string, string>();
  private readonly fromUnit = new Map<string, string>();
  readonly ok: boolean = true;

  constructor(...texts: string[]) {
    const used = new Set<string>();
    const wide = new Set<string>();
    for (const text of texts) {
      for (const cp of text) {
        if (cp.length === 1 && !isSurrogate(cp.charCodeAt(0))) used.add(cp);
        else wide.add(cp);
      }
    }
    let next = PRIVATE_USE_FIRST;
    for (const cp of wide) {
      while (next <= PRIVATE_USE_LAST && used.has(String.fromCharCode(next))) next++;
      if (next > PRIVATE_USE_LAST) {
        this.ok = false; // thousands of distinct astral code points: let the caller fall back
        return;
      }
      const unit = String.fromCharCode(next++);
      this.toUnit.set(cp, unit);
      this.fromUnit.set(unit, cp);
    }
  }

  encode(text: string): string {
    if (this.toUnit.size === 0) return text;
    let out = '';
    for (const cp of text) out += this.toUnit.get(cp) ?? cp;
    return out;
  }

  decode(text: string): string {
    if (this.fromUnit.size === 0) return text;
    let out = '';
    for (const unit of text) out += this.fromUnit.get(unit) ?? unit;
    return out;
  }
}

const PRIVATE_USE_FIRST = 0xe000;
const PRIVATE_USE_LAST = 0xf8ff;

const isSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdfff;
/** FNV-1a over UTF-16 code units, base 36: cheap, pure, and well-defined even for ill-formed strings. */
function checksum(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

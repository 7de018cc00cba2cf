// Texts and edits for property tests of diffs: the Unicode that breaks naive UTF-16 diffs, and edits made on them.
import fc from 'fast-check';

// Pieces that break naive UTF-16 diffs: emoji sharing a high surrogate (U+1F600..U+1F64F all start with \uD83D),
// regional indicators, ZWJ families, skin tones, combining marks, CJK (BMP and astral), RTL, and plain ASCII.
export const TRICKY = [
  '😀', '😃', '😄', '😁', '🙂', '🇺', '🇸', '🇪', '🇺🇸', '🇸🇪', '👨‍👩‍👧', '👨‍👩‍👦', '👍🏽', '👍🏿', '\u200d', '\ufe0f',
  'e', '\u0301', '\u0300', 'é', 'ñ', '日本', '語', '𠀀', '𩸽', 'שלום', ' ', 'a', 'b', '#', '\n',
];
const unit = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
);
export const text = (maxLength: number) => fc.string({ unit, maxLength });

/** An edit at code-point positions: it may split a grapheme (ZWJ sequence, combining mark) but never a surrogate pair. */
export const edit = fc.record({
  at: fc.nat(),
  remove: fc.oneof(fc.constant(0), fc.nat({ max: 3 }), fc.nat({ max: 300 })),
  insert: fc.oneof(fc.constant(''), text(3), text(120)),
});
export type Edit = { at: number; remove: number; insert: string };

export function applyEdit(s: string, e: Edit): string {
  const cps = Array.from(s);
  const at = e.at % (cps.length + 1);
  cps.splice(at, e.remove, e.insert);
  return cps.join('');
}

export function historyOf(initial: string, edits: Edit[]): string[] {
  const texts = [initial];
  for (const e of edits) texts.push(applyEdit(texts.at(-1)!, e));
  return texts;
}

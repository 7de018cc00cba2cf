// What a reader can see. Text made only of spaces, zero-width and format characters, controls, or letters that draw
// nothing looks empty on every screen, so it counts as blank wherever blank text is refused (tweets, display names).
// Unicode's own properties say which characters those are, so new ones arrive with the engine's Unicode data.

/**
 * A character that draws something: not White_Space; not Default_Ignorable_Code_Point (U+200B, U+2060, U+FEFF, U+00AD,
 * variation selectors, tag characters, and the Hangul fillers U+115F, U+1160, U+3164, U+FFA0); not a control (Cc) or
 * other format character (Cf); and not one of the symbols Unicode keeps visible that draw nothing: U+2800 BRAILLE
 * PATTERN BLANK and U+1D159 MUSICAL SYMBOL NULL NOTEHEAD.
 */
const VISIBLE = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\u2800\u{1D159}]/u;

/** C0 and C1 controls and DEL, except tab, line feed, and carriage return as half of CRLF. */
const CONTROL_IN_TEXT = /(?!\r\n)[^\P{Cc}\t\n]/u;
/** Every control: a one-line field has no use for tabs or line breaks. */
const CONTROL_IN_LINE = /\p{Cc}/u;

/** True when the text has no character that draws something (the empty text included). */
export function isBlank(text: string): boolean {
  return !VISIBLE.test(text);
}

/**
 * True when the text holds a control character its kind of field refuses. Controls move terminals' cursors, ring
 * bells, end C strings (NUL) and hide or forge lines in logs; multi-line text keeps tab, LF and CRLF.
 */
export function hasControlCharacter(text: string, field: 'multi-line' | 'one-line'): boolean {
  return (field === 'multi-line' ? CONTROL_IN_TEXT : CONTROL_IN_LINE).test(text);
}

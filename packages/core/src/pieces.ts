/** A diff as alternating kept text (string) and changes; no two changes are adjacent, no kept text is empty. */
export type Piece = string | { del: string; ins: string };

/** Appends kept text, joining it to kept text before it. */
export function keep(pieces: Piece[], text: string): void {
  if (!text) return;
  const last = pieces.at(-1);
  if (typeof last === 'string') pieces[pieces.length - 1] = last + text;
  else pieces.push(text);
}

/** Appends a change, joining it to a change before it. */
export function change(pieces: Piece[], del: string, ins: string): void {
  if (!del && !ins) return;
  const last = pieces.at(-1);
  if (last !== undefined && typeof last !== 'string') {
    last.del += del;
    last.ins += ins;
  } else pieces.push({ del, ins });
}

/** Appends a piece of either kind. */
export function add(pieces: Piece[], piece: Piece): void {
  if (typeof piece === 'string') keep(pieces, piece);
  else change(pieces, piece.del, piece.ins);
}

/** Appends a diff op as diff-match-patch and the API write it: [-1 | 0 | 1, text]. */
export function addOp(pieces: Piece[], op: number, text: string): void {
  if (op === 0) keep(pieces, text);
  else if (op < 0) change(pieces, text, '');
  else change(pieces, '', text);
}

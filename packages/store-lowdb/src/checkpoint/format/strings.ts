// A column of strings in a checkpoint file: when all have the same length (ids, content hashes), one string that
// JSON parses at once and each value a slice of it (V8 keeps a slice as a pointer into the whole); else an array.
export type Strings = { width: number; all: string } | string[];

export function packStrings(values: readonly string[]): Strings {
  const width = values[0]?.length ?? 0;
  return width > 0 && values.every((v) => v.length === width) ? { width, all: values.join('') } : [...values];
}

export function stringAt(s: Strings, i: number): string {
  return Array.isArray(s) ? s[i]! : s.all.slice(i * s.width, (i + 1) * s.width);
}

/** How many strings; throws if `s` is no such column. */
export function stringCount(s: Strings): number {
  if (Array.isArray(s)) return s.length;
  if (typeof s?.all !== 'string' || !(s.width > 0) || s.all.length % s.width !== 0) throw new Error('bad fixed-width strings');
  return s.all.length / s.width;
}

/** packStrings of `s`'s strings followed by `more`'s. */
export function appendStrings(s: Strings, more: Strings): Strings {
  if (!Array.isArray(s) && !Array.isArray(more) && s.width === more.width) return { width: s.width, all: s.all + more.all };
  const values = (x: Strings) => Array.from({ length: stringCount(x) }, (_, i) => stringAt(x, i));
  return packStrings([...values(s), ...values(more)]);
}

// Content-addressed text table: every distinct text once, by contentHash, shared by the tweets' current content and
// the keyframes of their histories (so a checkpoint stores each text once and the heap holds one string).
// Reference-counted: a text no tweet shows and no keyframe holds is dropped (its version rebuilds from deltas).

export class TextTable {
  readonly #texts = new Map<string, { text: string; refs: number }>();

  get size(): number {
    return this.#texts.size;
  }

  /** Adds a reference; returns the canonical string for `hash` (the first one stored). */
  ref(hash: string, text: string): string {
    const entry = this.#texts.get(hash);
    if (entry) {
      entry.refs++;
      return entry.text;
    }
    this.#texts.set(hash, { text, refs: 1 });
    return text;
  }

  unref(hash: string): void {
    const entry = this.#texts.get(hash);
    if (entry && --entry.refs <= 0) this.#texts.delete(hash);
  }

  get(hash: string): string | undefined {
    return this.#texts.get(hash)?.text;
  }

  *entries(): IterableIterator<[hash: string, text: string]> {
    for (const [hash, { text }] of this.#texts) yield [hash, text];
  }
}

// JSON.parse is fast on text but slow on structure: a 1 MiB body of 500,000 nested arrays held the event loop
// ~145 ms, one object of 80,000 keys ~55 ms (and superjson and zod then walk what it made). No call of this API
// needs more than a few levels and a few hundred values (a batch of 50 creates has ~600), so before a request body
// or WebSocket message is parsed, one pass counts its nesting and its values, and refuses what is far past that.
// The pass skips strings with indexOf, so text costs ~1 ms per MB; structure stops it at the bound.

export const JSON_MAX_DEPTH = 32;
export const JSON_MAX_VALUES = 10_000;

/** Why parsing `text` would cost too much, or null. Malformed JSON is left to JSON.parse to report. */
export function tooComplexJson(text: string, maxDepth = JSON_MAX_DEPTH, maxValues = JSON_MAX_VALUES): string | null {
  let depth = 0;
  let values = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i = closingQuote(text, i);
      if (i < 0) return null;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > maxDepth) return `JSON nested deeper than ${maxDepth} levels`;
      if (++values > maxValues) return `JSON with more than ${maxValues} values`;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    } else if (c === 44 /* , */) {
      if (++values > maxValues) return `JSON with more than ${maxValues} values`;
    }
  }
  return null;
}

/** The index of the quote that closes the string opening at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return -1;
    let slashes = 0;
    while (text.charCodeAt(at - 1 - slashes) === 92 /* \ */) slashes++;
    if (slashes % 2 === 0) return at;
  }
}

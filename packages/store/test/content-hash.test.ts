import fc from 'fast-check';
import { contentHash as portable } from '@tweetstore/core';
import { describe, expect, it } from 'vitest';
import { contentHash } from '../src/content-hash.ts';

describe("the store's native contentHash", () => {
  it("equals core's portable one on any text, astral characters and lone surrogates included", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary-ascii' })), (text) => {
        expect(contentHash(text)).toBe(portable(text));
      }),
      { numRuns: 2000 },
    );
  });
});

// isoString stands in for Date#toISOString in every output the server writes: it must be the same text for any time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoString } from '../src/iso-string.ts';

const FIRST = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
const END = 253_402_300_800_000; // 10000-01-01T00:00:00.000Z
const MAX = 8.64e15; // the last time a Date holds

describe('isoString', () => {
  it('is toISOString for every time a Date holds, the six-digit years outside 0000-9999 included', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: FIRST, max: END - 1 }), fc.integer({ min: -MAX, max: MAX }), fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 })), (time) => {
        expect(isoString(time)).toBe(new Date(time).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('is toISOString at the edges: the epoch, before it, leap days, the ends of years 0 and 9999, and day changes in a row', () => {
    const edges = [0, -1, 1, FIRST, FIRST - 1, END - 1, END, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, -2_208_988_800_001, 1_796_688_928_440, 86_399_999, 86_400_000, -86_400_000, -86_400_001];
    // the day part is kept from call to call: alternate between days to catch a stale one
    for (const time of [...edges, ...edges.reverse()]) expect(isoString(time)).toBe(new Date(time).toISOString());
  });
});

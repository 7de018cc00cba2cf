// The output transformer must be superjson's wire format exactly: clients deserialise it with superjson.
import fc from 'fast-check';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { immutableOutput, serializeOutput } from '../src/wire.ts';
import { openTestApi } from './setup.ts';

/** Both serialisations as JSON text (or the error each throws). */
function both(value: unknown): [string, string] {
  const run = (serialize: (v: unknown) => unknown) => {
    try {
      return JSON.stringify(serialize(value));
    } catch (error) {
      return `throws ${(error as Error).message}`;
    }
  };
  return [run(serializeOutput), run((v) => superjson.serialize(v))];
}

const date = fc.oneof(fc.date({ noInvalidDate: true }), fc.date());
const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('a.b', 'x\\y', '0', '12', '__proto__', 'toJSON', 'with.dot\\.esc'));

/** Values shaped like our outputs (plain objects, arrays, dates, undefined) with some objects shared by reference. */
const shaped = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    date,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(key, tie('node'), { maxKeys: 5 }),
  ),
}));
const withSharing = fc.tuple(fc.array(shaped.node, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { maxLength: 6 })).map(([parts, picks]) => {
  // the same object (or date) placed at several paths, as a page of tweets shares an author
  const shared = parts.map((p) => (typeof p === 'object' && p !== null ? p : { p, at: new Date(0) }));
  // met first at a deep path and again at shallower ones: superjson names the shortest path as the original
  return { nested: { deeper: [shared[0], { x: shared[shared.length - 1] }] }, first: shared, again: picks.map((i) => shared[i % shared.length]) };
});

describe('serializeOutput', () => {
  it("produces superjson's exact output for values shaped like ours, shared references included", () => {
    fc.assert(
      fc.property(fc.oneof(shaped.node, withSharing), (value) => {
        const [ours, theirs] = both(value);
        expect(ours).toBe(theirs);
      }),
      { numRuns: 2000 },
    );
  });

  it("falls back to superjson for every other value (maps, sets, bigint, NaN, -0, boxed values, sparse arrays, null prototypes)", () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        const [ours, theirs] = both(value);
        expect(ours).toBe(theirs);
      }),
      { numRuns: 2000 },
    );
  });

  it('handles the edge cases by name', () => {
    const a = { id: 'x', at: new Date(1) };
    const cycle: Record<string, unknown> = { n: 1 };
    cycle.self = cycle;
    const cases: unknown[] = [
      undefined,
      null,
      new Date(5),
      new Date(Number.NaN),
      [new Date(2), { d: new Date(3) }],
      { list: [{ x: new Date(4) }, new Date(5)] }, // an integer key after a dotted one in the same level
      { a, b: [a, a], c: { d: a } },
      { deep: { in: [a] }, top: a },
      { d: new Date(7), e: null, f: undefined, 'g.h': new Date(8) },
      [-0, Number.NaN, Infinity, 1n],
      cycle,
      Object.assign([1, 2], { extra: 3 }),
      { __proto__: null, x: new Date(9) },
      JSON.parse('{"__proto__": 1}'),
    ];
    for (const value of cases) {
      const [ours, theirs] = both(value);
      expect(ours, String(JSON.stringify(theirs))).toBe(theirs);
    }
  });

  it("serialises a real page of tweets as superjson does, and superjson reads it back", async () => {
    const t = await openTestApi();
    try {
      const { api } = await t.user('wire');
      for (let i = 0; i < 25; i++) await api.tweet.create({ content: `wire #${i} 🎉 https://example.com/${i} 日本語` });
      const page = await t.anonymous.tweet.list({ limit: 20 });
      const [ours, theirs] = both(page);
      expect(ours).toBe(theirs);
      expect(superjson.deserialize(JSON.parse(ours))).toEqual(page);
    } finally {
      await t.close();
    }
  });
});

describe('immutableOutput', () => {
  it('writes a value marked immutable once, however often it is sent, and as superjson would', () => {
    const change = immutableOutput({ type: 'created', tweet: { id: 'x', createdAt: new Date(3), editedAt: null } });
    const first = serializeOutput(change);
    expect(serializeOutput(change)).toBe(first);
    expect(JSON.stringify(first)).toBe(JSON.stringify(superjson.serialize(change)));
    // an unmarked value is written afresh each time
    const plain = { at: new Date(4) };
    expect(serializeOutput(plain)).not.toBe(serializeOutput(plain));
  });
});

// The output transformer must be superjson's wire format exactly: clients deserialise it with superjson.
import fc from 'fast-check';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { encodeMessage, immutableOutput, serializeOutput } from '../src/wire.ts';
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

/** A subscription's message as tRPC's WebSocket adapter builds it, through our transformer. */
function wsMessage(rpcId: unknown, eventId: string, data: unknown) {
  return { id: rpcId, jsonrpc: '2.0', result: { type: 'data', data: serializeOutput({ id: eventId, data }), id: eventId } };
}

describe('a tracked subscription item', () => {
  const change = () =>
    immutableOutput({ type: 'created', tweet: { id: 'x', author: { id: 'u', at: new Date(1) }, createdAt: new Date(3), editedAt: null, text: 'a "quoted" 🎉\n' } });

  it('is serialised as superjson would, for every subscriber, with the walk made once', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), shaped.node, (ids, extra) => {
        const value = immutableOutput({ ...change(), extra });
        const refused = both({ id: ids[0], data: value });
        if (refused[1].startsWith('throws')) return void expect(refused[0]).toBe(refused[1]); // superjson refuses __proto__
        const outputs = ids.map((id) => serializeOutput({ id, data: value }));
        for (const [i, id] of ids.entries()) expect(JSON.stringify(outputs[i])).toBe(JSON.stringify(superjson.serialize({ id, data: value })));
        // the shared part is one object for all of them
        for (const out of outputs) expect((out.json as { data: unknown }).data).toBe((outputs[0]!.json as { data: unknown }).data);
      }),
      { numRuns: 500 },
    );
  });

  it('is not taken for an envelope of any other shape, or with data not marked immutable', () => {
    const value = change();
    const cases = [{ id: 'e', data: { ...value } }, { data: value, id: 'e' }, { id: 1, data: value }, { id: 'e', data: value, more: value }];
    for (const envelope of cases) expect(JSON.stringify(serializeOutput(envelope))).toBe(JSON.stringify(superjson.serialize(envelope)));
  });
});

describe('encodeMessage', () => {
  it("writes exactly JSON.stringify's text, whatever the JSON-RPC id a client chose", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant(undefined)), fc.string(), shaped.node, (rpcId, eventId, extra) => {
        const value = immutableOutput({ type: 'created', tweet: { at: new Date(2), extra } });
        fc.pre(!both({ id: eventId, data: value })[1].startsWith('throws')); // superjson refuses __proto__
        for (let i = 0; i < 3; i++) {
          const message = wsMessage(rpcId, eventId, value);
          expect(encodeMessage(message)).toBe(JSON.stringify(message));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('writes every other message as JSON.stringify does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        fc.pre(!both(value)[1].startsWith('throws')); // superjson refuses __proto__
        const message = { id: 1, jsonrpc: '2.0', result: { type: 'data', data: serializeOutput(value) } };
        expect(encodeMessage(message)).toBe(JSON.stringify(message));
        expect(encodeMessage(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 500 },
    );
  });
});

// A checkpoint's large files are made in slices so the event loop turns meanwhile: the JSON text a part at a time,
// and a grown history by appending to its stored row instead of decoding and encoding it whole. Both must give
// exactly what the one-piece way gives (the same bytes, so the same size and CRC-32 in the manifest).
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grownRow, historyRow, historyVersions } from '../src/checkpoint/format/history-rows.ts';
import type { VersionRecord } from '../src/projection/records.ts';
import { appendStrings, packStrings } from '../src/checkpoint/format/strings.ts';
import { parseInSlices, stringifyInSlices } from '../src/checkpoint/files.ts';

const json = fc.jsonValue({ maxDepth: 3 });
/** Objects like a checkpoint's files: columns (arrays, some longer than a part), sparse records, strings, numbers. */
const fileLike = fc.dictionary(
  fc.string(),
  fc.oneof(fc.array(json, { maxLength: 300 }), fc.array(fc.integer(), { minLength: 60, maxLength: 700 }), json, fc.constant(undefined)),
);

describe('stringifyInSlices and parseInSlices', () => {
  it('write JSON that parses to the data, with the byte length and CRC-32 of its UTF-8, and read it back', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fileLike, fc.array(json, { maxLength: 200 })), async (data) => {
        const { text, facts } = await stringifyInSlices(data);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(data)));
        expect(facts).toEqual({ bytes: Buffer.byteLength(text), crc: crc32(text) });
        expect(await parseInSlices(Buffer.from(text))).toEqual(JSON.parse(text));
        expect(await parseInSlices(Buffer.from(text), 0)).toEqual(JSON.parse(text)); // line by line, as a large file
      }),
      { numRuns: 200 },
    );
  });

  it('put each part of a long column on a line of its own, and nothing else', async () => {
    const rows = Array.from({ length: 130 }, (_, i) => i);
    const { text } = await stringifyInSlices({ rows, empty: [], texts: [['h', 'x\n']], '"[': 1 });
    const part = (from: number, to: number) => rows.slice(from, to).join(',');
    expect(text.split('\n')).toEqual(['{"rows":[', `${part(0, 64)},`, `${part(64, 128)},`, part(128, 130), '],"empty":[],"texts":[', '["h","x\\n"]', '],"\\"[":1}']);
  });

  it('keep astral characters whole across parts and lines', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `😀 ${i} 𒁧 \u2028`);
    const { text, facts } = await stringifyInSlices({ rows });
    expect(await parseInSlices(Buffer.from(text), 0)).toEqual({ rows });
    expect(facts.crc).toBe(crc32(text));
  });

  it('read a file written whole (older checkpoints) and keys that look like JSON or a prototype', async () => {
    const data = { rows: [1, [2]], '"x":[': ['y'], ['__proto__']: [3] };
    expect(await parseInSlices(Buffer.from(JSON.stringify(data)))).toEqual(data);
    const text = (await stringifyInSlices(JSON.parse('{"__proto__":[1,2],"a\\":[":[3]}') as object)).text;
    for (const wholeBytes of [undefined, 0]) {
      const parsed = (await parseInSlices(Buffer.from(text), wholeBytes)) as Record<string, unknown>;
      expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
      expect(Object.entries(parsed)).toEqual([['__proto__', [1, 2]], ['a":[', [3]]]);
    }
  });
});

const hash = (width: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: width, maxLength: width });
const version = fc.record({
  kind: fc.constantFrom('created' as const, 'edited' as const, 'reverted' as const),
  step: fc.nat({ max: 10 ** 9 }),
  contentHash: fc.oneof(hash(16), hash(16), hash(8)),
  mediaIds: fc.oneof(fc.constant([]), fc.constant([]), fc.array(hash(4), { minLength: 1, maxLength: 4 })),
  keyframe: fc.boolean(),
  text: fc.string({ unit: 'grapheme', maxLength: 20 }),
});
/** Versions in time order; a keyframe's content is the same for the same hash (as content hashes are). */
const versions = fc.array(version, { minLength: 2, maxLength: 80 }).map((vs): VersionRecord[] => {
  let at = 1_700_000_000_000;
  const contentOf = new Map<string, string>();
  return vs.map((v) => {
    at += v.step;
    if (!contentOf.has(v.contentHash)) contentOf.set(v.contentHash, v.text);
    return {
      kind: v.kind,
      at,
      contentHash: v.contentHash,
      mediaIds: v.mediaIds,
      body: v.keyframe ? { keyframe: true, content: contentOf.get(v.contentHash)! } : { keyframe: false, delta: `d${v.text}` },
    };
  });
});

describe('grownRow', () => {
  it('is historyRow of the stored versions and the added ones, with the same keyframe texts', () => {
    fc.assert(
      fc.property(versions, fc.nat(), (all, cut) => {
        const stored = 1 + (cut % (all.length - 1)); // at least one stored, at least one added
        const storedTexts = new Map<string, string>();
        const row = historyRow(all.slice(0, stored), storedTexts);
        const texts = new Map<string, string>();
        const grown = grownRow(row, all.slice(stored), texts, (h) => storedTexts.get(h)!);
        const wholeTexts = new Map<string, string>();
        expect(grown).toEqual(historyRow(all, wholeTexts));
        expect(texts).toEqual(wholeTexts);
        expect(historyVersions(grown, (h) => texts.get(h)!)).toEqual(all);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a row that does not hold together', () => {
    const two = historyRow(
      [
        { kind: 'created', at: 1, contentHash: 'aa', mediaIds: [], body: { keyframe: true, content: 'x' } },
        { kind: 'edited', at: 2, contentHash: 'bb', mediaIds: [], body: { keyframe: false, delta: 'd' } },
      ],
      new Map(),
    );
    const added: VersionRecord[] = [{ kind: 'edited', at: 3, contentHash: 'cc', mediaIds: [], body: { keyframe: false, delta: 'e' } }];
    expect(() => grownRow([two[0], two[1].slice(1), two[2], two[3]], added, new Map(), () => 'x')).toThrow('differs in length');
  });
});

describe('appendStrings', () => {
  it('is packStrings of both columns’ strings', () => {
    const column = fc.oneof(fc.array(hash(6), { minLength: 1, maxLength: 5 }), fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 5 }));
    fc.assert(
      fc.property(column, column, (a, b) => {
        expect(appendStrings(packStrings(a), packStrings(b))).toEqual(packStrings([...a, ...b]));
      }),
    );
  });
});

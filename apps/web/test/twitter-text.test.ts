// The browser build swaps twitter-text's CommonJS main for a subset of its ES-module build (vite.config.ts).
// This checks that the subset answers exactly like the main the server uses, on the conformance texts and on
// random text, and that the weighted length the composer shows still passes the conformance cases.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { weightedLength } from '@tweetstore/core';
import browserBuild from '../src/twitter-text.ts';

const functions = ['extractHashtagsWithIndices', 'extractMentions', 'hasInvalidCharacters'] as const;

type Functions = Record<(typeof functions)[number], (text: string) => unknown>;
const mainPath = 'twitter-text/dist/index.js'; // the CommonJS main, by path, past the alias
const main = ((await import(/* @vite-ignore */ mainPath)) as { default: typeof browserBuild }).default;

// (A plain path: Vite rewrites `new URL(..., import.meta.url)` into an asset address.)
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../packages/core/test/fixtures/twitter-text/');
type Suite = { tests: Record<string, { text: string; expected: unknown }[]> };
const load = (name: string) => yaml.load(readFileSync(fixtures + name, 'utf8')) as Suite;
const validate = load('validate.yml');
const texts = [...Object.values(validate.tests), ...Object.values(load('extract.yml').tests)].flat().map((c) => String(c.text));


describe("the browser's twitter-text subset", () => {
  it.each(functions)('%s answers like the CommonJS main on every conformance text', (name) => {
    const differing = texts.filter((text) => JSON.stringify((browserBuild as Functions)[name](text)) !== JSON.stringify((main as Functions)[name](text)));
    expect(differing).toEqual([]);
  });

  it('answers like the CommonJS main on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.webUrl(), (text, url) => {
        for (const input of [text, `${text} ${url} #tag @user`]) {
          for (const name of functions) expect((browserBuild as Functions)[name](input)).toEqual((main as Functions)[name](input));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("has the main's URL regex parts", () => {
    for (const [name, regex] of Object.entries(browserBuild.regexen)) {
      expect(`${name} ${regex}`).toBe(`${name} ${(main.regexen as Record<string, RegExp>)[name]}`);
    }
  });

  it('has the same v3 configuration', () => {
    expect(browserBuild.configs).toEqual(main.configs);
  });

  it('gives the composer the conformance weighted lengths', () => {
    const cases = validate.tests.WeightedTweetsWithDiscountedEmojiCounterTest!;
    const wrong = cases.filter((c) => weightedLength(c.text) !== (c.expected as { weightedLength: number }).weightedLength);
    expect(wrong.map((c) => c.text)).toEqual([]);
  });
});

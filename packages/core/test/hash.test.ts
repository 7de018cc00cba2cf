import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { contentHash, sha256Hex } from '../src/hash.ts';

test('known SHA-256 vectors', () => {
  expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  expect(sha256Hex(new Uint8Array([0x61, 0x62, 0x63]))).toBe(sha256Hex('abc'));
  expect(contentHash('abc')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('strings are hashed as UTF-8, the same as node:crypto', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (s) => {
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
    }),
  );
});

test('equal text => equal hash; different text => different hash', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
      expect(contentHash(a)).toBe(contentHash(`${a}`));
      expect(contentHash(a) === contentHash(b)).toBe(a === b);
      expect(contentHash(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
    }),
  );
});

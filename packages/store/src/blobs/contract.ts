// The media blob contract: one suite, run against every BlobStore engine through its factory.
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '@tweetstore/core';
import { InvalidBlobKey, type BlobStore } from './port.ts';

export interface BlobHarness {
  blobs: BlobStore;
  /** Closes the engine and opens the same objects again. */
  reopen(): Promise<BlobStore>;
  /** Closes the engine and removes its objects. */
  cleanup(): Promise<void>;
}

export type BlobHarnessFactory = () => Promise<BlobHarness>;

const bytesOf = (text: string, times = 1) => new Uint8Array(Buffer.from(text.repeat(times)));

async function readAll(blobs: BlobStore, key: { mediaId: string; name: string }, range?: { start: number; end: number }) {
  const stream = await blobs.read(key, range);
  return stream ? new Uint8Array(await buffer(stream)) : null;
}

export function describeBlobStoreContract(engineName: string, factory: BlobHarnessFactory): void {
  describe(`BlobStore contract: ${engineName}`, () => {
    let harness: BlobHarness;
    let blobs: BlobStore;
    beforeEach(async () => {
      harness = await factory();
      blobs = harness.blobs;
    });
    afterEach(() => harness.cleanup());

    const original = bytesOf('the original bytes of an upload. ', 1000);
    const id = sha256Hex(original);

    it('reads back exactly the bytes it stored, and states their size', async () => {
      await blobs.put({ mediaId: id, name: 'original' }, original);
      await blobs.put({ mediaId: id, name: 'thumb' }, bytesOf('small'));
      expect(await readAll(blobs, { mediaId: id, name: 'original' })).toEqual(original);
      expect(await readAll(blobs, { mediaId: id, name: 'thumb' })).toEqual(bytesOf('small'));
      expect((await blobs.stat({ mediaId: id, name: 'original' }))?.bytes).toBe(original.length);
    });

    it('answers null for an object it does not hold', async () => {
      await blobs.put({ mediaId: id, name: 'original' }, original);
      expect(await blobs.stat({ mediaId: id, name: 'large' })).toBeNull();
      expect(await blobs.read({ mediaId: id, name: 'large' })).toBeNull();
      const other = sha256Hex(bytesOf('never stored'));
      expect(await blobs.stat({ mediaId: other, name: 'original' })).toBeNull();
      expect(await blobs.read({ mediaId: other, name: 'original' })).toBeNull();
    });

    it('reads an inclusive byte range, and refuses one outside the object', async () => {
      await blobs.put({ mediaId: id, name: 'original' }, original);
      const key = { mediaId: id, name: 'original' };
      expect(await readAll(blobs, key, { start: 0, end: 0 })).toEqual(original.subarray(0, 1));
      expect(await readAll(blobs, key, { start: 100, end: 4099 })).toEqual(original.subarray(100, 4100));
      expect(await readAll(blobs, key, { start: original.length - 5, end: original.length - 1 })).toEqual(original.subarray(-5));
      await expect(blobs.read(key, { start: 10, end: original.length })).rejects.toThrow(RangeError);
      await expect(blobs.read(key, { start: 10, end: 9 })).rejects.toThrow(RangeError);
    });

    it('replaces an object written again as one step', async () => {
      const key = { mediaId: id, name: 'medium' };
      await blobs.put(key, bytesOf('first'));
      await blobs.put(key, bytesOf('second, longer'));
      expect(await readAll(blobs, key)).toEqual(bytesOf('second, longer'));
    });

    it('keeps each of many concurrent writes of one key whole', async () => {
      const key = { mediaId: id, name: 'large' };
      const versions = Array.from({ length: 8 }, (_, i) => bytesOf(String.fromCharCode(97 + i), 256 * 1024));
      await Promise.all(versions.map((v) => blobs.put(key, v)));
      const got = await readAll(blobs, key);
      expect(versions.some((v) => Buffer.compare(v, got!) === 0)).toBe(true);
    });

    it('lists the media ids it holds, and removes every object of one', async () => {
      const other = bytesOf('another upload');
      const otherId = sha256Hex(other);
      const before = Date.now();
      await blobs.put({ mediaId: id, name: 'original' }, original);
      await blobs.put({ mediaId: id, name: 'thumb' }, bytesOf('t'));
      await blobs.put({ mediaId: otherId, name: 'original' }, other);
      const listed = [];
      for await (const entry of blobs.list()) listed.push(entry);
      expect(listed.map((e) => e.mediaId).sort()).toEqual([id, otherId].sort());
      for (const entry of listed) expect(entry.writtenAt).toBeGreaterThanOrEqual(before - 2000);

      await blobs.remove(id);
      expect(await blobs.stat({ mediaId: id, name: 'original' })).toBeNull();
      expect(await blobs.stat({ mediaId: id, name: 'thumb' })).toBeNull();
      expect(await readAll(blobs, { mediaId: otherId, name: 'original' })).toEqual(other);
      const left = [];
      for await (const entry of blobs.list()) left.push(entry.mediaId);
      expect(left).toEqual([otherId]);
      await blobs.remove(id); // nothing left to remove
    });

    it('keeps its objects across a reopen', async () => {
      await blobs.put({ mediaId: id, name: 'original' }, original);
      blobs = await harness.reopen();
      expect(await readAll(blobs, { mediaId: id, name: 'original' })).toEqual(original);
    });

    it('refuses any key that is not a media id and a variant name', async () => {
      const bad = [
        { mediaId: '../../etc', name: 'original' },
        { mediaId: id.toUpperCase(), name: 'original' },
        { mediaId: id.slice(1), name: 'original' },
        { mediaId: id, name: '../original' },
        { mediaId: id, name: 'a/b' },
        { mediaId: id, name: '' },
        { mediaId: id, name: '.hidden' },
        { mediaId: id, name: 'Original' },
      ];
      for (const key of bad) {
        await expect(blobs.put(key, original)).rejects.toThrow(InvalidBlobKey);
        await expect(blobs.read(key)).rejects.toThrow(InvalidBlobKey);
        await expect(blobs.stat(key)).rejects.toThrow(InvalidBlobKey);
      }
      await expect(blobs.remove('../..')).rejects.toThrow(InvalidBlobKey);
      const listed = [];
      for await (const entry of blobs.list()) listed.push(entry);
      expect(listed).toEqual([]);
    });
  });
}

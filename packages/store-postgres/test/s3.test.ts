// The S3 blob engine passes the blob contract every engine passes, against a real S3-protocol server (s3rver); and a
// whole read checks the bytes against the sha256 they were written with.
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sha256Hex } from '@tweetstore/core';
import { describeBlobStoreContract } from '@tweetstore/store/blob-contract';
import { BlobCorrupted, openS3BlobStore, type S3BlobStoreOptions } from '../src/index.ts';
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from './support/s3rver.ts';

let dir: string;
let s3rver: RunningS3rver;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tweetstore-s3-'));
  s3rver = await startS3rver(dir);
});
afterAll(async () => {
  await s3rver.close();
  await rm(dir, { recursive: true, force: true });
});

// each test in a prefix of its own, so none sees another's objects
const optionsOf = (): S3BlobStoreOptions => ({ endpoint: s3rver.endpoint, bucket: 'tweetstore-test', credentials: S3RVER_CREDENTIALS, prefix: `${randomUUID()}/` });

describeBlobStoreContract('s3', async () => {
  const options = optionsOf();
  let blobs = await openS3BlobStore(options);
  return {
    blobs,
    async reopen() {
      await blobs.close();
      return (blobs = await openS3BlobStore(options));
    },
    async cleanup() {
      for await (const { mediaId } of blobs.list()) await blobs.remove(mediaId);
      await blobs.close();
    },
  };
});

it('fails a whole read of bytes changed on the server, instead of ending it as if they were good', async () => {
  const options = optionsOf();
  const blobs = await openS3BlobStore(options);
  const bytes = new Uint8Array(Buffer.from('an upload, soon damaged at rest. '.repeat(100)));
  const key = { mediaId: sha256Hex(bytes), name: 'original' };
  await blobs.put(key, bytes);
  // one byte flipped in s3rver's own file of the object: same length, other bytes
  const folder = join(dir, 'tweetstore-test', options.prefix!, 'media', key.mediaId, 'original');
  const [file] = (await readdir(folder)).filter((name) => name.endsWith('._S3rver_object'));
  const handle = await open(join(folder, file!), 'r+');
  await handle.write(Buffer.from('A'), 0, 1, 10);
  await handle.close();

  await expect(buffer((await blobs.read(key))!)).rejects.toThrow(BlobCorrupted);
  // a range is served as stored: it cannot be checked against the whole object's hash
  expect(new Uint8Array(await buffer((await blobs.read(key, { start: 8, end: 12 }))!))).toEqual(new Uint8Array(Buffer.from('d,Aso')));
  await blobs.close();
});

it('opens on a new bucket from several instances starting at once: one makes it, every one uses it', async () => {
  const options = { ...optionsOf(), bucket: `tweetstore-new-${randomUUID().slice(0, 8)}` };
  const stores = await Promise.all(Array.from({ length: 4 }, () => openS3BlobStore(options)));
  const bytes = new TextEncoder().encode('made by one, seen by all');
  const key = { mediaId: sha256Hex('shared'), name: 'original' };
  await stores[0]!.put(key, bytes);
  for (const store of stores) expect((await store.stat(key))?.bytes).toBe(bytes.length);
  await Promise.all(stores.map((store) => store.close()));
});

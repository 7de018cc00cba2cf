// The disk blob engine: the shared contract, plus what only a real process and a real folder can show: a write cut
// by SIGKILL leaves no object that is not whole, and no temp file after the next open.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { sha256Hex } from '@tweetstore/core';
import { describeBlobStoreContract } from '@tweetstore/store/blob-contract';
import { openDiskBlobStore } from '../src/blobs/disk.ts';

const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tweetstore-blobs-'));
  dirs.push(dir);
  return dir;
};

describeBlobStoreContract('disk', async () => {
  const root = join(await tempDir(), 'media');
  let blobs = await openDiskBlobStore({ root });
  return {
    blobs,
    async reopen() {
      await blobs.close();
      return (blobs = await openDiskBlobStore({ root }));
    },
    async cleanup() {
      await blobs.close();
    },
  };
});

/** Object i's bytes: 16 MiB (long enough to write that a kill lands mid-write) derived from i, so any object found can be checked whole. */
const objectOf = (i: number) => {
  const bytes = new Uint8Array(16 * 1024 * 1024);
  for (let j = 0; j < bytes.length; j += 4096) bytes.fill((i * 31 + j / 4096) % 251, j, j + 4096);
  return bytes;
};

const childSource = `
import { createHash } from 'node:crypto';
import { openDiskBlobStore } from ${JSON.stringify(pathToFileURL(join(packageRoot, 'src/blobs/disk.ts')).href)};
const objectOf = ${objectOf.toString()};
const blobs = await openDiskBlobStore({ root: process.argv[2] });
// each object is made before the previous one is acknowledged, so a kill just after an ack lands in a write
let bytes = objectOf(Number(process.argv[3]));
for (let i = Number(process.argv[3]); ; i++) {
  const mediaId = createHash('sha256').update(String(i)).digest('hex');
  await blobs.put({ mediaId, name: 'original' }, bytes);
  bytes = objectOf(i + 1);
  process.stdout.write(i + '\\n');
}
`;

it('shows only whole objects after SIGKILLs mid-write, and leaves no temp file once reopened', { timeout: 120_000 }, async () => {
  const dir = await tempDir();
  const root = join(dir, 'media');
  const script = join(dir, 'writer.mjs');
  await writeFile(script, childSource);
  const acked = new Set<number>();
  let next = 0;
  for (let round = 0; round < 8; round++) {
    const child = spawn(process.execPath, ['--import', 'tsx', script, root, String(next)], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    let stderr = '';
    const goal = acked.size + 1;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) acked.add(Number(line));
      // killed at a different point of the next write each round
      if (acked.size >= goal) setTimeout(() => child.kill('SIGKILL'), round % 4);
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, s) => resolve(s)));
    expect(signal, stderr).toBe('SIGKILL');
    // the write the kill cut is never redone, so whatever it left stays to be checked
    next = Math.max(...acked) + 2;
  }

  const blobs = await openDiskBlobStore({ root });
  const names: string[] = [];
  for (const prefix of await readdir(root)) for (const id of await readdir(join(root, prefix))) names.push(...(await readdir(join(root, prefix, id))));
  expect(names.filter((n) => n !== 'original'), 'temp files left').toEqual([]);
  // every acknowledged object is there whole, and so is any object written but not yet acknowledged
  const byId = new Map(Array.from({ length: next + 1 }, (_, i) => [sha256Hex(String(i)), i]));
  let found = 0;
  for await (const { mediaId } of blobs.list()) {
    const i = byId.get(mediaId);
    expect(i, `an object no writer made: ${mediaId}`).toBeDefined();
    const bytes = new Uint8Array(await buffer((await blobs.read({ mediaId, name: 'original' }))!));
    expect(Buffer.compare(bytes, objectOf(i!)), `object ${i} is not whole`).toBe(0);
    found++;
  }
  for (const i of acked) expect(await blobs.stat({ mediaId: sha256Hex(String(i)), name: 'original' })).not.toBeNull();
  expect(found).toBeGreaterThanOrEqual(acked.size);
  await blobs.close();
});

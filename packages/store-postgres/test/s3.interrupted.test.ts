// What only real processes can show: an upload cut in the middle, by SIGKILL of the writer or of the S3 server, leaves
// bytes on a server that writes in place (s3rver), and the engine never shows them: every object it lists or reads
// is whole, every acknowledged one is there, and a cut one is not, until it is old enough for the sweep to remove it.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { buffer } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterEach, expect, it } from 'vitest';
import { openS3BlobStore } from '../src/index.ts';
import { OBJECT_BYTES, objectId, objectOf } from './support/objects.ts';
import { S3RVER_CREDENTIALS, startS3rver } from './support/s3rver.ts';

const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const bucket = 'tweetstore-test';
const prefix = 'cut/';
const children: ChildProcessWithoutNullStreams[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function run(script: string, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join('test/support', script), ...args], { cwd: packageRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  return { child, lines: createInterface({ input: child.stdout }), closed, stderr: () => stderr };
}

it('shows only whole objects after uploads cut by SIGKILL of the writer or the server, and none that was cut', { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tweetstore-s3-cut-'));
  dirs.push(dir);
  const acked = new Set<number>();
  const cut: number[] = [];
  let next = 0;
  for (let round = 0; round < 6; round++) {
    const server = run('s3rver-process.ts', [dir]);
    const endpoint = await new Promise<string>((resolve) => server.lines.once('line', (line) => resolve(line.replace('listening ', ''))));
    const writer = run('s3-writer.ts', [endpoint, prefix, String(next)]);
    const killServer = round % 2 === 1;
    const goal = acked.size + 1;
    writer.lines.on('line', (line) => {
      acked.add(Number(line));
      // the upload after an acknowledged one is cut in its first MiB, by the server's death or the writer's
      if (acked.size === goal) server.child.stdin.write(`cut ${killServer ? server.child.pid : writer.child.pid}\n`);
    });
    const victim = killServer ? server : writer;
    expect(await victim.closed, victim.stderr()).toBe('SIGKILL');
    for (const { child } of [server, writer]) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all([server.closed, writer.closed]);
    cut.push(Math.max(...acked) + 1);
    next = Math.max(...acked) + 2;
  }

  const s3rver = await startS3rver(dir);
  try {
    const raw = new S3Client({ endpoint: s3rver.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
    const cutShort = async () => {
      const { Contents = [] } = await raw.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return Contents.filter((object) => object.Size !== OBJECT_BYTES).length;
    };
    // the cut uploads did leave bytes behind, under the names of objects
    expect(await cutShort(), 'objects cut short on the server').toBeGreaterThan(0);

    const options = { endpoint: s3rver.endpoint, bucket, credentials: S3RVER_CREDENTIALS, prefix };
    const blobs = await openS3BlobStore(options);
    const written = new Map(Array.from({ length: next }, (_, i) => [objectId(i), i]));
    let found = 0;
    for await (const { mediaId } of blobs.list()) {
      const i = written.get(mediaId);
      expect(i, `an object no writer made: ${mediaId}`).toBeDefined();
      const bytes = new Uint8Array(await buffer((await blobs.read({ mediaId, name: 'original' }))!));
      expect(Buffer.compare(bytes, objectOf(i!)), `object ${i} is not whole`).toBe(0);
      found++;
    }
    for (const i of acked) expect(await blobs.stat({ mediaId: objectId(i), name: 'original' }), `acknowledged object ${i}`).not.toBeNull();
    for (const i of cut) {
      expect(await blobs.stat({ mediaId: objectId(i), name: 'original' }), `cut object ${i}`).toBeNull();
      expect(await blobs.read({ mediaId: objectId(i), name: 'original' }), `cut object ${i}`).toBeNull();
    }
    expect(found).toBe(acked.size);
    await blobs.close();

    // an hour on, what a cut upload left counts as an object, so the media sweep (list, remove) takes it away
    const later = await openS3BlobStore({ ...options, now: () => Date.now() + 61 * 60_000 });
    const listed: string[] = [];
    for await (const { mediaId } of later.list()) listed.push(mediaId);
    const ackedIds = [...acked].map(objectId);
    expect(listed).toEqual(expect.arrayContaining(ackedIds));
    const leftovers = listed.filter((id) => !ackedIds.includes(id));
    expect(leftovers.every((id) => cut.map(objectId).includes(id))).toBe(true);
    for (const id of leftovers) await later.remove(id);
    expect(await cutShort()).toBe(0);
    await later.close();
    raw.destroy();
  } finally {
    await s3rver.close();
  }
});

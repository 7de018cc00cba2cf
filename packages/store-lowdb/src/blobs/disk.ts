// The local-disk blob engine: `<root>/<first 2 hex of the id>/<id>/<name>`. A write goes to a temp file in the same
// folder, is fsynced, renamed over the name and the folder fsynced, so the name only ever shows a whole object.
// Temp files a crash left behind are removed when the store opens.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fsyncPath } from '../journal/segment-files.ts';
import { MEDIA_ID } from '@tweetstore/core';
import { checkBlobKey, checkMediaId, type BlobKey, type BlobStat, type BlobStore, type ByteRange } from '@tweetstore/store';

const TEMP = /^\..*\.tmp$/;

export interface DiskBlobStoreOptions {
  /** The folder that holds the objects (the server uses `<data dir>/media`); created when missing. */
  root: string;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

export async function openDiskBlobStore(options: DiskBlobStoreOptions): Promise<BlobStore> {
  const { root } = options;
  await mkdir(root, { recursive: true });
  await removeTempFiles(root);
  const folderOf = (mediaId: string) => join(root, mediaId.slice(0, 2), mediaId);
  const pathOf = (key: BlobKey) => {
    checkBlobKey(key);
    return join(folderOf(key.mediaId), key.name);
  };

  return {
    engine: 'disk',

    async put(key, bytes) {
      const path = pathOf(key);
      const folder = folderOf(key.mediaId);
      await mkdir(folder, { recursive: true });
      const temp = join(folder, `.${key.name}.${randomBytes(6).toString('hex')}.tmp`);
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } catch (error) {
        await handle.close();
        await unlink(temp).catch(() => {});
        throw error;
      }
      await handle.close();
      await rename(temp, path);
      await fsyncPath(folder);
    },

    async stat(key): Promise<BlobStat | null> {
      try {
        const s = await stat(pathOf(key));
        return s.isFile() ? { bytes: s.size, writtenAt: s.mtimeMs } : null;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async read(key, range?: ByteRange): Promise<Readable | null> {
      const path = pathOf(key);
      // Opened first, so an object removed between the open and the read is still read whole.
      let handle;
      try {
        handle = await open(path, 'r');
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
      const size = (await handle.stat()).size;
      if (range && (range.start < 0 || range.end < range.start || range.end >= size)) {
        await handle.close();
        throw new RangeError(`range ${range.start}-${range.end} outside ${size} bytes`);
      }
      // the stream closes the handle when it ends or is destroyed
      return handle.createReadStream({ start: range?.start, end: range?.end });
    },

    async remove(mediaId) {
      checkMediaId(mediaId);
      await rm(folderOf(mediaId), { recursive: true, force: true });
      await fsyncPath(join(root, mediaId.slice(0, 2))).catch((error: unknown) => {
        if (!isMissing(error)) throw error;
      });
    },

    async *list() {
      for await (const { mediaId, folder, names } of mediaFolders(root)) {
        let writtenAt = 0;
        let any = false;
        for (const name of names) {
          if (TEMP.test(name)) continue;
          const s = await stat(join(folder, name)).catch(() => null);
          if (!s?.isFile()) continue;
          any = true;
          writtenAt = Math.max(writtenAt, s.mtimeMs);
        }
        if (any) yield { mediaId, writtenAt };
      }
    },

    async close() {},
  };
}

/** Each media id's folder under `root` (`<2 hex>/<id>`), with the names in it. */
async function* mediaFolders(root: string): AsyncGenerator<{ mediaId: string; folder: string; names: string[] }> {
  for (const prefix of await readdir(root)) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    for (const mediaId of await readdir(join(root, prefix)).catch(() => [] as string[])) {
      if (!MEDIA_ID.test(mediaId) || !mediaId.startsWith(prefix)) continue;
      const folder = join(root, prefix, mediaId);
      yield { mediaId, folder, names: await readdir(folder).catch(() => [] as string[]) };
    }
  }
}

/** Temp files of writes that never finished (the process died between open and rename). */
async function removeTempFiles(root: string): Promise<void> {
  for await (const { folder, names } of mediaFolders(root)) {
    for (const name of names) if (TEMP.test(name)) await unlink(join(folder, name)).catch(() => {});
  }
}

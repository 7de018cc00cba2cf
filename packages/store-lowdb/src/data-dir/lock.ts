// One process per data folder: two writers would interleave journal records. dataDir/LOCK holds the owner's pid;
// a lock left by a process that no longer runs (a crash, kill -9) is taken over.
import { open, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StorageUnavailable } from '@tweetstore/core';

/** Folders this process holds. Like the OS's own lock table this is process-wide by nature: it is what tells a
 * second open in the same process from a LOCK file left by an earlier process that had our pid. */
const heldHere = new Set<string>();

export interface DataDirLock {
  release(): Promise<void>;
}

function running(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  // The same pid as ours is a lock from an earlier life of this process slot (e.g. pid 1 in a restarted container).
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const path = join(resolve(dataDir), 'LOCK');
  if (heldHere.has(path)) {
    throw new StorageUnavailable(`data folder ${dataDir} is already open in this process`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.sync();
      await handle.close();
      heldHere.add(path);
      return {
        release: async () => {
          if (!heldHere.delete(path)) return;
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (running(owner)) {
        throw new StorageUnavailable(`data folder ${dataDir} is in use by process ${owner}; stop it first (only one server per data folder; if that process is not a tweetstore server, delete ${path})`);
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new StorageUnavailable(`could not lock data folder ${dataDir}`);
}

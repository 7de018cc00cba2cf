// Checks files against their sizes and CRC-32s in a worker thread (verify-worker.mjs): the bytes never cross to the
// main thread, which meanwhile parses what start-up needs. Reading and checking a million tweets' details and
// histories there costs the main thread nothing.
import { Worker } from 'node:worker_threads';
import { CheckpointUnreadable } from './checkpoints.ts';

export interface FileToVerify {
  path: string;
  name: string;
  bytes: number;
  crc: number;
}

/** The first file that does not match (and why), or null. Rejects with CheckpointUnreadable if the check itself fails. */
export function verifyFiles(files: readonly FileToVerify[]): Promise<{ name: string; why: string } | null> {
  if (files.length === 0) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    // Plain JavaScript: none of the process's flags, whose `--import` of a .ts file (a preload such as the bench's
    // probe) fails in a worker, where tsx's hooks are not registered.
    const worker = new Worker(new URL('./verify-worker.mjs', import.meta.url), { workerData: { files }, execArgv: [] });
    worker.once('message', resolve);
    worker.once('error', (error) => reject(new CheckpointUnreadable(`checking checkpoint files failed: ${error.message}`, { cause: error })));
    worker.once('exit', (code) => reject(new CheckpointUnreadable(`checking checkpoint files stopped with exit code ${code}`)));
  });
}

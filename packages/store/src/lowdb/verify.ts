// Checks files against their sizes and CRC-32s in a worker thread (verify-worker.mjs): the bytes never cross to the
// main thread, which meanwhile parses what start-up needs. Reading and checking a million tweets' details and
// histories there costs the main thread nothing.
import { Worker } from 'node:worker_threads';

export interface FileToVerify {
  path: string;
  name: string;
  bytes: number;
  crc: number;
}

/** The first file that does not match (and why), or null. */
export function verifyFiles(files: readonly FileToVerify[]): Promise<{ name: string; why: string } | null> {
  if (files.length === 0) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./verify-worker.mjs', import.meta.url), { workerData: { files } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`checkpoint verification stopped with exit code ${code}`)));
  });
}

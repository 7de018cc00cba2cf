// Worker thread of verify.ts: reads checkpoint files and compares their sizes and CRC-32s with the manifest's, so
// files that are not parsed at start-up are still checked before the store opens, without the main thread.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { crc32 } from 'node:zlib';

const buffer = Buffer.allocUnsafe(1 << 20);

// An I/O error other than a missing file says nothing about the file: it is thrown, and fails the check.
function check({ path, bytes, crc }) {
  let fd;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (error.code === 'ENOENT') return 'is missing';
    throw error;
  }
  try {
    let size = 0;
    let value = 0;
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; size += n) value = crc32(buffer.subarray(0, n), value);
    return size === bytes && value === crc ? null : 'does not match its checksum';
  } catch (error) {
    throw new Error(`${path}: ${error.message}`, { cause: error });
  } finally {
    closeSync(fd);
  }
}

let bad = null;
for (const file of workerData.files) {
  const why = check(file);
  if (why !== null) {
    bad = { name: file.name, why };
    break;
  }
}
parentPort.postMessage(bad);

// Segment files on disk: `<dir>/<20-digit zero-padded first seq>.log`, and the directory fsync that makes
// their creation and deletion durable.
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

const SEGMENT_NAME = /^(\d{20})\.log$/;

export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(20, '0')}.log`;
}

export function segmentPath(dir: string, firstSeq: number): string {
  return join(dir, segmentName(firstSeq));
}

/** The first seq a segment file name states, or undefined for any other file. */
export function segmentFirstSeq(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** fsync a file or a directory (a directory's fsync makes the names in it durable). */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function syncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

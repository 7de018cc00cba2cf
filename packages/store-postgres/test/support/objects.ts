// The objects the kill tests write: object i is 16 MiB (far more than loopback socket buffers hold, so a kill after its
// first MiB always cuts it) derived from i, so any object found can be checked whole.
import { sha256Hex } from '@tweetstore/core';

export const OBJECT_BYTES = 16 * 1024 * 1024;

export function objectOf(i: number): Uint8Array {
  const bytes = new Uint8Array(OBJECT_BYTES);
  for (let j = 0; j < bytes.length; j += 4096) bytes.fill((i * 31 + j / 4096) % 251, j, j + 4096);
  return bytes;
}

export const objectId = (i: number) => sha256Hex(String(i));

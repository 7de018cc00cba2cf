// lowdb file access for checkpoints: compact JSON (lowdb's DataFile; JSONFile would pretty-print, ~2x the bytes and
// time), with the size and CRC-32 of what was written or read, and the fsyncs lowdb leaves to us (it writes a temp
// file and renames it, but syncs neither the file nor its directory).
import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { fsyncPath } from '../journal/segment-files.ts';

export interface FileFacts {
  bytes: number;
  crc: number;
}

/** Writes `data` (made when lowdb serialises it, in the same event-loop turn) with lowdb and makes the file durable. */
export async function writeJsonFile(path: string, data: () => object): Promise<FileFacts> {
  let facts: FileFacts = { bytes: 0, crc: 0 };
  const stringify = (make: () => object) => {
    const text = JSON.stringify(make());
    facts = { bytes: Buffer.byteLength(text), crc: crc32(text) };
    return text;
  };
  const db = new Low<() => object>(new DataFile<() => object>(path, { parse: JSON.parse, stringify }), data);
  await db.write();
  await fsyncPath(path);
  return facts;
}

/** Reads a JSON file with lowdb; null when it does not exist. Throws on unparsable content. */
export async function readJsonFile<T>(path: string): Promise<{ data: T; facts: FileFacts } | null> {
  let facts: FileFacts = { bytes: 0, crc: 0 };
  const parse = (text: string) => {
    facts = { bytes: Buffer.byteLength(text), crc: crc32(text) };
    return JSON.parse(text) as T;
  };
  const db = new Low<T | null>(new DataFile<T | null>(path, { parse, stringify: JSON.stringify }), null);
  await db.read();
  return db.data === null ? null : { data: db.data, facts };
}

export { fsyncPath };

/** Small files outside lowdb (store.json): temp file, fsync, rename, fsync the directory. */
export async function writeFileDurably(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.tmp`);
  await writeFile(temp, text);
  await fsyncPath(temp);
  await rename(temp, path);
  await fsyncPath(dirname(path));
}

// lowdb file access for checkpoints: compact JSON (lowdb's DataFile; JSONFile would pretty-print, ~2x the bytes and
// time), with the size and CRC-32 of what was written or read, and the fsyncs lowdb leaves to us (it writes a temp
// file and renames it, but syncs neither the file nor its directory).
import { readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Low, type Adapter } from 'lowdb';
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

/**
 * A lowdb adapter that reads a JSON file as bytes: their size and CRC-32 come from the bytes as read (no second
 * UTF-8 encoding of the text), then they are decoded and parsed once. Writes go through lowdb's DataFile.
 */
class CheckedJsonFile<T> implements Adapter<T> {
  facts: FileFacts = { bytes: 0, crc: 0 };
  readonly #writer: DataFile<T>;

  constructor(private readonly path: string) {
    this.#writer = new DataFile<T>(path, { parse: JSON.parse, stringify: JSON.stringify });
  }

  async read(): Promise<T | null> {
    const file = await readFileBytes(this.path);
    if (file === null) return null;
    this.facts = file.facts;
    return JSON.parse(file.data.toString('utf8')) as T;
  }

  write(data: T): Promise<void> {
    return this.#writer.write(data);
  }
}

/** A file's bytes, with their size and CRC-32; null when it does not exist. */
export async function readFileBytes(path: string): Promise<{ data: Buffer; facts: FileFacts } | null> {
  let data;
  try {
    data = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return { data, facts: { bytes: data.length, crc: crc32(data) } };
}

/** readFileBytes, blocking. */
export function readFileBytesNow(path: string): { data: Buffer; facts: FileFacts } | null {
  let data;
  try {
    data = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return { data, facts: { bytes: data.length, crc: crc32(data) } };
}

/** Reads a JSON file with lowdb; null when it does not exist. Throws on unparsable content. */
export async function readJsonFile<T>(path: string): Promise<{ data: T; facts: FileFacts } | null> {
  const file = new CheckedJsonFile<T | null>(path);
  const db = new Low<T | null>(file, null);
  await db.read();
  return db.data === null ? null : { data: db.data, facts: file.facts };
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

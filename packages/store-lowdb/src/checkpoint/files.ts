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
import { pauseEvery, SLICE_MS } from './turns.ts';

export interface FileFacts {
  bytes: number;
  crc: number;
}

/**
 * Writes `data` with lowdb and makes the file durable. The JSON text is made in slices between event-loop turns (a
 * chunk of long histories is MBs: ~50 ms at once), so `data` must not change until this resolves.
 */
export async function writeJsonFile(path: string, data: object): Promise<FileFacts> {
  const { text, facts } = await stringifyInSlices(data);
  const db = new Low<string>(new DataFile<string>(path, { parse: JSON.parse, stringify: (t) => t }), text);
  await db.write();
  await fsyncPath(path);
  return facts;
}

const ELEMENTS_PER_PART = 64;

/**
 * The JSON text of `data`, with the size and CRC-32 of its UTF-8, made a part at a time with a pause for the event
 * loop every SLICE_MS. A plain object's non-empty array values are written one part of ELEMENTS_PER_PART elements to
 * a line (`{"rows":[\n1,2,3,\n4,5\n],"texts":[]}`), so parseInSlices can read them back a few lines at a time;
 * JSON.stringify never writes a line break of its own, so every one marks such a line. The rest, and anything but a
 * plain object, is JSON.stringify's text.
 */
export async function stringifyInSlices(data: object): Promise<{ text: string; facts: FileFacts }> {
  const parts: string[] = [];
  let bytes = 0;
  let crc = 0;
  const put = (part: string) => {
    parts.push(part);
    bytes += Buffer.byteLength(part);
    crc = crc32(part, crc);
  };
  if (Object.getPrototypeOf(data) !== Object.prototype || 'toJSON' in data) put(JSON.stringify(data));
  else {
    const pause = pauseEvery(SLICE_MS);
    let first = true;
    put('{');
    for (const [key, value] of Object.entries(data)) {
      const whole = Array.isArray(value) ? null : (JSON.stringify(value) as string | undefined);
      if (whole === undefined) continue; // as JSON.stringify leaves out undefined and functions
      put(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      if (whole !== null) put(whole);
      else if ((value as unknown[]).length === 0) put('[]');
      else {
        for (let i = 0; i < (value as unknown[]).length; i += ELEMENTS_PER_PART) {
          put(`${i === 0 ? '[' : ','}\n${JSON.stringify((value as unknown[]).slice(i, i + ELEMENTS_PER_PART)).slice(1, -1)}`);
          await pause();
        }
        put('\n]');
      }
    }
    put('}');
  }
  return { text: parts.join(''), facts: { bytes, crc } };
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
    return (await parseInSlices(file.data)) as T;
  }

  write(data: T): Promise<void> {
    return this.#writer.write(data);
  }
}

/**
 * JSON.parse of a file's bytes, a few lines at a time with a pause for the event loop every SLICE_MS, for text that
 * stringifyInSlices wrote: the lines between one that ends in `[` and one that starts with `]` are the elements of
 * that array, the other lines joined are the rest (with those arrays empty). Text without a line break (older files)
 * or of at most `wholeBytes` is parsed at once. Lines are decoded from the bytes one by one: a UTF-8 sequence never
 * holds the byte of `\n`.
 */
export async function parseInSlices(bytes: Buffer, wholeBytes = WHOLE_BYTES): Promise<unknown> {
  if (bytes.length <= wholeBytes || !bytes.includes(NEWLINE)) return JSON.parse(bytes.toString('utf8'));
  const pause = pauseEvery(SLICE_MS);
  let rest = '';
  const arrays: { key: string; elements: unknown[] }[] = [];
  let open: unknown[] | null = null;
  for (let start = 0; start <= bytes.length; ) {
    const end = bytes.indexOf(NEWLINE, start) >>> 0; // -1 (the last line) becomes 2^32 - 1
    const line = bytes.toString('utf8', start, Math.min(end, bytes.length));
    start = Math.min(end, bytes.length) + 1;
    let text = line;
    if (open !== null) {
      if (!line.startsWith(']')) {
        for (const element of JSON.parse(`[${line.endsWith(',') ? line.slice(0, -1) : line}]`) as unknown[]) open.push(element);
        await pause();
        continue;
      }
      text = line.slice(1); // the array was closed in `rest` when it opened
      open = null;
    }
    rest += text;
    // tried only on a line that can open an array: from every place of a long line (a tweets file's search columns) it cost ~0.5 s at 1M tweets
    const key = text.endsWith(':[') ? /("(?:[^"\\]|\\.)*"):\[$/.exec(text)?.[1] : undefined;
    if (key !== undefined) {
      arrays.push({ key: JSON.parse(key) as string, elements: (open = []) });
      rest += ']';
    }
  }
  const data = JSON.parse(rest) as Record<string, unknown>;
  for (const { key, elements } of arrays) Object.defineProperty(data, key, { value: elements, enumerable: true, writable: true, configurable: true });
  return data;
}

const NEWLINE = 0x0a;
/**
 * A file this small is parsed at once, in ~1 ms (its line breaks are white space to JSON.parse): a 1M store's 2,000
 * tweets files of ~80 KB parse in ~2/3 of the time line by line took, without a regular expression run over each line.
 */
const WHOLE_BYTES = 128 * 1024;

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

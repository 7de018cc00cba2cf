// Checkpoint directories: checkpoints/cp-<seq>/ holds one lowdb JSON file per table chunk and a manifest written
// LAST, naming the seq and every file with its size and CRC-32. A checkpoint exists only if its manifest is valid.
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { tableNames, type Snapshot, type TableName } from '../domain/snapshot.ts';
import { fsyncPath, readJsonFile, writeJsonFile } from './files.ts';

const NAME = /^cp-(\d{16})$/;
const FORMAT = 1;

export interface CheckpointInfo {
  name: string;
  seq: number;
  /** Bytes of all its files. */
  bytes: number;
}

interface ManifestBody {
  format: number;
  storeId: string;
  seq: number;
  createdAt: number;
  files: { name: string; table: TableName; bytes: number; crc: number }[];
}
type Manifest = ManifestBody & { check: number };

/** incomplete: no manifest (a crash while writing it; normal). corrupt: a manifest whose files do not match. */
export class CheckpointUnusable extends Error {
  override name = 'CheckpointUnusable';
  constructor(
    readonly reason: 'incomplete' | 'corrupt',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class CheckpointStore {
  constructor(
    readonly dir: string,
    private readonly storeId: string,
  ) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** Checkpoint names, newest first. */
  async list(): Promise<{ name: string; seq: number }[]> {
    const found = [];
    for (const name of await readdir(this.dir)) {
      const match = NAME.exec(name);
      if (match) found.push({ name, seq: Number(match[1]) });
    }
    return found.sort((a, b) => b.seq - a.seq);
  }

  /**
   * Writes `snapshot`: the table files one by one (yielding to the event loop between them), then, once
   * `beforeManifest` resolves (the caller waits there until every event up to the seq is durable), the manifest.
   */
  async write(snapshot: Snapshot, now: number, beforeManifest: () => Promise<void>): Promise<CheckpointInfo> {
    const name = `cp-${String(snapshot.seq).padStart(16, '0')}`;
    const dir = join(this.dir, name);
    try {
      await rm(dir, { recursive: true, force: true }); // a leftover of an attempt that crashed
      await mkdir(dir);
      await fsyncPath(this.dir);
      const files: ManifestBody['files'] = [];
      for (const table of tableNames) {
        for (const [i, rows] of snapshot.tables[table].entries()) {
          await new Promise((resolve) => setImmediate(resolve));
          const file = `${table}-${String(i).padStart(5, '0')}.json`;
          files.push({ name: file, table, ...(await writeJsonFile(join(dir, file), { rows })) });
        }
      }
      await fsyncPath(dir);
      await beforeManifest();
      const body: ManifestBody = { format: FORMAT, storeId: this.storeId, seq: snapshot.seq, createdAt: now, files };
      const manifest = await writeJsonFile(join(dir, 'manifest.json'), { ...body, check: crc32(JSON.stringify(body)) });
      await fsyncPath(dir);
      return { name, seq: snapshot.seq, bytes: files.reduce((sum, f) => sum + f.bytes, manifest.bytes) };
    } catch (error) {
      await rm(dir, { recursive: true, force: true }).catch(() => {});
      throw error;
    }
  }

  /** Reads and verifies a checkpoint; throws CheckpointUnusable. */
  async load(name: string): Promise<{ snapshot: Snapshot; info: CheckpointInfo }> {
    const dir = join(this.dir, name);
    const corrupt = (why: string, cause?: unknown) => new CheckpointUnusable('corrupt', `checkpoint ${name}: ${why}`, { cause });
    let read;
    try {
      read = await readJsonFile<Manifest>(join(dir, 'manifest.json'));
    } catch (error) {
      throw corrupt('manifest is not valid JSON', error);
    }
    if (read === null) throw new CheckpointUnusable('incomplete', `checkpoint ${name}: no manifest`);
    const { check, ...body } = read.data;
    if (check !== crc32(JSON.stringify(body))) throw corrupt('manifest checksum does not match');
    if (body.format !== FORMAT) throw corrupt(`unknown format ${body.format}`);
    if (body.storeId !== this.storeId) throw corrupt(`belongs to store ${body.storeId}`);
    if (name !== `cp-${String(body.seq).padStart(16, '0')}`) throw corrupt(`manifest names seq ${body.seq}`);
    const tables: Snapshot['tables'] = { users: [], sessions: [], texts: [], tweets: [] };
    let bytes = read.facts.bytes;
    for (const f of body.files) {
      let file;
      try {
        file = await readJsonFile<{ rows: never[] }>(join(dir, f.name));
      } catch (error) {
        throw corrupt(`${f.name} is not valid JSON`, error);
      }
      if (file === null) throw corrupt(`${f.name} is missing`);
      if (file.facts.crc !== f.crc || file.facts.bytes !== f.bytes) throw corrupt(`${f.name} does not match its checksum`);
      if (!tableNames.includes(f.table) || !Array.isArray(file.data.rows)) throw corrupt(`${f.name} has no rows`);
      tables[f.table].push(file.data.rows);
      bytes += f.bytes;
    }
    return { snapshot: { seq: body.seq, tables }, info: { name, seq: body.seq, bytes } };
  }

  /** Deletes every checkpoint directory not named in `keep` (and leftovers of unfinished writes). */
  async removeAllBut(keep: readonly string[]): Promise<void> {
    for (const { name } of await this.list()) if (!keep.includes(name)) await rm(join(this.dir, name), { recursive: true, force: true });
    await fsyncPath(this.dir);
  }

  /** Moves a corrupt checkpoint aside (kept for inspection, never read again). */
  async quarantine(name: string): Promise<string> {
    const aside = `corrupt-${name}-${Date.now()}`;
    await rename(join(this.dir, name), join(this.dir, aside));
    await fsyncPath(this.dir);
    return aside;
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.dir, name), { recursive: true, force: true });
  }
}

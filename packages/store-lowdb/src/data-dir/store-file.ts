// store.json: the store's identity, created once. Its storeId tells clients whether a lastEventId is from this store.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from '../checkpoint/files.ts';

interface StoreFile {
  storeId: string;
  createdAt: string;
}

export async function loadOrCreateStoreId(dataDir: string, now: number): Promise<string> {
  const path = join(dataDir, 'store.json');
  let text: string | null = null;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== null) {
    const file = JSON.parse(text) as Partial<StoreFile>;
    if (typeof file.storeId !== 'string' || file.storeId === '') throw new Error(`${path} has no storeId`);
    return file.storeId;
  }
  const file: StoreFile = { storeId: randomUUID(), createdAt: new Date(now).toISOString() };
  await writeFileDurably(path, `${JSON.stringify(file, null, 2)}\n`);
  return file.storeId;
}

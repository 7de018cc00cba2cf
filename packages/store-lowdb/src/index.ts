// @tweetstore/store-lowdb: the embedded engine. A journal of events (group-committed, fsynced) and an in-memory
// projection, checkpointed into lowdb JSON files, in one data folder; and the disk engine of the blob port.
export { openLowdbStore } from './open.ts';
export type { LowdbOptions, LowdbStoreOptions } from './options.ts';
export { compactStore, storeSizes, type StoreSizes } from './data-dir/compact.ts';
export { openDiskBlobStore, type DiskBlobStoreOptions } from './blobs/disk.ts';
export { exportLowdbStore, type ExportOptions, type ExportProgress } from './export/export.ts';
/** The embedded engine's search index on its own, for measuring it beside libraries (packages/bench/src/search-libraries.ts). */
export { SearchIndex, tweetTerms } from './projection/search-index.ts';
export { postingAt, postingsSize } from './projection/postings.ts';

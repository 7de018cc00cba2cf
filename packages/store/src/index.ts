// @tweetstore/store: the store port, its events, and the embedded lowdb engine. The contract suite is a separate
// entry (@tweetstore/store/contract) because it imports vitest.
export * from './port.ts';
export * from './events.ts';
// The engine-neutral rules every engine calls with the plain state it loads.
export type * from './rules/state.ts';
export * from './rules/decide.ts';
export * from './rules/media.ts';
export * from './rules/versions.ts';
export * from './rules/views.ts';
export * from './rules/visibility.ts';
export { contentHash } from './content-hash.ts';
export { openLowdbStore } from './lowdb/open.ts';
export { integerOption, resolveStoreOptions, type ResolvedStoreOptions, type StoreLogger, type StoreOptions } from './options.ts';
export type { LowdbOptions, LowdbStoreOptions } from './lowdb/options.ts';
export { seedStore, SEED_PASSWORD, type SeedOptions, type SeedPhase, type SeedSummary } from './seed/seed.ts';
export { compactStore, storeSizes, type StoreSizes } from './lowdb/compact.ts';
export * from './blobs/port.ts';
export { openDiskBlobStore, type DiskBlobStoreOptions } from './blobs/disk.ts';

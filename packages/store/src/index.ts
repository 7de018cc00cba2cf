// @tweetstore/store: what every engine shares. The store port and its events, the engine-neutral rules each engine
// calls with the plain state it loads, the options every engine takes, the blob port, and the seeder (which fills any
// engine through the port). Engines live in packages of their own (@tweetstore/store-lowdb). The contract suites are
// separate entries (@tweetstore/store/contract, /blob-contract) because they import vitest.
export * from './port.ts';
export * from './events.ts';
export type * from './rules/state.ts';
export * from './rules/decide.ts';
export * from './rules/media.ts';
export * from './rules/versions.ts';
export * from './rules/views.ts';
export * from './rules/visibility.ts';
export * from './rules/paging.ts';
export * from './rules/velocity.ts';
export * from './search/analyze.ts';
/** Hashtag keys are core's (the API's input schema folds them too); engines take them from here with the rest. */
export { tagKey } from '@tweetstore/core';
export * from './search/query.ts';
export * from './search/rules.ts';
export { contentHash } from './content-hash.ts';
export { integerOption, resolveStoreOptions, type ResolvedStoreOptions, type StoreLogger, type StoreOptions } from './options.ts';
export * from './blobs/port.ts';
export { createRandom, type Random } from './seed/random.ts';
export { tweetText } from './seed/content.ts';
export { seedStore, SEED_PASSWORD, type SeedOptions, type SeedPhase, type SeedSummary } from './seed/seed.ts';
export type { KeyedLock } from './locks/port.ts';
export { ProcessKeyedLock } from './locks/process-lock.ts';
export { pauseEvery } from './turns.ts';
export * from './dump/records.ts';
export { dumpLines, DumpChecker, parseDumpLine, readDump } from './dump/read.ts';
export { verifyCopy, type VerifyChecked, type VerifyOptions, type VerifyProgress, type VerifyReport } from './dump/verify.ts';

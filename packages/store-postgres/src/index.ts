// @tweetstore/store-postgres: the engines of the scale-out, where every instance shares one copy: media in
// S3-compatible object storage, limits in Redis, and the store itself in PostgreSQL.
export { openS3BlobStore, type S3BlobStoreOptions } from './blobs/s3.ts';
export { BlobCorrupted } from './blobs/sha256-check.ts';
export { openRedisLimiterStore, type RedisLimiterStore, type RedisLimiterStoreOptions } from './limits/redis-limiter-store.ts';
export { redisInstanceBoard, type RedisInstanceBoardOptions } from './redis/instance-board.ts';
export { connectRedis, type RedisOptions } from './redis/connect.ts';
export { openPostgresStore } from './engine/open.ts';
export type { PostgresTweetStore } from './engine/store.ts';
export type { PostgresStoreOptions } from './engine/options.ts';
export { PostgresKeyedLock, type PostgresKeyedLockOptions } from './locks/advisory-lock.ts';
export { importDump, type ImportOptions, type ImportProgress, type ImportSummary } from './import/import.ts';

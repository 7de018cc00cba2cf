// @tweetstore/store-postgres: the engines of the scale-out, where every instance shares one copy: media in
// S3-compatible object storage, limits in Redis.
export { openS3BlobStore, type S3BlobStoreOptions } from './blobs/s3.ts';
export { BlobCorrupted } from './blobs/sha256-check.ts';
export { openRedisLimiterStore, type RedisLimiterStore, type RedisLimiterStoreOptions } from './limits/redis-limiter-store.ts';
export { redisInstanceBoard, type RedisInstanceBoardOptions } from './redis/instance-board.ts';
export { connectRedis, type RedisOptions } from './redis/connect.ts';

// Which engines the settings choose: the embedded ones by default, and a clear refusal, naming the variable, for one
// that is planned but not built yet or unknown (the server then exits with status 2 before it opens anything).
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

function refusal(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
}

describe('engine settings', () => {
  it('choose the embedded store, disk blobs and limits in memory by default', () => {
    expect(loadConfig({})).toMatchObject({ store: 'lowdb', blobStore: 'disk', limiterStore: 'memory' });
    expect(loadConfig({ TWEETSTORE_STORE: 'lowdb', TWEETSTORE_BLOB_STORE: 'disk', TWEETSTORE_REDIS_URL: '' })).toMatchObject({ store: 'lowdb', blobStore: 'disk' });
  });

  it('refuse an engine that is not built yet, or unknown, saying which', () => {
    expect(refusal({ TWEETSTORE_STORE: 'postgres' })).toEqual(['TWEETSTORE_STORE=postgres: that engine is not built yet; use lowdb']);
    expect(refusal({ TWEETSTORE_BLOB_STORE: 's3' })).toEqual(['TWEETSTORE_BLOB_STORE=s3: that engine is not built yet; use disk']);
    expect(refusal({ TWEETSTORE_STORE: 'mongo' })).toEqual(['TWEETSTORE_STORE must be lowdb or postgres']);
    expect(refusal({ TWEETSTORE_REDIS_URL: 'redis://127.0.0.1:6379/0' })).toEqual([expect.stringMatching(/^TWEETSTORE_REDIS_URL: limits in Redis are not built yet/)]);
  });
});

describe('the instance id', () => {
  it('is the host name and pid unless named, and must be a plain name', () => {
    expect(loadConfig({}).instanceId).toMatch(new RegExp(`^[^:]+:${process.pid}$`));
    expect(loadConfig({ TWEETSTORE_INSTANCE_ID: 'api-2' }).instanceId).toBe('api-2');
    expect(refusal({ TWEETSTORE_INSTANCE_ID: 'has space' })).toEqual([expect.stringMatching(/^TWEETSTORE_INSTANCE_ID must be 1-100 letters/)]);
    expect(refusal({ TWEETSTORE_INSTANCE_ID: 'x'.repeat(101) })).toHaveLength(1);
  });
});

// Which engines the settings choose: the embedded ones by default, the shared services with their settings, and a
// clear refusal, naming the variable, for one that is planned but not built yet, unknown, or given bad settings (the
// server then exits with status 2 before it opens anything).
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
    const defaults = loadConfig({});
    expect(defaults).toMatchObject({ store: 'lowdb', blobs: { engine: 'disk' } });
    expect(defaults.redis).toBeUndefined();
    expect(loadConfig({ TWEETSTORE_STORE: 'lowdb', TWEETSTORE_BLOB_STORE: 'disk', TWEETSTORE_REDIS_URL: '' })).toMatchObject({ store: 'lowdb', blobs: { engine: 'disk' } });
  });

  it('choose S3 with its bucket, endpoint, region and the AWS key pair', () => {
    expect(loadConfig({ TWEETSTORE_BLOB_STORE: 's3', TWEETSTORE_S3_BUCKET: 'tweetstore-media' }).blobs).toEqual({ engine: 's3', bucket: 'tweetstore-media', region: 'us-east-1' });
    const s3 = {
      TWEETSTORE_BLOB_STORE: 's3',
      TWEETSTORE_S3_BUCKET: 'media',
      TWEETSTORE_S3_ENDPOINT: 'http://minio:9000',
      TWEETSTORE_S3_REGION: 'eu-west-3',
      AWS_ACCESS_KEY_ID: 'tweetstore',
      AWS_SECRET_ACCESS_KEY: 'secret key',
    };
    expect(loadConfig(s3).blobs).toEqual({ engine: 's3', bucket: 'media', endpoint: 'http://minio:9000', region: 'eu-west-3', credentials: { accessKeyId: 'tweetstore', secretAccessKey: 'secret key' } });
  });

  it('choose Redis for the limits, keys under a prefix', () => {
    expect(loadConfig({ TWEETSTORE_REDIS_URL: 'redis://127.0.0.1:6379/0' }).redis).toEqual({ url: 'redis://127.0.0.1:6379/0', prefix: 'tweetstore:' });
    expect(loadConfig({ TWEETSTORE_REDIS_URL: 'rediss://:pw@cache:6380', TWEETSTORE_REDIS_PREFIX: 'ts:a:' }).redis).toEqual({ url: 'rediss://:pw@cache:6380', prefix: 'ts:a:' });
  });

  it('choose PostgreSQL for the store, which needs its URL', () => {
    expect(loadConfig({ TWEETSTORE_STORE: 'postgres', TWEETSTORE_DATABASE_URL: 'postgres://u:p@db:5432/ts' })).toMatchObject({ store: 'postgres', databaseUrl: 'postgres://u:p@db:5432/ts', databasePoolSize: 10 });
    expect(loadConfig({ TWEETSTORE_STORE: 'postgres', TWEETSTORE_DATABASE_URL: 'postgresql://db/ts', TWEETSTORE_DATABASE_POOL: '30' }).databasePoolSize).toBe(30);
    expect(refusal({ TWEETSTORE_STORE: 'postgres' })).toEqual([expect.stringMatching(/^TWEETSTORE_DATABASE_URL is required with TWEETSTORE_STORE=postgres/)]);
    expect(refusal({ TWEETSTORE_STORE: 'postgres', TWEETSTORE_DATABASE_URL: 'postgres://db/ts', TWEETSTORE_DATABASE_POOL: '1' })).toEqual([expect.stringMatching(/^TWEETSTORE_DATABASE_POOL/)]);
  });

  it('refuse an unknown engine, saying which', () => {
    expect(refusal({ TWEETSTORE_STORE: 'mongo' })).toEqual(['TWEETSTORE_STORE must be lowdb or postgres']);
    expect(refusal({ TWEETSTORE_BLOB_STORE: 'gcs' })).toEqual(['TWEETSTORE_BLOB_STORE must be disk or s3']);
  });

  it('refuse bad settings of the shared services, naming the variable', () => {
    expect(refusal({ TWEETSTORE_BLOB_STORE: 's3' })).toEqual(['TWEETSTORE_S3_BUCKET is required with TWEETSTORE_BLOB_STORE=s3']);
    expect(refusal({ TWEETSTORE_BLOB_STORE: 's3', TWEETSTORE_S3_BUCKET: 'Bad_Bucket' })).toEqual([expect.stringMatching(/^TWEETSTORE_S3_BUCKET must be an S3 bucket name/)]);
    for (const endpoint of ['minio:9000', 'ftp://minio', 'http//minio']) {
      expect(refusal({ TWEETSTORE_BLOB_STORE: 's3', TWEETSTORE_S3_BUCKET: 'media', TWEETSTORE_S3_ENDPOINT: endpoint }), endpoint).toEqual([
        'TWEETSTORE_S3_ENDPOINT must be a http or https URL, such as http://127.0.0.1:9000',
      ]);
    }
    expect(refusal({ AWS_ACCESS_KEY_ID: 'only-the-id' })).toEqual([expect.stringMatching(/^AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together/)]);
    expect(refusal({ TWEETSTORE_REDIS_URL: '127.0.0.1:6379' })).toEqual(['TWEETSTORE_REDIS_URL must be a redis or rediss URL, such as redis://127.0.0.1:6379/0']);
    expect(refusal({ TWEETSTORE_DATABASE_URL: 'mysql://db/tweetstore' })).toEqual([expect.stringMatching(/^TWEETSTORE_DATABASE_URL must be a postgres or postgresql URL/)]);
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

// The media blob port on S3-compatible object storage (AWS S3, MinIO, s3rver in the tests), so that every instance
// serves every upload. Each write is a new object (layout.ts): listing a key's prefix finds its newest whole
// version, which costs a LIST before each stat and read, but holds the port's promise (whole or nothing, replaced as
// one step) on servers that write in place as well as on S3 itself.
import { randomBytes, webcrypto } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { checkBlobKey, checkMediaId, type BlobKey, type BlobStat, type BlobStore, type ByteRange } from '@tweetstore/store';
import { blobLayout, type BlobVersion } from './layout.ts';
import { askedRange } from './range.ts';
import { sha256Check } from './sha256-check.ts';

export interface S3BlobStoreOptions {
  /** `TWEETSTORE_S3_BUCKET`; created when missing. */
  bucket: string;
  /** `TWEETSTORE_S3_ENDPOINT`: an S3-compatible server (MinIO, s3rver), addressed path-style. Unset: AWS S3. */
  endpoint?: string;
  /** `TWEETSTORE_S3_REGION`; default us-east-1. */
  region?: string;
  /** Unset: the AWS SDK's own chain (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Put before every key, so deployments (or test runs) can share a bucket; default none. */
  prefix?: string;
  /** When a write happened (`writtenAt`); default the wall clock. */
  now?: () => number;
}

/** A write that never finished counts as an object once this old, so the media sweep's `list` finds it and removes it. */
const UNFINISHED_AFTER_MS = 60 * 60 * 1000;
/** How often a read follows a newer write that removed the version it had found. */
const READ_ATTEMPTS = 3;
/** DeleteObjects takes at most this many keys. */
const DELETE_BATCH = 1000;

export async function openS3BlobStore(options: S3BlobStoreOptions): Promise<BlobStore> {
  const { bucket: Bucket, endpoint } = options;
  const client = new S3Client({
    region: options.region ?? 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // By default the SDK sends a streamed body aws-chunked with a checksum trailer, which s3rver stores as part of
    // the object (200,000 bytes kept as 200,045); we send the sha256 ourselves, and check it on whole reads
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
  try {
    await ensureBucket(client, Bucket, endpoint);
  } catch (error) {
    client.destroy();
    throw error;
  }
  const layout = blobLayout(options.prefix ?? '');
  const now = options.now ?? Date.now;

  async function* objects(Prefix: string) {
    for await (const page of paginateListObjectsV2({ client }, { Bucket, Prefix })) {
      for (const object of page.Contents ?? []) {
        const parsed = layout.parse(object.Key ?? '', object.Size ?? -1);
        if (parsed) yield parsed;
      }
    }
  }
  async function versionsOf(key: BlobKey): Promise<BlobVersion[]> {
    const versions: BlobVersion[] = [];
    for await (const { version } of objects(layout.keyPrefix(key))) versions.push(version);
    return versions;
  }
  async function newestWhole(key: BlobKey): Promise<BlobVersion | null> {
    let newest: BlobVersion | null = null;
    for (const version of await versionsOf(key)) if (version.whole && (!newest || version.key > newest.key)) newest = version;
    return newest;
  }
  async function deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH).map((Key) => ({ Key }));
      const { Errors } = await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch, Quiet: true } }));
      if (Errors?.length) throw new Error(`S3 could not delete ${Errors.length} objects, first ${Errors[0]!.Key}: ${Errors[0]!.Code} ${Errors[0]!.Message}`);
    }
  }

  return {
    engine: 's3',

    async put(key, bytes) {
      checkBlobKey(key);
      const [digest, older] = await Promise.all([webcrypto.subtle.digest('SHA-256', bytes), versionsOf(key)]);
      const sha256 = Buffer.from(digest);
      // after every version seen, so this write wins even when another writer's clock is ahead of ours
      const writtenAt = Math.max(now(), ...older.map((v) => v.writtenAt + 1));
      const Key = layout.versionKey(key, writtenAt, randomBytes(4).toString('hex'), bytes.length, sha256.toString('hex'));
      // S3 itself refuses a body that does not match ChecksumSHA256; servers that ignore it are caught on reading
      const upload = new PutObjectCommand({ Bucket, Key, Body: bytes, ContentLength: bytes.length, ChecksumSHA256: sha256.toString('base64') });
      // The signer takes the payload's hash from this header when it is there; else, on an http endpoint, it hashes
      // the body itself on the event loop (100 MiB: ~60 ms)
      upload.middlewareStack.add(
        (next) => (args) => {
          (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = sha256.toString('hex');
          return next(args);
        },
        { step: 'build', name: 'tweetstorePayloadHash' },
      );
      await client.send(upload);
      await deleteKeys(older.map((v) => v.key));
    },

    async stat(key): Promise<BlobStat | null> {
      checkBlobKey(key);
      const version = await newestWhole(key);
      return version && { bytes: version.bytes, writtenAt: version.writtenAt };
    },

    async read(key, range?: ByteRange): Promise<Readable | null> {
      checkBlobKey(key);
      for (let attempt = 1; ; attempt++) {
        const version = await newestWhole(key);
        if (!version) return null;
        if (range && (range.start < 0 || range.end < range.start || range.end >= version.bytes)) {
          throw new RangeError(`range ${range.start}-${range.end} outside ${version.bytes} bytes`);
        }
        try {
          const { Body, ContentRange } = await client.send(new GetObjectCommand({ Bucket, Key: version.key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }));
          const body = Body as Readable;
          // a range cannot be checked against the whole object's hash
          return range ? askedRange(body, range, ContentRange) : pipeline(body, sha256Check(version.sha256, version.key), () => {});
        } catch (error) {
          // a newer write removed the version between the listing and the read: read the newer one
          if (error instanceof NoSuchKey && attempt < READ_ATTEMPTS) continue;
          throw error;
        }
      }
    },

    async remove(mediaId) {
      checkMediaId(mediaId);
      const keys: string[] = [];
      for await (const { version } of objects(layout.mediaPrefix(mediaId))) keys.push(version.key);
      await deleteKeys(keys);
    },

    async *list() {
      // a listing is in key order, so each media id's objects come together; -1: none of them counts yet
      let mediaId: string | null = null;
      let writtenAt = -1;
      for await (const object of objects(layout.root)) {
        if (object.mediaId !== mediaId) {
          if (mediaId !== null && writtenAt >= 0) yield { mediaId, writtenAt };
          mediaId = object.mediaId;
          writtenAt = -1;
        }
        const { version } = object;
        if (version.whole || version.writtenAt <= now() - UNFINISHED_AFTER_MS) writtenAt = Math.max(writtenAt, version.writtenAt);
      }
      if (mediaId !== null && writtenAt >= 0) yield { mediaId, writtenAt };
    },

    async close() {
      client.destroy();
    },
  };
}

async function ensureBucket(client: S3Client, Bucket: string, endpoint: string | undefined): Promise<void> {
  const where = `S3 bucket ${JSON.stringify(Bucket)}${endpoint ? ` at ${endpoint}` : ''}`;
  try {
    await client.send(new HeadBucketCommand({ Bucket }));
    return;
  } catch (error) {
    if (!(error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)) {
      throw new Error(`${where} cannot be reached: ${(error as Error).message || (error as Error).name}`, { cause: error });
    }
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket }));
  } catch (error) {
    // another instance starting at the same time made it (AWS says it is ours; s3rver and some others only that it
    // exists, as AWS does for a bucket of someone else's: then it is ours if we may use it)
    if (error instanceof S3ServiceException && error.name === 'BucketAlreadyOwnedByYou') return;
    if (error instanceof S3ServiceException && error.name === 'BucketAlreadyExists') {
      const usable = await client.send(new HeadBucketCommand({ Bucket })).then(() => true, () => false);
      if (usable) return;
    }
    throw new Error(`${where} does not exist and cannot be created: ${(error as Error).message || (error as Error).name}`, { cause: error });
  }
}

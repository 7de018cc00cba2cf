// A whole object read back is checked against the sha256 it was written with: an S3-compatible server need not
// verify ChecksumSHA256 (s3rver does not), and bytes damaged at rest or on the way must not be served as good.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export class BlobCorrupted extends Error {
  constructor(key: string) {
    super(`blob ${key}: the bytes read back are not the bytes written (sha256 differs)`);
    this.name = 'BlobCorrupted';
  }
}

/** Passes the bytes through, and fails at the end instead of finishing when they do not hash to `sha256Hex`. */
export function sha256Check(sha256Hex: string, key: string): Transform {
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      done(hash.digest('hex') === sha256Hex ? null : new BlobCorrupted(key));
    },
  });
}

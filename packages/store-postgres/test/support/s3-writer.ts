// Writes objects start, start + 1, ... through the S3 engine (argv: endpoint, prefix, start), printing each index once
// its put is acknowledged. Each object is made before the previous one is acknowledged, so a kill just after an
// acknowledgement lands in a write.
import { openS3BlobStore } from '../../src/index.ts';
import { objectId, objectOf } from './objects.ts';
import { S3RVER_CREDENTIALS } from './s3rver.ts';

const [endpoint, prefix, start] = process.argv.slice(2) as [string, string, string];
const blobs = await openS3BlobStore({ endpoint, bucket: 'tweetstore-test', credentials: S3RVER_CREDENTIALS, prefix });
let bytes = objectOf(Number(start));
for (let i = Number(start); ; i++) {
  await blobs.put({ mediaId: objectId(i), name: 'original' }, bytes);
  bytes = objectOf(i + 1);
  process.stdout.write(`${i}\n`);
}

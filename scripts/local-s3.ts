// An S3-protocol server on this machine for `scripts/start.sh --scale` (s3rver, a dev dependency): its objects are
// files under the folder given, on 127.0.0.1 and the port given. For trying the scale-out on one machine; in
// production, point TWEETSTORE_S3_ENDPOINT at S3, MinIO or any S3-compatible store (compose.yaml runs MinIO).
import http from 'node:http';
import S3rver from 's3rver';

const [directory, port = '4568'] = process.argv.slice(2);
if (!directory) throw new Error('usage: local-s3.ts <folder> [port]');
const s3rver = new S3rver({ directory, silent: true });
const server = http.createServer(s3rver.getMiddleware());
server.listen(Number(port), '127.0.0.1', () => console.log(`local S3 (s3rver) listening on http://127.0.0.1:${port}, objects in ${directory}`));
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

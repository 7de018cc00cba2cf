// A real S3-protocol server for the tests: s3rver on a folder, in this process, on a free port of 127.0.0.1. The
// http server is ours, so a test can watch the requests it receives.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';

/** s3rver's one account. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface RunningS3rver {
  endpoint: string;
  server: http.Server;
  close(): Promise<void>;
}

export async function startS3rver(directory: string): Promise<RunningS3rver> {
  const s3rver = new S3rver({ directory, silent: true });
  const server = http.createServer(s3rver.getMiddleware());
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

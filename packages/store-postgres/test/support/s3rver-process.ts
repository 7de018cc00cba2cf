// s3rver in a process of its own (argv: its folder), for tests that kill it, or a client of it, in the middle of an
// upload. Prints `listening <endpoint>`. After the line `cut <pid>` on stdin, the next upload of a media object is cut
// once s3rver has taken its first MiB: SIGKILL to `pid` (the writer, or this process itself).
import type { IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { startS3rver } from './s3rver.ts';

const CUT_AFTER = 1024 * 1024;
const running = await startS3rver(process.argv[2]!);
let victim: number | null = null;
createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, pid] = line.split(' ');
  if (command === 'cut') victim = Number(pid);
});
running.server.prependListener('request', (req: IncomingMessage) => {
  if (req.method !== 'PUT' || !req.url?.includes('/media/')) return;
  // counted as s3rver takes the bytes: a 'data' listener of our own would start the flow before s3rver reads it
  let received = 0;
  const emit = req.emit.bind(req);
  req.emit = (event: string | symbol, ...args: unknown[]) => {
    if (event === 'data') received += (args[0] as Buffer).length;
    const result = emit(event, ...args);
    if (victim !== null && received >= CUT_AFTER) {
      const pid = victim;
      victim = null;
      process.kill(pid, 'SIGKILL');
    }
    return result;
  };
});
console.log(`listening ${running.endpoint}`);

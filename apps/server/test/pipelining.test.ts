// HTTP/1.1 pipelining: requests written together on one connection are started a turn apart (src/turns.ts), and still
// each answered once, in order, while other clients are served.
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { serverForTests } from './harness.ts';

const server = serverForTests();

it('answers 2,000 pipelined requests on one connection in order, and another client meanwhile', async () => {
  const { hostname, port } = new URL(server.url);
  const N = 2_000;
  // alternate two procedures, so the order of the answers can be checked
  const request = (i: number) => `GET /trpc/${i % 2 ? 'system.health' : 'auth.me'} HTTP/1.1\r\nhost: x\r\n\r\n`;
  const answers = new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(Array.from({ length: N }, (_, i) => request(i)).join('')));
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.split('HTTP/1.1 200').length - 1 >= N) socket.destroy();
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
  // meanwhile, another client is answered
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  const bodies = (await answers).split('HTTP/1.1 200').slice(1).map((a) => (a.includes('"ok":true') ? 'health' : 'me'));
  expect(bodies).toHaveLength(N);
  expect(bodies).toEqual(Array.from({ length: N }, (_, i) => (i % 2 ? 'health' : 'me')));
});

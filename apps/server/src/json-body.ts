// The body of a tRPC call over HTTP, read here rather than by tRPC's adapter so that it can be checked before it is
// parsed (json-guard.ts); tRPC's node adapter takes a body already read as `req.body`.
import type { IncomingMessage } from 'node:http';
import { TRPCError } from '@trpc/server';
import { tooComplexJson } from './json-guard.ts';

export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const tooLarge = () => new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `the request body is larger than ${maxBytes} bytes` });
    if (declared > maxBytes) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.resume();
        return reject(tooLarge());
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (size > maxBytes) return;
      const text = Buffer.concat(chunks, size).toString('utf8');
      const why = tooComplexJson(text);
      if (why) return reject(new TRPCError({ code: 'BAD_REQUEST', message: `the request body is refused before parsing: ${why}` }));
      resolve(text);
    });
    req.once('error', reject);
    req.once('aborted', () => reject(new TRPCError({ code: 'CLIENT_CLOSED_REQUEST', message: 'the client went away' })));
  });
}

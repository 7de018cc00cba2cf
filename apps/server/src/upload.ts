// POST /trpc/media.upload, read as it arrives. tRPC's HTTP adapter would hand the body to undici's FormData parser,
// which holds the event loop ~1-2 ms per MB once the whole body is in (a 90 MB video: ~115 ms). Here busboy parses
// the multipart stream a chunk at a time, each chunk is hashed and copied as it comes, and the media.upload
// procedure then runs through tRPC as any call does (auth, validation, telemetry, error formatting) with the
// received bytes. The answer is written as the adapter writes it, so clients cannot tell the difference.
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { admitUpload, appRouter, ReceivedUpload, type Context } from '@tweetstore/api';
import { callTRPCProcedure, getTRPCErrorFromUnknown, transformTRPCResponse, TRPCError } from '@trpc/server';
import busboy from 'busboy';
import { sendError } from './trpc-errors.ts';

const PATH = 'media.upload';

export interface UploadHandlerOptions {
  /** The largest file accepted (the kind's own limit is checked by the procedure once the type is known). */
  limit: number;
  createContext(req: http.IncomingMessage, res: http.ServerResponse): Context;
  onError(opts: { error: TRPCError; path?: string }): void;
}

const tooLarge = (limit: number) =>
  new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `the upload is larger than the largest allowed (${Math.floor(limit / 1024 / 1024)} MiB)` });

/** The file part's bytes, hashed as they arrived, and the alt text part. */
function receive(req: http.IncomingMessage, limit: number): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit + 64 * 1024) return reject(tooLarge(limit));
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: limit, fields: 4, fieldSize: 16 * 1024, parts: 8 } });
    } catch {
      return reject(new TRPCError({ code: 'BAD_REQUEST', message: 'send the upload as multipart/form-data with a "file" part' }));
    }
    // Memory follows the bytes received, never the bytes declared: twenty clients declaring 100 MiB each and then
    // sending slowly once took 2 GB before a byte arrived, when room for the declared size was made up front.
    const chunks: Buffer[] = [];
    const hash = createHash('sha256');
    let size = 0;
    let alt: string | null = null;
    let file = false;
    let truncated = false;
    parser.on('file', (name, stream) => {
      if (name !== 'file' || file) return void stream.resume();
      file = true;
      stream.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        chunks.push(chunk);
        size += chunk.length;
      });
      stream.on('limit', () => (truncated = true));
    });
    parser.on('field', (name, value) => {
      if (name === 'alt') alt = value;
    });
    parser.on('error', () => reject(new TRPCError({ code: 'BAD_REQUEST', message: 'the multipart body could not be read' })));
    parser.on('close', () => {
      if (truncated) return reject(tooLarge(limit));
      if (!file) return reject(new TRPCError({ code: 'BAD_REQUEST', message: 'a "file" part with the bytes is required' }));
      const bytes = Buffer.concat(chunks, size);
      chunks.length = 0;
      resolve(new ReceivedUpload(bytes, hash.digest('hex'), alt));
    });
    req.on('aborted', () => reject(new TRPCError({ code: 'CLIENT_CLOSED_REQUEST', message: 'the client went away' })));
    req.pipe(parser);
  });
}

export function createUploadHandler(options: UploadHandlerOptions) {
  const config = appRouter._def._config;
  return async function handleUpload(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const ctx = options.createContext(req, res);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const started = performance.now();
    let ran = false;
    let release: (() => void) | undefined;
    try {
      // signed in, within the account's limits and with a place among its uploads in flight, before a byte is read
      release = await admitUpload(ctx);
      const received = await receive(req, options.limit);
      ran = true;
      const data: unknown = await callTRPCProcedure({
        router: appRouter,
        path: PATH,
        type: 'mutation',
        ctx: { ...ctx, admitted: true },
        getRawInput: async () => received,
        signal: abort.signal,
        batchIndex: 0,
      });
      if (!res.headersSent) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(transformTRPCResponse(config, { result: { data } })));
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      options.onError({ error, path: PATH });
      // the procedure counts the calls it ran; these never reached it
      if (!ran) ctx.telemetry.recordCall(PATH, 'mutation', performance.now() - started, error.code);
      // what is left of a refused body is not read: the connection closes after the answer
      if (!req.complete) res.setHeader('connection', 'close');
      sendError(res, error, PATH, 'mutation');
    } finally {
      release?.();
    }
  };
}

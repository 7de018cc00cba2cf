// Errors this server answers itself, outside tRPC's handlers (a malformed path, a refused body or upload, a refused
// WebSocket message), in exactly the shape tRPC gives its own, so clients handle them the same way.
import { appRouter } from '@tweetstore/api';
import { getTRPCErrorShape, transformTRPCResponse, type TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { ServerResponse } from 'node:http';

type CallType = 'query' | 'mutation' | 'subscription' | 'unknown';

/** The response item tRPC would send for `error` (its `error` member, transformed and formatted). */
export function errorResponse(error: TRPCError, path?: string, type: CallType = 'unknown', id?: number | string | null, jsonrpc?: unknown) {
  const config = appRouter._def._config;
  const shape = getTRPCErrorShape({ config, error, type, path, input: undefined, ctx: undefined });
  return transformTRPCResponse(config, { ...(id === undefined ? {} : { id, jsonrpc: jsonrpc as '2.0' | undefined }), error: shape });
}

/** API.md: over HTTP, TOO_MANY_REQUESTS also says Retry-After (whole seconds, rounded up). */
export function retryAfterHeader(errors: readonly TRPCError[]): Record<string, string> | undefined {
  let ms = 0;
  for (const error of errors) {
    const details = (error.cause as { details?: { retryAfterMs?: unknown } } | undefined)?.details;
    if (error.code === 'TOO_MANY_REQUESTS' && typeof details?.retryAfterMs === 'number') ms = Math.max(ms, details.retryAfterMs);
  }
  return ms > 0 ? { 'retry-after': String(Math.ceil(ms / 1000)) } : undefined;
}

export function sendError(res: ServerResponse, error: TRPCError, path?: string, type?: CallType): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(getHTTPStatusCodeFromError(error), { 'content-type': 'application/json', ...retryAfterHeader([error]) }).end(JSON.stringify(errorResponse(error, path, type)));
}

// Cursors are opaque to clients: base64url of a versioned position. Lists, threads and `latest` searches page by the
// last tweet id of the page; `top` searches by how many results came before (their order is a ranking, not ids).
import { isId } from '@tweetstore/core';
import { TRPCError } from '@trpc/server';

const PREFIX = 'v1:';

export function encodeCursor(beforeId: string): string {
  return Buffer.from(PREFIX + beforeId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith(PREFIX) ? decoded.slice(PREFIX.length) : '';
  if (!isId(id) || encodeCursor(id) !== cursor) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'invalid cursor: pass back a nextCursor from a previous list' });
  }
  return id;
}

const OFFSET_PREFIX = 't1:';

export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(OFFSET_PREFIX + offset, 'utf8').toString('base64url');
}

/** The offset of a `top` cursor; BAD_REQUEST for anything else (a `latest` cursor included). */
export function decodeOffsetCursor(cursor: string): number {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const offset = decoded.startsWith(OFFSET_PREFIX) ? Number(decoded.slice(OFFSET_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(offset) || offset < 0 || encodeOffsetCursor(offset) !== cursor) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'invalid cursor: pass back a nextCursor from a previous search with the same sort' });
  }
  return offset;
}

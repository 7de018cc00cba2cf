// List cursors are opaque to clients: base64url of a versioned position (the last tweet id of the page).
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

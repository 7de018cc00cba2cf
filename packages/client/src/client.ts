// The typed Node client.
import type { AppRouter } from '@tweetstore/api';
import { createTRPCClient, type TRPCClient } from '@trpc/client';
import WebSocket from 'ws';
import { createLinks, type LinkOptions } from './links.ts';

export type TweetstoreClient = TRPCClient<AppRouter>;

export type ClientOptions = Omit<LinkOptions, 'WebSocket' | 'lazySocket'>;

const sockets = new WeakMap<object, ReturnType<typeof createLinks>['socket']>();

export function createClient(options: ClientOptions): TweetstoreClient {
  // Open the socket on first use and close it when idle, so short scripts can exit.
  const { links, socket } = createLinks({ ...options, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, lazySocket: true });
  const client = createTRPCClient<AppRouter>({ links });
  sockets.set(client, socket);
  return client;
}

/** Close the client's WebSocket (ends its subscriptions). */
export async function closeClient(client: TweetstoreClient): Promise<void> {
  await sockets.get(client)?.close();
}

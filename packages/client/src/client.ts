// The typed Node client: HTTP batching for queries and mutations, httpLink for non-JSON input (FormData),
// WebSocket for subscriptions (or for everything, the fast path for bulk scripted traffic).
import type { AppRouter } from '@tweetstore/api';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  httpLink,
  isNonJsonSerializable,
  splitLink,
  wsLink,
  type TRPCClient,
  type TRPCLink,
} from '@trpc/client';
import superjson from 'superjson';
import WebSocket from 'ws';

export type TweetstoreClient = TRPCClient<AppRouter>;

export interface ClientOptions {
  /** Server base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  /** Session token (from auth.register/login), or a function read at every request and (re)connect. */
  token?: string | null | (() => string | null | undefined);
  /** 'ws' sends queries and mutations over the WebSocket too (no per-call HTTP cost). Default 'http'. */
  transport?: 'http' | 'ws';
}

const sockets = new WeakMap<object, ReturnType<typeof createWSClient>>();

export function createClient(options: ClientOptions): TweetstoreClient {
  const base = options.url.replace(/\/+$/, '');
  const token = () => (typeof options.token === 'function' ? options.token() : options.token) ?? null;
  const ws = createWSClient({
    url: `${base.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: () => {
      const t = token();
      return t ? { token: t } : {};
    },
    // Open the socket on first use, close it when idle so short scripts can exit.
    lazy: { enabled: true, closeMs: 1_000 },
  });
  const headers = () => {
    const t = token();
    return t ? { authorization: `Bearer ${t}` } : {};
  };
  const http: TRPCLink<AppRouter> = splitLink({
    condition: (op) => isNonJsonSerializable(op.input),
    true: httpLink({ url: `${base}/trpc`, transformer: superjson, headers }),
    false: httpBatchLink({ url: `${base}/trpc`, transformer: superjson, headers }),
  });
  const socket = wsLink<AppRouter>({ client: ws, transformer: superjson });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription' || (options.transport === 'ws' && !isNonJsonSerializable(op.input)),
        true: socket,
        false: http,
      }),
    ],
  });
  sockets.set(client, ws);
  return client;
}

/** Close the client's WebSocket (ends its subscriptions). */
export async function closeClient(client: TweetstoreClient): Promise<void> {
  await sockets.get(client)?.close();
}

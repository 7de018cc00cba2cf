// The one link setup for every client (Node and browser): HTTP batching for queries and mutations, httpLink for
// non-JSON input (FormData), WebSocket for subscriptions (or for everything, with transport 'ws').
import type { AppRouter } from '@tweetstore/api';
import { createWSClient, httpBatchLink, httpLink, isNonJsonSerializable, splitLink, wsLink, type TRPCLink } from '@trpc/client';
import superjson from 'superjson';

export interface LinkOptions {
  /** Server base URL, e.g. http://127.0.0.1:3000 (a browser passes its own origin). */
  url: string;
  /** Session token, or a function read at every request and (re)connect. Browsers use the cookie instead. */
  token?: string | null | (() => string | null | undefined);
  /** 'ws' sends queries and mutations over the WebSocket too (no per-call HTTP cost). Default 'http'. */
  transport?: 'http' | 'ws';
  /** A WebSocket implementation (Node: the `ws` package); browsers have their own. */
  WebSocket?: typeof globalThis.WebSocket;
  /** Keep the socket closed until a call needs it, and close it when idle (short-lived scripts). */
  lazySocket?: boolean;
  /** The fetch that sends non-JSON input (uploads); a browser passes one that reports upload progress. */
  uploadFetch?: typeof globalThis.fetch;
}

export function createLinks(options: LinkOptions) {
  const base = options.url.replace(/\/+$/, '');
  const token = () => (typeof options.token === 'function' ? options.token() : options.token) ?? null;
  const socket = createWSClient({
    url: `${base.replace(/^http/, 'ws')}/trpc`,
    WebSocket: options.WebSocket,
    connectionParams: () => {
      const t = token();
      return t ? { token: t } : {};
    },
    lazy: { enabled: options.lazySocket ?? false, closeMs: 1_000 },
  });
  const headers = () => {
    const t = token();
    return t ? { authorization: `Bearer ${t}` } : {};
  };
  const http: TRPCLink<AppRouter> = splitLink({
    condition: (op) => isNonJsonSerializable(op.input),
    true: httpLink({ url: `${base}/trpc`, transformer: superjson, headers, fetch: options.uploadFetch }),
    // Batched queries travel in the URL: split a batch before it nears Node's 16 KB header limit (HTTP 431), and
    // before it carries more calls than the server takes in one batch (API.md Limits: 50).
    false: httpBatchLink({ url: `${base}/trpc`, transformer: superjson, headers, maxURLLength: 8_000, maxItems: 50 }),
  });
  const links: TRPCLink<AppRouter>[] = [
    splitLink({
      condition: (op) => op.type === 'subscription' || (options.transport === 'ws' && !isNonJsonSerializable(op.input)),
      true: wsLink<AppRouter>({ client: socket, transformer: superjson }),
      false: http,
    }),
  ];
  return { links, socket };
}

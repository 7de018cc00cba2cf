// The tRPC and TanStack Query clients. The session cookie is fixed for a WebSocket at connect time, so signing in
// or out builds fresh clients (a new socket that carries the new cookie, and an empty cache).
import { createLinks } from '@tweetstore/client/links';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, Fragment, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { progressFetch } from './media/uploadProgress.ts';
import { trpc } from './trpc.ts';
import { retryAfterMs } from './ui/ErrorMessage.tsx';

export interface Clients {
  queryClient: QueryClient;
  trpcClient: ReturnType<typeof trpc.createClient>;
  close(): void;
}

/** The longest server's wait a query sits out quietly before asking again; past it the reader sees the countdown. */
export const QUIET_RETRY_WAIT_MS = 10_000;

const serverFault = (error: unknown) => ((error as { data?: { httpStatus?: number } }).data?.httpStatus ?? 500) >= 500;

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        // A client mistake (4xx) will not go away by asking again; too many requests will, after the server's wait.
        retry: (count, error) => count < 2 && (serverFault(error) || (retryAfterMs(error) ?? Infinity) <= QUIET_RETRY_WAIT_MS),
        // TanStack's own delay (doubling from 1 s, at most 30 s), unless the server said how long to wait.
        retryDelay: (count, error) => retryAfterMs(error) ?? Math.min(1000 * 2 ** count, 30_000),
      },
    },
  });
}

/** The browser's clients: tRPC over this page's origin (HTTP batch + WebSocket). */
export function createBrowserClients(): Clients {
  const { links, socket } = createLinks({ url: window.location.origin, uploadFetch: progressFetch });
  return { queryClient: createQueryClient(), trpcClient: trpc.createClient({ links }), close: () => void socket.close() };
}

const ResetClients = createContext<() => void>(() => {});

/** Call after signing in or out: the next render uses clients that carry the new session. */
export function useResetClients(): () => void {
  return useContext(ResetClients);
}

export function Providers({ children, createClients = createBrowserClients }: { children: ReactNode; createClients?: () => Clients }) {
  const [session, setSession] = useState(() => ({ clients: createClients(), epoch: 0 }));
  const { clients, epoch } = session;
  useEffect(() => () => clients.close(), [clients]);
  const reset = useCallback(() => setSession((s) => ({ clients: createClients(), epoch: s.epoch + 1 })), [createClients]);
  return (
    <ResetClients.Provider value={reset}>
      <trpc.Provider client={clients.trpcClient} queryClient={clients.queryClient}>
        <QueryClientProvider client={clients.queryClient}>
          {/* Mounted components hold observers of the old cache: remount them under the new session. */}
          <Fragment key={epoch}>{children}</Fragment>
        </QueryClientProvider>
      </trpc.Provider>
    </ResetClients.Provider>
  );
}

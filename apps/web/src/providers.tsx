// The tRPC and TanStack Query clients. The session cookie is fixed for a WebSocket at connect time, so signing in
// or out builds fresh clients (a new socket that carries the new cookie, and an empty cache).
import { createLinks } from '@tweetstore/client/links';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { trpc } from './trpc.ts';

function createClients() {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: { staleTime: 10_000, refetchOnWindowFocus: false, retry: (count, error) => count < 2 && !/4\d\d/.test(String((error as { data?: { httpStatus?: number } }).data?.httpStatus ?? '')) },
    },
  });
  const { links, socket } = createLinks({ url: window.location.origin });
  const trpcClient = trpc.createClient({ links });
  return { queryClient, trpcClient, socket };
}

const ResetClients = createContext<() => void>(() => {});

/** Call after signing in or out: the next render uses clients that carry the new session. */
export function useResetClients(): () => void {
  return useContext(ResetClients);
}

export function Providers({ children }: { children: ReactNode }) {
  const [clients, setClients] = useState(createClients);
  useEffect(() => () => void clients.socket.close(), [clients]);
  const reset = useCallback(() => setClients(createClients()), []);
  return (
    <ResetClients.Provider value={reset}>
      <trpc.Provider client={clients.trpcClient} queryClient={clients.queryClient}>
        <QueryClientProvider client={clients.queryClient}>{children}</QueryClientProvider>
      </trpc.Provider>
    </ResetClients.Provider>
  );
}

import type { QueryClient } from '@tanstack/react-query';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, type RefObject } from 'react';
import { trpc } from '../trpc.ts';
import { retryAfterMs } from '../ui/ErrorMessage.tsx';

// The tweets already counted as seen, per client: a client lives as long as the page (or until the session
// changes), which is what "once per card per page load" means.
const seenBy = new WeakMap<QueryClient, Set<string>>();

function seenIds(queryClient: QueryClient): Set<string> {
  let seen = seenBy.get(queryClient);
  if (!seen) seenBy.set(queryClient, (seen = new Set()));
  return seen;
}

/** Counts one view when at least half of the card has been on screen, once per tweet per page load. The new
 * count arrives with the live engagement stream. */
export function useViewCounter(ref: RefObject<HTMLElement | null>, id: string, enabled: boolean): void {
  const queryClient = useQueryClient();
  const utils = trpc.useUtils();
  useEffect(() => {
    const element = ref.current;
    const seen = seenIds(queryClient);
    if (!enabled || !element || seen.has(id) || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting) || seen.has(id)) return;
        seen.add(id);
        observer.disconnect();
        // A lost view is not worth an error message; it is the one count that is allowed to be approximate. Refused
        // for too many requests, it is asked once more after the server's wait, even if the card has left the
        // screen by then (the reader did see it).
        const count = () => utils.client.tweet.engage.mutate({ id, action: 'view' });
        count().catch((error: unknown) => {
          const wait = retryAfterMs(error);
          if (wait === undefined) seen.delete(id);
          else setTimeout(() => count().catch(() => seen.delete(id)), wait);
        });
      },
      { threshold: 0.5 },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, id, enabled, queryClient, utils]);
}

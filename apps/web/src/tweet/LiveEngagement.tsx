import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef } from 'react';
import { trpc } from '../trpc.ts';
import { useAfterWait } from '../ui/ErrorMessage.tsx';
import { useDebouncedValue } from '../ui/useDebouncedValue.ts';
import { storeEngagement } from './cache.ts';

/** The server takes at most this many ids per subscription. */
const MAX_IDS = 100;
/** While someone scrolls, the rendered ids change many times a second; resubscribe only once they settle. */
const SETTLE_MS = 300;

/** Keeps the engagement of the given (rendered) tweets live: one subscription per 100 ids. */
export function LiveEngagement({ ids }: { ids: string[] }) {
  const key = useDebouncedValue([...new Set(ids)].sort().join(','), SETTLE_MS);
  const chunks = useMemo(() => {
    const all = key ? key.split(',') : [];
    return Array.from({ length: Math.ceil(all.length / MAX_IDS) }, (_, i) => all.slice(i * MAX_IDS, (i + 1) * MAX_IDS));
  }, [key]);
  return chunks.map((chunk, i) => <EngagementStream key={i} ids={chunk} />);
}

function EngagementStream({ ids }: { ids: string[] }) {
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  // Resubscribing for a new set of ids resumes after the last event seen, so the ids that stay miss nothing.
  const lastEventId = useRef<string | undefined>(undefined);
  const idsKey = ids.join(',');
  const input = useMemo(() => ({ ids, lastEventId: lastEventId.current }), [idsKey]);
  const stream = trpc.tweet.onEngagement.useSubscription(input, {
    onData: ({ id, data }) => {
      lastEventId.current = id;
      if (data.type === 'reset') void utils.tweet.get.invalidate();
      else storeEngagement(utils, queryClient, data.id, data.engagement);
    },
  });
  // Refused (too many requests): tRPC does not ask again by itself, so start again after the server's wait.
  useAfterWait(stream.error, stream.reset);
  return null;
}

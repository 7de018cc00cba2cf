import { useEffect, useState } from 'react';
import { trpc, type Stats } from '../trpc.ts';
import { Ring } from './ring.ts';
import { toSample, type Sample } from './samples.ts';

/** Five minutes at one Stats per second. */
export const HISTORY_POINTS = 300;

export interface LiveStats {
  /** The newest Stats (undefined until the first arrives). */
  latest: Stats | undefined;
  /** The last `capacity` samples, oldest first; a new array with every Stats. */
  samples: Sample[];
  status: 'connecting' | 'live' | 'error';
  error: unknown;
  retry(): void;
}

/** The server's Stats stream, with a bounded history of it for the charts. */
export function useLiveStats(capacity = HISTORY_POINTS): LiveStats {
  const [ring] = useState(() => new Ring<Sample>(capacity));
  const [view, setView] = useState<{ latest?: Stats; samples: Sample[] }>({ samples: [] });
  const subscription = trpc.system.onStats.useSubscription(undefined, {
    onData: (stats) => {
      ring.push(toSample(stats));
      setView({ latest: stats, samples: ring.toArray() });
    },
  });
  // The server's last minute, asked once: the charts open with a past instead of empty, and the live samples that
  // arrived meanwhile stay after it.
  const past = trpc.system.statsHistory.useQuery(undefined, { staleTime: Infinity });
  useEffect(() => {
    if (!past.data) return;
    const live = ring.toArray();
    const older = past.data.map(toSample).filter((sample) => sample.t < (live[0]?.t ?? Infinity));
    ring.clear();
    for (const sample of [...older, ...live]) ring.push(sample);
    setView((current) => ({ ...current, samples: ring.toArray() }));
  }, [past.data, ring]);
  const status = subscription.status === 'error' ? 'error' : subscription.status === 'pending' && view.latest ? 'live' : 'connecting';
  return { latest: view.latest, samples: view.samples, status, error: subscription.error, retry: subscription.reset };
}

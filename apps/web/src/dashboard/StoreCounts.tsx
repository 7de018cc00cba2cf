import { useId } from 'react';
import type { Stats } from '../trpc.ts';
import { formatBytes } from './format.ts';

/** What the store holds; laid out before the first Stats arrives, so nothing moves when it does. */
export function StoreCounts({ store }: { store: Stats['store'] | undefined }) {
  const headingId = useId();
  const rows: [string, string | undefined][] = [
    ['Tweets', store?.tweets.toString()],
    ['Users', store?.users.toString()],
    ['Versions', store?.versions.toString()],
    ['Media', store?.media?.toString()],
    ['Head seq', store?.headSeq.toString()],
    ['Journal', store && formatBytes(store.journalBytes)],
    ['Checkpoint', store && formatBytes(store.checkpointBytes)],
  ];
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Store{store ? <span className="muted"> ({store.engine})</span> : null}</h2>
      <dl className="dash-counts">
        {rows.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd data-testid={`store-${name.toLowerCase().replace(' ', '-')}`}>{value ?? '–'}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

import { useId } from 'react';
import type { Stats } from '../trpc.ts';
import { formatBytes } from './format.ts';
import { detailLabel } from './InstanceTable.tsx';

/**
 * What the store holds: the counts every engine has, laid out before the first Stats arrives so they do not move when
 * it does, then the engine's own figures (its details), by name: a name ending in `Bytes` is a size.
 */
export function StoreCounts({ store }: { store: Stats['store'] | undefined }) {
  const headingId = useId();
  const rows: [string, string | undefined][] = [
    ['Tweets', store?.tweets.toString()],
    ['Users', store?.users.toString()],
    ['Versions', store?.versions.toString()],
    ['Media', store?.media.toString()],
    ['Head seq', store?.headSeq.toString()],
    ...Object.entries(store?.details ?? {}).map(([name, value]): [string, string] => [detailLabel(name), name.endsWith('Bytes') ? formatBytes(value) : value.toString()]),
  ];
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Store{store ? <span className="muted"> ({store.engine})</span> : null}</h2>
      <dl className="dash-counts">
        {rows.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd data-testid={`store-${name.toLowerCase().replaceAll(' ', '-')}`}>{value ?? '–'}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

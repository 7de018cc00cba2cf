import { useId } from 'react';
import type { Stats } from '../trpc.ts';
import { formatBytes, formatDuration, formatValue } from './format.ts';

/**
 * Every running instance's figures of its last second, the one answering marked, and what they share (Redis's
 * figures, when instances share a Redis). One process alone is one row.
 */
export function InstanceTable({ stats }: { stats: Stats | undefined }) {
  const headingId = useId();
  const instances = stats?.instances ?? [];
  const shared = Object.entries(stats?.shared ?? {});
  const detailNames = PER_INSTANCE_DETAILS.filter((name) => instances.some((i) => name in i.details));
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        Instances
        {stats ? <span className="muted"> ({instances.length} running)</span> : null}
      </h2>
      {instances.length === 0 ? (
        <p className="muted">{stats ? 'Waiting for the first figures…' : '–'}</p>
      ) : (
        <div className="dash-table-scroll" tabIndex={0} role="region" aria-label="Instances in the last second">
          <table className="dash-table">
            <caption className="visually-hidden">Each instance's calls, latency, event-loop delay, memory and connections in its last second</caption>
            <thead>
              <tr>
                <th scope="col">Instance</th>
                <th scope="col">Up</th>
                <th scope="col">Calls/s</th>
                <th scope="col">p99 ms</th>
                <th scope="col">Loop p99 ms</th>
                <th scope="col">RSS</th>
                <th scope="col">WebSockets</th>
                <th scope="col">Head seq</th>
                {detailNames.map((name) => (
                  <th scope="col" key={name}>
                    {detailLabel(name)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {instances.map((i) => (
                <tr key={i.id} aria-current={i.id === stats?.instance ? 'true' : undefined}>
                  <th scope="row">
                    {i.id}
                    {i.id === stats?.instance ? <span className="muted"> (this one)</span> : null}
                  </th>
                  <td>{formatDuration(i.at - i.startedAt)}</td>
                  <td>{i.requestsPerSecond}</td>
                  <td>{formatValue(i.p99Ms, 2)}</td>
                  <td>{formatValue(i.eventLoopDelayP99Ms, 2)}</td>
                  <td>{formatBytes(i.rssBytes)}</td>
                  <td>{i.webSockets}</td>
                  <td>{i.headSeq}</td>
                  {detailNames.map((name) => (
                    <td key={name}>{figure(name, i.details[name])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shared.length > 0 && (
        <dl className="dash-counts dash-shared" aria-label="Shared services">
          {shared.map(([name, value]) => (
            <div key={name}>
              <dt>{detailLabel(name)}</dt>
              <dd>{figure(name, value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

/**
 * The store figures that tell instances apart, shown per instance when the engine has them (the PostgreSQL engine's
 * connections waited for, and how far its event tail is behind); the rest of an
 * engine's details are the Store panel's.
 */
const PER_INSTANCE_DETAILS = ['poolWaiting', 'tailLagMs'];

/** A figure as its name says: `…Bytes` a size, anything else a number. */
function figure(name: string, value: number | undefined): string {
  if (value === undefined) return '–';
  return name.endsWith('Bytes') ? formatBytes(value) : String(value);
}

/** redisUsedMemoryBytes -> "Redis used memory", poolWaiting -> "Pool waiting". */
export function detailLabel(name: string): string {
  const words = name.replace(/Bytes$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

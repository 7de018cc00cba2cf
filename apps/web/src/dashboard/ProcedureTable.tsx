import { useId } from 'react';
import type { Stats } from '../trpc.ts';

/** Per-procedure calls and latency in the last second, busiest first. */
export function ProcedureTable({ procedures }: { procedures: Stats['procedures'] | undefined }) {
  const headingId = useId();
  const rows = [...(procedures ?? [])].sort((a, b) => b.calls - a.calls || a.path.localeCompare(b.path));
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Procedures</h2>
      {rows.length === 0 ? (
        <p className="muted">No calls in the last second.</p>
      ) : (
        <div className="dash-table-scroll" tabIndex={0} role="region" aria-label="Procedures in the last second">
          <table className="dash-table">
            <caption className="visually-hidden">Calls, errors and latency per procedure in the last second</caption>
            <thead>
              <tr>
                <th scope="col">Procedure</th>
                <th scope="col">Calls</th>
                <th scope="col">Errors</th>
                <th scope="col">p50 ms</th>
                <th scope="col">p95 ms</th>
                <th scope="col">p99 ms</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.path}>
                  <th scope="row">{p.path}</th>
                  <td>{p.calls}</td>
                  <td>{p.errors}</td>
                  <td>{p.p50Ms.toFixed(2)}</td>
                  <td>{p.p95Ms.toFixed(2)}</td>
                  <td>{p.p99Ms.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

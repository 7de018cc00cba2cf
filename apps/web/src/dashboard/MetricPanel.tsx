import { useId, useMemo } from 'react';
import { toColumns, type ChartSpec } from './charts.ts';
import { formatValue } from './format.ts';
import type { Sample } from './samples.ts';
import { TimeChart } from './TimeChart.tsx';

export const CHART_HEIGHT = 170;

/** One metric: its heading, its current numbers (which also describe the chart to screen readers), its chart. */
export function MetricPanel({ spec, samples }: { spec: ChartSpec; samples: Sample[] }) {
  const headingId = useId();
  const valuesId = useId();
  const data = useMemo(() => toColumns(samples, spec), [samples, spec]);
  const latest = samples.at(-1);
  const seconds = samples.length > 1 ? Math.round(samples.at(-1)!.t - samples[0]!.t) : 0;
  const span = seconds >= 120 ? `${Math.round(seconds / 60)} minutes` : `${seconds} seconds`;
  return (
    <section className="dash-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{spec.title}</h2>
      <dl className="dash-values" id={valuesId}>
        {spec.series.map((s) => (
          <div key={s.label}>
            <dt>
              <span className="dash-swatch" aria-hidden="true" style={{ borderTopColor: s.color, borderTopStyle: s.line ?? 'solid' }} />
              {s.label}
            </dt>
            <dd>
              <span className="dash-number" data-testid={s.testId}>
                {latest ? formatValue(s.value(latest), spec.digits) : '–'}
              </span>
              {spec.unit && <span className="dash-unit"> {spec.unit}</span>}
            </dd>
          </div>
        ))}
      </dl>
      <TimeChart spec={spec} data={data} height={CHART_HEIGHT} label={`${spec.title} chart, the last ${span}`} describedBy={valuesId} />
      {!latest && <p className="dash-waiting muted">Waiting for the first numbers…</p>}
    </section>
  );
}

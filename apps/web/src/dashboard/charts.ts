import type { AlignedData } from 'uplot';
import type { Sample } from './samples.ts';

export interface SeriesSpec {
  label: string;
  color: string;
  /** Line style, so series differ without colour too (solid when unset). */
  line?: 'dashed' | 'dotted';
  value: (s: Sample) => number;
  /** data-testid of this series' current value. */
  testId?: string;
}

export interface ChartSpec {
  key: string;
  title: string;
  unit: string;
  /** Decimals shown for values of this chart. */
  digits: number;
  series: SeriesSpec[];
}

const blue = '#1d9bf0';
const pink = '#e0245e';
const green = '#00a36c';
const orange = '#e08a00';

/** The dashboard's charts, in page order. */
export const charts: ChartSpec[] = [
  {
    key: 'rps',
    title: 'Requests per second',
    unit: 'req/s',
    digits: 0,
    series: [{ label: 'requests', color: blue, value: (s) => s.requestsPerSecond, testId: 'rps-value' }],
  },
  {
    key: 'latency',
    title: 'Latency',
    unit: 'ms',
    digits: 2,
    series: [
      { label: 'p50', color: green, value: (s) => s.latencyP50 },
      { label: 'p95', color: orange, line: 'dashed', value: (s) => s.latencyP95 },
      { label: 'p99', color: pink, line: 'dotted', value: (s) => s.latencyP99, testId: 'p99-value' },
    ],
  },
  {
    key: 'errors',
    title: 'Error rate',
    unit: '%',
    digits: 1,
    series: [{ label: 'failed calls', color: pink, value: (s) => s.errorPercent, testId: 'error-rate-value' }],
  },
  {
    key: 'memory',
    title: 'Memory',
    unit: 'MiB',
    digits: 1,
    series: [
      { label: 'RSS', color: blue, value: (s) => s.rssMiB, testId: 'rss-value' },
      { label: 'heap used', color: green, line: 'dashed', value: (s) => s.heapUsedMiB },
      { label: 'heap total', color: orange, line: 'dotted', value: (s) => s.heapTotalMiB },
    ],
  },
  {
    key: 'loop',
    title: 'Event-loop delay',
    unit: 'ms',
    digits: 2,
    series: [
      { label: 'p50', color: green, value: (s) => s.loopP50 },
      { label: 'p99', color: pink, line: 'dashed', value: (s) => s.loopP99 },
      { label: 'max', color: orange, line: 'dotted', value: (s) => s.loopMax },
    ],
  },
  {
    key: 'sockets',
    title: 'Open sockets',
    unit: '',
    digits: 0,
    series: [
      { label: 'WebSockets', color: blue, value: (s) => s.webSockets, testId: 'sockets-value' },
      { label: 'subscriptions', color: green, line: 'dashed', value: (s) => s.subscriptions, testId: 'subscriptions-value' },
    ],
  },
];

/** The canvas dash pattern of a line style. */
export const dashes = { dashed: [6, 3], dotted: [2, 3] } as const;

/** uPlot's columns for one chart: the times, then one column per series. */
export function toColumns(samples: readonly Sample[], spec: ChartSpec): AlignedData {
  return [samples.map((s) => s.t), ...spec.series.map((series) => samples.map(series.value))];
}

import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { dashes, type ChartSpec } from './charts.ts';
import { formatClockTime, formatValue } from './format.ts';

interface Props {
  spec: ChartSpec;
  data: uPlot.AlignedData;
  /** Plot height in px; the frame has it from the first render, so nothing moves when the chart arrives. */
  height: number;
  /** What the chart shows, for screen readers (the canvas itself says nothing). */
  label: string;
  /** Id of the element that holds the chart's current numbers. */
  describedBy?: string;
}

const MIN_SPAN_S = 60;
/** Room for one time label and a gap before the next ("14:05:30" is ~55 px). */
const TIME_LABEL_SPACE_PX = 90;

function options(spec: ChartSpec, frame: HTMLElement, height: number, readout: HTMLElement | null): uPlot.Options {
  const ink = getComputedStyle(frame).color || '#536471';
  const grid = { stroke: 'rgba(128, 128, 128, 0.2)', width: 1 };
  const show = (v: number | null | undefined) => (v == null ? '–' : formatValue(v, spec.digits));
  return {
    width: frame.clientWidth,
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      // At least a minute wide, filling from the right, so the first seconds do not stretch across the chart.
      x: { time: true, range: (_u, min, max) => (max == null ? [min, max] : [Math.min(min, max - MIN_SPAN_S), max]) },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
    },
    axes: [
      // One short time per tick, and ticks far enough apart that their labels never touch (uPlot's own labels put a
      // date on the first one, which ran into the next).
      { stroke: ink, grid, ticks: grid, space: TIME_LABEL_SPACE_PX, values: (_u, splits) => splits.map(formatClockTime) },
      { stroke: ink, grid, ticks: grid, size: 52 },
    ],
    series: [{}, ...spec.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, dash: s.line ? [...dashes[s.line]] : undefined, points: { show: false } }))],
    hooks: {
      // The values under the pointer go straight into one line of text: no React render per mouse move.
      setCursor: [
        (u) => {
          if (!readout) return;
          const i = u.cursor.idx;
          const t = i == null ? undefined : u.data[0][i];
          readout.textContent =
            i == null || t == null
              ? ''
              : `${formatClockTime(t)}: ${spec.series.map((s, k) => `${s.label} ${show(u.data[k + 1]?.[i])}`).join(', ')} ${spec.unit}`;
        },
      ],
    },
  };
}

/** A live uPlot time chart. The instance is made once (per spec and height), fed with setData on every new point,
 * sized to its frame by a ResizeObserver, and destroyed on unmount. */
export function TimeChart({ spec, data, height, label, describedBy }: Props) {
  const frame = useRef<HTMLDivElement>(null);
  const readout = useRef<HTMLParagraphElement>(null);
  const plot = useRef<uPlot | null>(null);
  const current = useRef(data);

  useEffect(() => {
    current.current = data;
    plot.current?.setData(data);
  }, [data]);

  useEffect(() => {
    const el = frame.current!;
    const u = new uPlot(options(spec, el, height, readout.current), current.current, el);
    plot.current = u;
    let width = el.clientWidth;
    const resize = new ResizeObserver(([entry]) => {
      const next = Math.floor(entry?.contentRect.width ?? 0);
      if (next > 0 && next !== width) {
        width = next;
        u.setSize({ width, height });
      }
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [spec, height]);

  return (
    <div className="chart">
      <p className="chart-readout muted" ref={readout} aria-hidden="true" />
      <div className="chart-frame" ref={frame} style={{ height }} role="img" aria-label={label} aria-describedby={describedBy} />
    </div>
  );
}

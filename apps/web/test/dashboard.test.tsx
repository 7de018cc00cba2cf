// The dashboard's data logic is tested as plain functions; its charts run the real uPlot on a stand-in 2D canvas
// (jsdom has no canvas, Path2D, matchMedia or ResizeObserver), wrapped to count instances, updates and teardowns.
import { render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { charts, toColumns } from '../src/dashboard/charts.ts';
import { Ring } from '../src/dashboard/ring.ts';
import { toSample, type Sample } from '../src/dashboard/samples.ts';
import { InstanceTable } from '../src/dashboard/InstanceTable.tsx';
import { TimeChart } from '../src/dashboard/TimeChart.tsx';
import DashboardPage, { Dashboard } from '../src/pages/DashboardPage.tsx';
import type { Stats } from '../src/trpc.ts';
import { openApi, type ApiHarness } from './harness.tsx';

type Plot = { setData(data: unknown): void; setSize(size: { width: number; height: number }): void; destroy(): void };
const plots = vi.hoisted(() => {
  // uPlot asks matchMedia for the pixel ratio as soon as it is imported.
  window.matchMedia ??= (query: string) =>
    ({ matches: false, media: query, addEventListener: () => {}, removeEventListener: () => {} }) as unknown as MediaQueryList;
  return {
  created: [] as { plot: unknown; setData: unknown[][]; sizes: { width: number; height: number }[]; destroyed: boolean }[],
  };
});

vi.mock('uplot', async (importOriginal) => {
  const Real = (await importOriginal<{ default: new (...args: unknown[]) => Plot }>()).default;
  function TrackedPlot(...args: unknown[]) {
    const plot = new Real(...args);
    const record = { plot, setData: [] as unknown[][], sizes: [] as { width: number; height: number }[], destroyed: false };
    const { setData, setSize, destroy } = plot;
    plot.setData = (data) => (record.setData.push(data as unknown[]), setData(data));
    plot.setSize = (size) => (record.sizes.push(size), setSize(size));
    plot.destroy = () => ((record.destroyed = true), destroy());
    plots.created.push(record);
    return plot;
  }
  return { default: TrackedPlot };
});

const noop = () => {};
/** Accepts whatever a canvas 2D context or Path2D is asked to do. */
const anything = (extra: Record<string | symbol, unknown> = {}) =>
  new Proxy(extra, { get: (target, key) => (key in target ? target[key] : noop), set: (target, key, value) => ((target[key] = value), true) });

class FakeResizeObserver {
  static all: FakeResizeObserver[] = [];
  observed: Element[] = [];
  disconnected = false;
  constructor(readonly callback: ResizeObserverCallback) {
    FakeResizeObserver.all.push(this);
  }
  observe(el: Element) {
    this.observed.push(el);
  }
  unobserve() {}
  disconnect() {
    this.disconnected = true;
  }
  resize(width: number) {
    this.callback([{ contentRect: { width } } as ResizeObserverEntry], this as unknown as ResizeObserver);
  }
}

beforeEach(() => {
  plots.created.length = 0;
  FakeResizeObserver.all.length = 0;
  vi.stubGlobal('ResizeObserver', FakeResizeObserver);
  vi.stubGlobal('Path2D', function Path2D() {
    return anything();
  });
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement) {
    return anything({ canvas: this, measureText: (text: string) => ({ width: text.length * 6 }) }) as never;
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function stats(at: number, overrides: Partial<Stats> = {}): Stats {
  return {
    at: new Date(at),
    uptimeMs: 5000,
    requestsPerSecond: 12,
    errorRate: 0.25,
    latencyMs: { p50: 1.5, p95: 4, p99: 9.75 },
    procedures: [],
    memory: { rssBytes: 100 * 1024 * 1024, heapUsedBytes: 30 * 1024 * 1024, heapTotalBytes: 60 * 1024 * 1024 },
    eventLoopDelayMs: { p50: 0.5, p99: 2, max: 7 },
    connections: { webSockets: 3, subscriptions: 5 },
    store: { engine: 'lowdb', users: 1, tweets: 2, versions: 3, sessions: 1, media: 0, headSeq: 9, oldestRetainedSeq: 0, details: { journalBytes: 2048, checkpointBytes: 0, checkpointSeq: 0 } },
    topTweets: [],
    instance: 'host-a:100',
    instances: [],
    shared: {},
    ...overrides,
  };
}

describe('the instances table', () => {
  const instance = (id: string, requestsPerSecond: number): Stats['instances'][number] => ({
    id,
    startedAt: 1_000_000,
    at: 1_065_000,
    requestsPerSecond,
    errorRate: 0,
    p99Ms: 2.25,
    eventLoopDelayP99Ms: 0.5,
    rssBytes: 150 * 1024 * 1024,
    webSockets: 4,
    subscriptions: 6,
    headSeq: 77,
    details: { poolSize: 10, poolWaiting: 1, tailLagMs: 3 },
  });

  it('shows every instance, marks the one answering, and the shared services', () => {
    const latest = stats(1_065_000, {
      instance: 'host-b:2',
      instances: [instance('host-a:1', 30), instance('host-b:2', 12)],
      shared: { redisUsedMemoryBytes: 2 * 1024 * 1024, redisConnectedClients: 7 },
    });
    render(<InstanceTable stats={latest} />);
    expect(screen.getByRole('heading', { name: /^Instances\s*\(2 running\)$/ })).toBeInTheDocument();
    const table = screen.getByRole('table');
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Instance', 'Up', 'Calls/s', 'p99 ms', 'Loop p99 ms', 'RSS', 'WebSockets', 'Head seq', 'Pool waiting', 'Tail lag ms']);
    const [, a, b] = within(table).getAllByRole('row');
    expect(within(a!).getAllByRole('cell').map((c) => c.textContent)).toEqual(['1 min 05 s', '30', '2.25', '0.50', '150.0 MiB', '4', '77', '1', '3']);
    expect(b).toHaveAttribute('aria-current', 'true');
    expect(b).toHaveTextContent('host-b:2 (this one)');
    expect(a).not.toHaveAttribute('aria-current');
    const shared = screen.getByLabelText('Shared services');
    expect(shared).toHaveTextContent('Redis used memory2.0 MiB');
    expect(shared).toHaveTextContent('Redis connected clients7');
  });

  it('says so before the first figures, and shows no shared services alone', () => {
    render(<InstanceTable stats={stats(1_000_000)} />);
    expect(screen.getByText('Waiting for the first figures…')).toBeInTheDocument();
    expect(screen.queryByLabelText('Shared services')).toBeNull();
  });
});

describe('the stats history', () => {
  it('keeps at most its capacity, newest last', () => {
    const ring = new Ring<number>(3);
    expect(ring.toArray()).toEqual([]);
    ring.push(1);
    ring.push(2);
    expect(ring.toArray()).toEqual([1, 2]);
    for (let i = 3; i <= 10; i++) ring.push(i);
    expect(ring.size).toBe(3);
    expect(ring.toArray()).toEqual([8, 9, 10]);
    ring.clear();
    expect(ring.toArray()).toEqual([]);
    expect(() => new Ring(0)).toThrow(RangeError);
  });

  it('maps Stats to one column per series, on a time axis in seconds', () => {
    const samples: Sample[] = [toSample(stats(1_000_000)), toSample(stats(1_001_000, { requestsPerSecond: 20, errorRate: 0 }))];
    const byKey = Object.fromEntries(charts.map((c) => [c.key, toColumns(samples, c)]));
    expect(charts.map((c) => c.title)).toEqual(['Requests per second', 'Latency', 'Error rate', 'Memory', 'Event-loop delay', 'Open sockets']);
    expect(byKey.rps).toEqual([[1000, 1001], [12, 20]]);
    expect(byKey.latency).toEqual([[1000, 1001], [1.5, 1.5], [4, 4], [9.75, 9.75]]);
    expect(byKey.errors).toEqual([[1000, 1001], [25, 0]]);
    expect(byKey.memory).toEqual([[1000, 1001], [100, 100], [30, 30], [60, 60]]);
    expect(byKey.loop).toEqual([[1000, 1001], [0.5, 0.5], [2, 2], [7, 7]]);
    expect(byKey.sockets).toEqual([[1000, 1001], [3, 3], [5, 5]]);
  });
});

describe('a chart', () => {
  const spec = charts[0]!;

  it('makes one uPlot, feeds it with setData, follows its frame and is torn down on unmount', () => {
    const first = toColumns([toSample(stats(1_000_000))], spec);
    const view = render(<TimeChart spec={spec} data={first} height={170} label="Requests per second chart" />);
    const frame = screen.getByRole('img', { name: 'Requests per second chart' });
    expect(frame).toHaveStyle({ height: '170px' });
    expect(frame.querySelectorAll('.uplot')).toHaveLength(1);

    let last = first;
    for (let i = 1; i <= 5; i++) {
      last = toColumns(Array.from({ length: i + 1 }, (_, k) => toSample(stats(1_000_000 + k * 1000))), spec);
      view.rerender(<TimeChart spec={spec} data={last} height={170} label="Requests per second chart" />);
    }
    expect(plots.created).toHaveLength(1);
    expect(plots.created[0]!.setData.at(-1)).toBe(last);
    expect(frame.querySelectorAll('.uplot')).toHaveLength(1);

    const observer = FakeResizeObserver.all[0]!;
    expect(observer.observed).toEqual([frame]);
    observer.resize(420);
    expect(plots.created[0]!.sizes).toEqual([{ width: 420, height: 170 }]);

    view.unmount();
    expect(plots.created[0]!.destroyed).toBe(true);
    expect(observer.disconnected).toBe(true);
    expect(document.querySelectorAll('.uplot')).toHaveLength(0);
  });
});

describe('the dashboard page', () => {
  let api: ApiHarness;
  beforeEach(async () => {
    api = await openApi();
  });
  afterEach(async () => {
    await api.close();
  });

  const number = (testId: string) => Number(screen.getByTestId(testId).textContent);

  it('shows live numbers and charts from onStats, and lets go of everything on unmount', async () => {
    const view = api.render(<DashboardPage />, { path: '/dashboard' });
    expect(document.title).toBe('Dashboard · tweetstore');
    for (const title of charts.map((c) => c.title)) expect(screen.getByRole('heading', { name: title })).toBeInTheDocument();
    expect(screen.getByTestId('rps-value')).toHaveTextContent('–');

    await waitFor(() => expect(number('rss-value')).toBeGreaterThan(10));
    expect(screen.getByRole('status')).toHaveTextContent('Live');
    expect(number('subscriptions-value')).toBeGreaterThanOrEqual(1);
    expect(Number.isFinite(number('p99-value'))).toBe(true);
    expect(number('error-rate-value')).toBe(0);
    expect(number('sockets-value')).toBe(0); // in-process: no WebSockets

    const author = await api.signUp('dash_author');
    await author.api.tweet.create({ content: 'counted by the dashboard' });
    await waitFor(() => expect(number('rps-value')).toBeGreaterThan(0), { timeout: 3000 });
    await waitFor(() => expect(screen.getByTestId('store-tweets')).toHaveTextContent('1'));
    // the engine's own figures, by name: a size as bytes
    expect(screen.getByTestId('store-journal')).toHaveTextContent(/^\d+(\.\d)? (bytes|KiB|MiB)$/);
    expect(screen.getByTestId('store-checkpoint-seq')).toHaveTextContent(/^\d+$/);
    // one process alone: one instance, this one, with the engine's figures as it sees them
    const instances = screen.getByRole('region', { name: 'Instances in the last second' });
    await waitFor(() => expect(within(instances).getAllByRole('row')).toHaveLength(2), { timeout: 3000 });
    expect(within(instances).getByRole('row', { current: true })).toHaveTextContent(`local:${process.pid} (this one)`);

    // Many ticks later, still one chart per metric, each fed by setData with a growing history.
    await waitFor(() => expect(plots.created[0]!.setData.length).toBeGreaterThan(5));
    expect(plots.created).toHaveLength(charts.length);
    const fed = plots.created[0]!.setData.map((data) => (data[0] as number[]).length);
    expect(fed.at(-1)).toBeGreaterThan(fed[0]!);

    view.unmount();
    expect(plots.created.every((p) => p.destroyed)).toBe(true);
    await waitFor(async () => expect((await api.deps.telemetry.snapshot()).connections.subscriptions).toBe(0));
  });

  it('opens with the seconds the server kept from before it was opened', async () => {
    await waitFor(() => expect(api.deps.telemetry.history().length).toBeGreaterThanOrEqual(2), { timeout: 4000 });
    const kept = api.deps.telemetry.history().map((s) => s.at.getTime() / 1000);
    api.render(<DashboardPage />, { path: '/dashboard' });
    await waitFor(() => expect((plots.created[0]?.setData.at(-1)?.[0] as number[] | undefined)?.slice(0, kept.length)).toEqual(kept));
  });

  it('keeps only the last N points however long it runs', async () => {
    api.render(<Dashboard historyPoints={4} />);
    await waitFor(() => expect(plots.created[0]?.setData.length).toBeGreaterThan(8), { timeout: 3000 });
    const lengths = plots.created[0]!.setData.map((data) => (data[0] as number[]).length);
    expect(Math.max(...lengths)).toBe(4);
    expect(lengths.slice(-3)).toEqual([4, 4, 4]);
  });

  it('lists a fast-moving post after some likes', async () => {
    const author = await api.signUp('fast_author');
    const tweet = await author.api.tweet.create({ content: 'everyone likes this one' });
    await author.api.tweet.create({ content: 'nobody sees this one' });
    api.render(<DashboardPage />);
    await screen.findByText('Live');

    for (const name of ['liker_a', 'liker_b', 'liker_c']) await (await api.signUp(name)).api.tweet.engage({ id: tweet.id, action: 'like' });

    const list = await screen.findByRole('list', { name: 'Fastest-moving posts' });
    const item = within(list).getByRole('link', { name: 'everyone likes this one' }).closest('li')!;
    expect(within(item).getByRole('link')).toHaveAttribute('href', `/t/${tweet.id}`);
    expect(item).toHaveTextContent('@fast_author');
    expect(Number(within(item).getByText(/^\d+\.\d$/).textContent)).toBeGreaterThan(0);
    expect(within(list).queryByText('nobody sees this one')).not.toBeInTheDocument();
  });
});

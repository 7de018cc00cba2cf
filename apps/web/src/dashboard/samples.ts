import type { SecondStats } from '../trpc.ts';

const MiB = 1024 * 1024;

/** The numbers the charts plot from one Stats (or one second of the server's history), without its lists (top
 * tweets, procedures), so a long history of samples stays small. */
export interface Sample {
  /** Unix seconds (uPlot's time unit). */
  t: number;
  requestsPerSecond: number;
  latencyP50: number;
  latencyP95: number;
  latencyP99: number;
  /** 0..100 */
  errorPercent: number;
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  loopP50: number;
  loopP99: number;
  loopMax: number;
  webSockets: number;
  subscriptions: number;
}

export function toSample(stats: SecondStats): Sample {
  return {
    t: stats.at.getTime() / 1000,
    requestsPerSecond: stats.requestsPerSecond,
    latencyP50: stats.latencyMs.p50,
    latencyP95: stats.latencyMs.p95,
    latencyP99: stats.latencyMs.p99,
    errorPercent: stats.errorRate * 100,
    rssMiB: stats.memory.rssBytes / MiB,
    heapUsedMiB: stats.memory.heapUsedBytes / MiB,
    heapTotalMiB: stats.memory.heapTotalBytes / MiB,
    loopP50: stats.eventLoopDelayMs.p50,
    loopP99: stats.eventLoopDelayMs.p99,
    loopMax: stats.eventLoopDelayMs.max,
    webSockets: stats.connections.webSockets,
    subscriptions: stats.connections.subscriptions,
  };
}

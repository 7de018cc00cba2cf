// Preloaded into every server under test (`node --import tsx --import probe.ts ...`), so each one reports its
// event-loop delay and memory the same way: monitorEventLoopDelay (10 ms resolution, minus the resolution, as
// apps' own telemetry does; BENCH_PROBE_RESOLUTION_MS sets another), read over the IPC channel by the orchestrator.
//   {benchProbe: 'reset'} -> {benchProbe: 'ok'}
//   {benchProbe: 'read'}  -> {benchProbe: 'stats', maxMs, p99Ms, rssBytes}
// If the orchestrator goes away (killed without cleaning up), the server stops itself.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = Number(process.env.BENCH_PROBE_RESOLUTION_MS ?? 10);
if (process.send) {
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  loop.enable();
  const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  process.on('message', (msg: unknown) => {
    const m = msg as { benchProbe?: string } | null;
    if (m?.benchProbe === 'reset') {
      loop.reset();
      process.send?.({ benchProbe: 'ok' });
    } else if (m?.benchProbe === 'read') {
      process.send?.({ benchProbe: 'stats', maxMs: ms(loop.max), p99Ms: ms(loop.percentile(99)), rssBytes: process.memoryUsage.rss() });
    }
  });
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  process.channel?.unref();
}

import { setTimeout as sleep } from 'node:timers/promises';
import { publicProcedure, router } from '../trpc.ts';

export const systemRouter = router({
  health: publicProcedure.query(({ ctx }) => ({ ok: true as const, uptimeMs: Math.round(process.uptime() * 1000), version: ctx.config.version })),

  stats: publicProcedure.query(({ ctx }) => ctx.telemetry.snapshot()),

  /** The last minute's per-second figures, oldest first (an addition to API.md): a dashboard opens with its past. */
  statsHistory: publicProcedure.query(({ ctx }) => ctx.telemetry.history()),

  /** One Stats per second (config.statsIntervalMs). */
  onStats: publicProcedure.subscription(async function* ({ ctx, signal }) {
    const done = ctx.telemetry.openSubscription();
    try {
      while (!signal?.aborted) {
        yield await ctx.telemetry.snapshot();
        await sleep(ctx.config.statsIntervalMs, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      done();
    }
  }),
});

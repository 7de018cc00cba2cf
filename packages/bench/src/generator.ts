// The orchestrator's handle on one load-generator process (loadgen/main.ts): requests over IPC, answered by id.
import type { GenRequest, GenSpec } from './loadgen/main.ts';
import type { LoadResult } from './loadgen/stats.ts';
import type { StepResult, StepSpec, SubscribeSpec } from './loadgen/subscribers.ts';
import { fileURLToPath } from 'node:url';
import { spawnHelper } from './proc.ts';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<Extract<GenRequest, { id: number }>>;

export class Generator {
  private readonly child = spawnHelper(fileURLToPath(new URL('./loadgen/main.ts', import.meta.url)));
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(r: unknown): void; reject(e: Error): void }>();
  private readonly exited: Promise<void>;

  constructor() {
    this.child.on('message', (raw: unknown) => {
      const m = raw as { type: string; id: number; result?: unknown; message?: string };
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.type === 'result') w.resolve(m.result);
      else w.reject(new Error(m.message));
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        for (const w of this.waiting.values()) w.reject(new Error(`load generator exited (${code})`));
        this.waiting.clear();
        resolve();
      }),
    );
  }

  /** One request; `guardMs` sends a stop if the answer has not come by then (a wedged run). */
  private ask<T>(request: Request, guardMs = 120_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const guard = setTimeout(() => this.stop(), guardMs);
      this.waiting.set(id, {
        resolve: (r) => (clearTimeout(guard), resolve(r as T)),
        reject: (e) => (clearTimeout(guard), reject(e)),
      });
      this.child.send({ ...request, id });
    });
  }

  /** Every run ends by itself at its duration; the guard only catches a wedged generator. */
  run(spec: GenSpec): Promise<LoadResult> {
    return this.ask({ type: 'run', spec }, spec.durationMs + 60_000);
  }

  subscribe(spec: SubscribeSpec): Promise<{ opened: number; ms: number }> {
    return this.ask({ type: 'subscribe', spec });
  }

  beginStep(spec: StepSpec): Promise<void> {
    return this.ask({ type: 'fanout-step', spec });
  }

  settleStep(acked: number[], timeoutMs: number): Promise<StepResult> {
    return this.ask({ type: 'fanout-settle', acked, timeoutMs }, timeoutMs + 60_000);
  }

  unsubscribe(): Promise<void> {
    return this.ask({ type: 'unsubscribe' });
  }

  stop() {
    if (this.child.connected) this.child.send({ type: 'stop' });
  }

  /** End the process (it exits when its IPC channel closes). */
  async close(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    await this.exited;
  }
}

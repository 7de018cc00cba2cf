// Latency recording with an HDR histogram (hdr-histogram-js, the one autocannon uses), in microseconds.
import * as hdr from 'hdr-histogram-js';

export interface LoadResult {
  /** successful responses completed inside the measured window */
  ok: number;
  /** non-2xx HTTP answers, tRPC error answers, socket errors, timeouts */
  errors: number;
  durationMs: number;
  opsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** up to 3 distinct error descriptions */
  errorSamples: string[];
  /** open loop: calls scheduled in the window, and the largest lag of an actual send behind its schedule */
  scheduled?: number;
  sendLagMaxMs?: number;
  /** with `reportAcked`: indices (0-based, in sending order) of the calls answered with success */
  acked?: number[];
}

export class Recorder {
  private readonly hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
  ok = 0;
  errors = 0;
  readonly errorSamples: string[] = [];

  success(latencyMs: number): void {
    this.ok++;
    this.hist.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
  }

  failure(what: string): void {
    this.errors++;
    if (this.errorSamples.length < 3 && !this.errorSamples.includes(what)) this.errorSamples.push(what.slice(0, 300));
  }

  /** The histogram, to be merged with other processes' in `merged`. */
  encoded(): string {
    return hdr.encodeIntoCompressedBase64(this.hist);
  }

  /** One recorder holding the latencies of several encoded ones (several generator processes). */
  static merged(encoded: string[]): Recorder {
    const rec = new Recorder();
    for (const e of encoded) {
      const h = hdr.decodeFromCompressedBase64(e);
      rec.hist.add(h);
      rec.ok += h.totalCount;
      h.destroy();
    }
    return rec;
  }

  result(durationMs: number, extra: Partial<LoadResult> = {}): LoadResult {
    const at = (p: number) => (this.ok ? this.hist.getValueAtPercentile(p) / 1000 : 0);
    return {
      ok: this.ok,
      errors: this.errors,
      durationMs,
      opsPerSec: durationMs > 0 ? (this.ok * 1000) / durationMs : 0,
      p50Ms: at(50),
      p95Ms: at(95),
      p99Ms: at(99),
      maxMs: this.ok ? this.hist.maxValue / 1000 : 0,
      meanMs: this.ok ? this.hist.mean / 1000 : 0,
      errorSamples: this.errorSamples,
      ...extra,
    };
  }

  destroy(): void {
    this.hist.destroy();
  }
}

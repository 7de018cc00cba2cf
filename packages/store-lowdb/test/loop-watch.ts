// Event-loop stalls, told apart from a busy machine: a timer ticks every millisecond; the longest gap between ticks is
// the stall a request would have waited (wall time), and the main thread's own CPU time within that gap (Linux
// schedstat, nanoseconds) is how much of it was our work (or GC on the main thread) rather than waiting for a CPU
// that other processes held. Used by the scale measurement only.
import { readFileSync } from 'node:fs';

export interface LoopStalls {
  /** Longest gap between event-loop turns, ms (wall). */
  maxStallMs: number;
  /** The most main-thread CPU time spent within one gap, ms: the longest our own work held the loop. */
  maxBusyMs: number;
}

const schedstat = `/proc/self/task/${process.pid}/schedstat`;
/** The main thread's time on a CPU, and waiting for one, so far (ns). */
export function mainThreadTimes(): { cpuNs: number; waitNs: number } {
  const [cpu, wait] = readFileSync(schedstat, 'utf8').split(' ');
  return { cpuNs: Number(cpu), waitNs: Number(wait) };
}
const cpuNs = (): number => mainThreadTimes().cpuNs;

export function watchLoop(): { stop(): LoopStalls } {
  let maxStall = 0;
  let maxBusy = 0;
  let last = performance.now();
  let lastCpu = cpuNs();
  const tick = () => {
    const now = performance.now();
    const cpu = cpuNs();
    maxStall = Math.max(maxStall, now - last);
    maxBusy = Math.max(maxBusy, (cpu - lastCpu) / 1e6);
    last = now;
    lastCpu = cpu;
  };
  const timer = setInterval(tick, 1);
  return {
    stop() {
      tick();
      clearInterval(timer);
      return { maxStallMs: Math.round(maxStall), maxBusyMs: Math.round(maxBusy) };
    },
  };
}

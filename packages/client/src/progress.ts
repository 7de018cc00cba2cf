// Progress of a long command on stderr, phase by phase: on a terminal a bar (done/total, rate, ETA) that restarts for
// each step of a phase; otherwise (a log, a pipe) a plain line every `everyMs` while a step runs (done/total, rate,
// ETA) and one when a phase ends (what each step counted, and how long it took).
import progress from 'cli-progress';

export interface PhaseProgress {
  update(phase: string, step: string, done: number, total: number): void;
  /** Ends the phase shown (its line, when not on a terminal). */
  stop(): void;
}

export function phaseProgress(stream: NodeJS.WriteStream = process.stderr, everyMs = 10_000): PhaseProgress {
  const tty = stream.isTTY === true;
  let lastLine = performance.now();
  const bar = tty
    ? new progress.SingleBar(
        { stream, format: '{phase} {step} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}', hideCursor: true },
        progress.Presets.shades_classic,
      )
    : undefined;
  let current: { phase: string; step: string; since: number; stepSince: number; steps: Map<string, string> } | undefined;
  const endPhase = () => {
    if (!current) return;
    if (bar?.isActive) bar.stop();
    if (!tty) stream.write(`${current.phase}: ${[...current.steps].map(([step, count]) => `${step} ${count}`).join(', ')} in ${((performance.now() - current.since) / 1000).toFixed(1)} s\n`);
    current = undefined;
  };
  return {
    update(phase, step, done, total) {
      if (current?.phase !== phase) {
        endPhase();
        current = { phase, step: '', since: performance.now(), stepSince: performance.now(), steps: new Map() };
      }
      const newStep = current.step !== step;
      if (newStep) Object.assign(current, { step, stepSince: performance.now() });
      current.steps.set(step, `${done}/${total}`);
      const now = performance.now();
      const rate = Math.round(done / Math.max(0.001, (now - current.stepSince) / 1000));
      if (!bar) {
        if (now - lastLine >= everyMs && done < total) {
          lastLine = now;
          const eta = rate > 0 ? ` · ETA ${Math.ceil((total - done) / rate)} s` : '';
          stream.write(`${phase}: ${step} ${done}/${total} (${Math.floor((done / Math.max(1, total)) * 100)}%) · ${rate}/s${eta}\n`);
        }
        return;
      }
      if (newStep || !bar.isActive) {
        if (bar.isActive) bar.stop();
        bar.start(total, done, { phase, step, rate });
      } else bar.update(done, { phase, step, rate });
    },
    stop: endPhase,
  };
}

// Child processes of the bench: servers under test (with the probe preloaded) and the load generator. Every
// child is tracked so Ctrl-C (or an error) stops them all; each is started in its own process group, so a
// terminal's Ctrl-C reaches only the orchestrator, which then stops them in order.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const live = new Set<ChildProcess>();
export const probePath = fileURLToPath(new URL('./probe.ts', import.meta.url));

export interface ProbeStats {
  maxMs: number;
  p99Ms: number;
  rssBytes: number;
}

export interface ServerChild {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** ms from spawn to "listening on" */
  startMs: number;
  output(): string;
  probeReset(): Promise<void>;
  probeRead(): Promise<ProbeStats | null>;
  stop(): Promise<void>;
}

/** Start `node --import tsx --import probe.ts <script>` and wait for "listening on <url>" on stdout. */
export function startServer(name: string, script: string, env: Record<string, string>, timeoutMs = 600_000): Promise<ServerChild> {
  const started = performance.now();
  const profileDir = process.env.BENCH_PROFILE_DIR;
  // one folder per server start: Node writes a profile per thread (tsx's module loader runs in a thread of its own)
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${name}-${Date.now()}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', '--import', probePath, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  live.add(child);
  let out = '';
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child);
      resolve();
    }),
  );
  child.stderr!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-20_000);
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stdout!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
      resolve({
        name,
        url: match[1]!,
        pid: child.pid!,
        child,
        startMs: performance.now() - started,
        output: () => out,
        probeReset: () => ask(child, { benchProbe: 'reset' }).then(() => undefined),
        probeRead: () => ask(child, { benchProbe: 'read' }).then((m) => (m ? (m as unknown as ProbeStats) : null)),
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
            await exited;
            clearTimeout(t);
          }
        },
      });
    };
    child.stdout!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before listening:\n${out}`));
    });
  });
}

/** One probe request over IPC; null if the server does not answer within 30 s (a stalled loop) or is gone. */
function ask(child: ChildProcess, msg: { benchProbe: string }): Promise<Record<string, unknown> | null> {
  if (!child.connected) return Promise.resolve(null);
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(null), 30_000);
    const onMessage = (m: unknown) => {
      const r = m as Record<string, unknown> | null;
      if (r && typeof r.benchProbe === 'string') done(r);
    };
    function done(r: Record<string, unknown> | null) {
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(r);
    }
    child.on('message', onMessage);
    child.send(msg);
  });
}

/** VmRSS of a process in bytes (Linux /proc), or null. */
export function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) the process has used so far, in ms; null once it is gone. */
export function cpuMsOf(pid: number): number | null {
  try {
    // fields after the parenthesised command name: state is field 3, utime 14, stime 15 (clock ticks, 100 a second)
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Spawn a plain helper child (load generator, fixture loader) with an IPC channel; `nodeArgs` go before the script. */
export function spawnHelper(script: string, env: Record<string, string> = {}, nodeArgs: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** SIGTERM every live child, SIGKILL what is left after `graceMs`. */
export async function killAll(graceMs = 5_000): Promise<void> {
  const children = [...live];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

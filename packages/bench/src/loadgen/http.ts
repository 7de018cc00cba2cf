// HTTP load: autocannon for the closed loop (and its own `overallRate` mode), and a paced open-loop client on
// node:http for fixed rates, because autocannon's rate limit lets each connection send back to back until
// its per-second quota is used up (a burst at every second), which is not a steady arrival rate.
import { startPacer } from './pacer.ts';
import http from 'node:http';
import autocannon from 'autocannon';
import { makeFactory, toHttp, type Workload } from './workload.ts';
import { Recorder, type LoadResult } from './stats.ts';

export interface HttpSpec {
  url: string;
  /** several instances of one service: the connections split evenly over them (closed loop only; default: [url]) */
  urls?: string[];
  connections: number;
  /** open loop when set (calls per second over all connections) */
  rate?: number;
  /** 'paced' (default for a rate): our node:http client; 'autocannon': autocannon's overallRate */
  pacer?: 'paced' | 'autocannon';
  durationMs: number;
  workload: Workload;
  seed: number;
}

export function runAutocannon(spec: HttpSpec, signal: AbortSignal): Promise<LoadResult> {
  const factory = makeFactory(spec.workload, spec.seed);
  const rec = new Recorder();
  const first = toHttp(factory.next());
  const urls = spec.urls ?? [spec.url];
  const started = performance.now();
  // one autocannon per instance, its share of the connections, all drawing calls from one factory into one recorder
  const runs = urls.map(
    (url, i) =>
      new Promise<void>((resolve, reject) => {
        const instance = autocannon(
          {
            url,
            connections: Math.floor(spec.connections / urls.length) + (i < spec.connections % urls.length ? 1 : 0),
            duration: spec.durationMs / 1000,
            timeout: 10,
            // autocannon stops at the first sample tick after `duration`: with its 1 s default a 0.5 s warm-up ran 1 s
            sampleInt: 100,
            ...(spec.rate ? { overallRate: spec.rate / urls.length } : {}),
            requests: [
              {
                method: first.method,
                path: first.path,
                setupRequest: (req: autocannon.Request) => {
                  const r = toHttp(factory.next());
                  return { ...req, method: r.method, path: r.path, headers: r.headers, body: r.body ?? '' } as autocannon.Request;
                },
              },
            ],
          },
          (err, result) => {
            signal.removeEventListener('abort', stop);
            if (err) return reject(err);
            for (let k = 0; k < result.errors; k++) rec.failure('connection error');
            for (let k = 0; k < result.timeouts; k++) rec.failure('timeout (10 s)');
            resolve();
          },
        );
        const stop = () => instance.stop();
        signal.addEventListener('abort', stop, { once: true });
        instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
          if (performance.now() - started > spec.durationMs) return; // only replies inside the window count
          if (statusCode >= 200 && statusCode < 300) rec.success(responseTime);
          else rec.failure(`HTTP ${statusCode}`);
        });
      }),
  );
  return Promise.all(runs).then(
    () => {
      const out = rec.result(Math.min(performance.now() - started, spec.durationMs));
      rec.destroy();
      return out;
    },
    (err: unknown) => {
      rec.destroy();
      throw err;
    },
  );
}

/** Open loop over HTTP: call i is due at t0 + i/rate; latency from when it was due; at most `connections` sockets. */
export function runPaced(spec: HttpSpec, signal: AbortSignal): Promise<LoadResult> {
  const factory = makeFactory(spec.workload, spec.seed);
  const rec = new Recorder();
  const target = new URL(spec.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const t0 = performance.now();
  const end = t0 + spec.durationMs;
  let running = true;
  return new Promise((resolve) => {
    const finish = () => {
      if (!running) return;
      running = false;
      pacer.stop();
      clearTimeout(stopTimer);
      agent.destroy();
      const out = rec.result(Math.min(performance.now(), end) - t0, { scheduled: pacer.scheduled, sendLagMaxMs: pacer.sendLagMaxMs });
      rec.destroy();
      resolve(out);
    };
    signal.addEventListener('abort', finish, { once: true });
    const fire = (at: number) => {
      const r = toHttp(factory.next());
      const req = http.request(
        { host: target.hostname, port: target.port, method: r.method, path: r.path, headers: r.headers, agent, timeout: 10_000 },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => {
            const now = performance.now();
            if (!running || now > end) return;
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) rec.success(now - at);
            else rec.failure(`HTTP ${status}`);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout (10 s)')));
      req.on('error', (err) => {
        if (running && performance.now() <= end) rec.failure(err.message);
      });
      req.end(r.body);
    };
    const pacer = startPacer(spec.rate!, t0, end, fire);
    const stopTimer = setTimeout(finish, spec.durationMs);
  });
}

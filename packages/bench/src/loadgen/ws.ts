// WebSocket load generator speaking tRPC's WS JSON-RPC directly, as wsLink does: open `/trpc?connectionParams=1`,
// send {method:'connectionParams', data:{token}} first, then {id, method, params:{path, input}} per call.
// closed loop: `sockets` sockets, each keeping `inFlight` calls outstanding (a reply sends the next call).
// open loop:   call i is due at t0 + i/rate, sent round-robin over the sockets whatever is outstanding, and its
//              latency is measured from when it was due (no coordinated omission).
// Only replies that arrive inside the window count; calls still outstanding at the end are dropped (with `drainMs`,
// awaited for a while, for `acked` only: the fan-out's creator, which must know every create the server took).
import { startPacer, type Pacer } from './pacer.ts';
import WebSocket from 'ws';
import { makeFactory, toWsMessage, type Workload } from './workload.ts';
import { Recorder, type LoadResult } from './stats.ts';

export interface WsSpec {
  url: string;
  /** several instances of one service: socket `lane` connects to urls[lane % urls.length] (default: [url]) */
  urls?: string[];
  /** '/trpc' for tRPC servers, '/' for the raw one */
  path: string;
  sockets: number;
  inFlight: number;
  /** open loop when set: calls per second over all sockets */
  rate?: number;
  durationMs: number;
  workload: Workload;
  seed: number;
  /** open loop: the schedule's t0 as epoch ms (`epochNow()`), so another process knows when call i was due */
  startAtEpochMs?: number;
  /** open loop: after the window, wait up to this long for calls still outstanding (they count in `acked` only) */
  drainMs?: number;
  /** list the indices (0-based, in sending order) of the calls answered with success, in `acked` */
  reportAcked?: boolean;
}

/** Milliseconds since the epoch with sub-ms precision, comparable between processes on one machine. */
export const epochNow = () => performance.timeOrigin + performance.now();

/** Parse `{"id":123,"result"...` / `{"id":123,"error"...` without parsing the whole payload. */
function reply(text: string): { id: number; error: boolean } | null {
  if (text.startsWith('{"id":')) {
    let i = 6;
    let id = 0;
    let c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      while (c >= 48 && c <= 57) {
        id = id * 10 + (c - 48);
        c = text.charCodeAt(++i);
      }
      if (text.startsWith(',"error"', i)) return { id, error: true };
      if (text.startsWith(',"result"', i)) return { id, error: false };
    }
  }
  try {
    const msg = JSON.parse(text) as { id?: unknown; error?: unknown };
    return typeof msg.id === 'number' ? { id: msg.id, error: msg.error !== undefined } : null;
  } catch {
    return null;
  }
}

export function openSocket(url: string, token: string | null, timeoutMs = 10_000): Promise<WebSocket> {
  const ws = new WebSocket(token ? `${url}?connectionParams=1` : url, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`WebSocket ${url}: no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      if (token) ws.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
      resolve(ws);
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export async function runWs(spec: WsSpec, signal: AbortSignal): Promise<LoadResult> {
  const factory = makeFactory(spec.workload, spec.seed);
  const bases = (spec.urls ?? [spec.url]).map((url) => url.replace(/^http/, 'ws').replace(/\/+$/, '') + (spec.path === '/' ? '/' : spec.path));
  const sockets = await Promise.all(Array.from({ length: spec.sockets }, (_, lane) => openSocket(bases[lane % bases.length]!, factory.tokenFor(lane))));
  const rec = new Recorder();
  const pending = new Map<number, number>(); // id -> start (performance.now); call index = id - 1
  const acked: number[] = [];
  let nextId = 1;
  let running = true;
  const t0 = spec.startAtEpochMs === undefined ? performance.now() : spec.startAtEpochMs - performance.timeOrigin;
  if (t0 > performance.now()) await new Promise((r) => setTimeout(r, t0 - performance.now()));
  const end = t0 + spec.durationMs;
  let pacer: Pacer | undefined;

  const send = (lane: number, at: number) => {
    const ws = sockets[lane]!;
    const id = nextId++;
    pending.set(id, at);
    ws.send(toWsMessage(factory.next(lane), id));
  };

  return new Promise<LoadResult>((resolve) => {
    const finish = () => {
      if (!running) return;
      running = false;
      pacer?.stop();
      clearTimeout(stopTimer);
      const duration = Math.min(performance.now(), end) - t0;
      for (const ws of sockets) ws.terminate();
      const result = rec.result(duration, {
        ...(pacer ? { scheduled: pacer.scheduled, sendLagMaxMs: pacer.sendLagMaxMs } : {}),
        ...(spec.reportAcked ? { acked } : {}),
      });
      rec.destroy();
      resolve(result);
    };
    signal.addEventListener('abort', finish, { once: true });
    sockets.forEach((ws, lane) => {
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!running) return;
        const text = isBinary ? data.toString('utf8') : data.toString();
        if (text === 'PING') return void ws.send('PONG');
        if (text === 'PONG') return;
        const r = reply(text);
        if (!r) return;
        const start = pending.get(r.id);
        if (start === undefined) return;
        pending.delete(r.id);
        if (spec.reportAcked && !r.error) acked.push(r.id - 1);
        const now = performance.now();
        if (now > end) return spec.drainMs && pending.size > 0 ? undefined : finish();
        if (r.error) rec.failure(text.slice(0, 300));
        else rec.success(now - start);
        if (!spec.rate) send(lane, performance.now());
      });
      ws.on('close', () => {
        if (running) {
          rec.failure('socket closed by the server');
          finish();
        }
      });
      ws.on('error', (err) => rec.failure(`socket error: ${err.message}`));
    });

    const windowEnd = () => {
      if (!spec.drainMs || pending.size === 0) return finish();
      // stop sending; finish when the last outstanding call is answered, or at the drain deadline
      pacer?.stop();
      stopTimer = setTimeout(finish, spec.drainMs);
    };
    let stopTimer = setTimeout(windowEnd, end - performance.now());
    if (spec.rate) {
      let lane = 0;
      pacer = startPacer(spec.rate, t0, end, (at) => {
        send(lane, at);
        lane = (lane + 1) % sockets.length;
      });
    } else {
      for (let lane = 0; lane < sockets.length; lane++) for (let k = 0; k < spec.inFlight; k++) send(lane, performance.now());
    }
  });
}

// The load-generator process: the orchestrator spawns it and sends it one run at a time over IPC, so generating
// load never shares an event loop (or, on 2 cores, a core) with the server under test. It can also host fan-out
// subscribers (subscribers.ts), which stay open across the runs and steps of a fan-out row, and query PostgreSQL
// itself (sql.ts: the pg-fts rows, which have no server under test).
//   -> {type:'run', id, spec}            <- {type:'result', id, result} | {type:'error', id, message}
//   -> {type:'stop'}                     aborts the current run (it still answers)
//   -> {type:'subscribe', id, spec}      opens the subscribers          <- {opened, ms}
//   -> {type:'fanout-step', id, spec}    starts counting a step         <- null
//   -> {type:'fanout-settle', id, acked, timeoutMs}                     <- StepResult
//   -> {type:'unsubscribe', id}          closes the subscribers         <- null
import { runAutocannon, runPaced, type HttpSpec } from './http.ts';
import { runSql, SqlConnections, type SqlSpec } from './sql.ts';
import { Subscribers, type StepSpec, type SubscribeSpec } from './subscribers.ts';
import { runWs, type WsSpec } from './ws.ts';

export type GenSpec = ({ transport: 'http' } & HttpSpec) | ({ transport: 'ws' } & WsSpec) | ({ transport: 'sql' } & SqlSpec);
export type GenRequest =
  | { type: 'run'; id: number; spec: GenSpec }
  | { type: 'stop' }
  | { type: 'subscribe'; id: number; spec: SubscribeSpec }
  | { type: 'fanout-step'; id: number; spec: StepSpec }
  | { type: 'fanout-settle'; id: number; acked: number[]; timeoutMs: number }
  | { type: 'unsubscribe'; id: number };

let current: AbortController | null = null;
let subscribers: Subscribers | null = null;
const databases = new SqlConnections();

function answer(id: number, work: () => Promise<unknown> | unknown) {
  Promise.resolve()
    .then(work)
    .then(
      (result) => process.send?.({ type: 'result', id, result: result ?? null }),
      (err: unknown) => process.send?.({ type: 'error', id, message: err instanceof Error ? err.message : String(err) }),
    );
}

function run(spec: GenSpec) {
  const controller = (current = new AbortController());
  if (spec.transport === 'sql') return runSql(spec, databases.for(spec), controller.signal);
  return spec.transport === 'ws'
    ? runWs(spec, controller.signal)
    : spec.rate && spec.pacer !== 'autocannon'
      ? runPaced(spec, controller.signal)
      : runAutocannon(spec, controller.signal);
}

function hosted(): Subscribers {
  if (!subscribers) throw new Error('no subscribers open in this generator');
  return subscribers;
}

process.on('message', (raw: unknown) => {
  const msg = raw as GenRequest;
  switch (msg.type) {
    case 'stop':
      return void current?.abort();
    case 'run':
      return answer(msg.id, () => run(msg.spec));
    case 'subscribe':
      return answer(msg.id, () => {
        subscribers?.close();
        subscribers = new Subscribers(msg.spec);
        return subscribers.open();
      });
    case 'fanout-step':
      return answer(msg.id, () => hosted().begin(msg.spec));
    case 'fanout-settle':
      return answer(msg.id, () => hosted().settle(msg.acked, msg.timeoutMs));
    case 'unsubscribe':
      return answer(msg.id, () => {
        subscribers?.close();
        subscribers = null;
      });
  }
});
process.on('disconnect', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));

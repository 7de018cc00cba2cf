// The load-generator process: the orchestrator spawns it once and sends it one run at a time over IPC, so
// generating load never shares an event loop (or, on 2 cores, a core) with the server under test.
//   -> {type:'run', id, spec}   <- {type:'result', id, result} | {type:'error', id, message}
//   -> {type:'stop'}            aborts the current run (it still answers)
import { runAutocannon, runPaced, type HttpSpec } from './http.ts';
import { runWs, type WsSpec } from './ws.ts';

export type GenSpec = ({ transport: 'http' } & HttpSpec) | ({ transport: 'ws' } & WsSpec);
export type GenRequest = { type: 'run'; id: number; spec: GenSpec } | { type: 'stop' };

let current: AbortController | null = null;

process.on('message', (raw: unknown) => {
  const msg = raw as GenRequest;
  if (msg.type === 'stop') return void current?.abort();
  if (msg.type !== 'run') return;
  const controller = (current = new AbortController());
  const { spec } = msg;
  const run =
    spec.transport === 'ws'
      ? runWs(spec, controller.signal)
      : spec.rate && spec.pacer !== 'autocannon'
        ? runPaced(spec, controller.signal)
        : runAutocannon(spec, controller.signal);
  run.then(
    (result) => process.send?.({ type: 'result', id: msg.id, result }),
    (err: unknown) => process.send?.({ type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));

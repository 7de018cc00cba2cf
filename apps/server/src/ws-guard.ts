// Every WebSocket is served through a guard that stands between the socket and tRPC's connection handler (which gets
// the guard's socket in place of the real one). What the adapter leaves open, the guard closes:
// - a message is checked before it is parsed (json-guard.ts), parsed once, and checked for shape, with a clear
//   error per bad call instead of one bare PARSE_ERROR for the frame;
// - a message carries at most `maxBatch` calls (more: the whole message is refused, as an HTTP batch is);
// - a socket holds at most `maxSubscriptions` subscriptions; the next gets TOO_MANY_REQUESTS;
// - a stop that arrives before its subscription has started (the adapter starts it after an await, and drops a stop
//   for an id it does not know yet) is held until the subscription starts, then delivered: no subscription outlives
//   its stop. The adapter's own messages (started, stopped, errors) pass through a per-socket encoder, which is how
//   the guard knows what runs;
// - a socket whose unsent output passes `maxBacklogBytes` (a client that does not read) is closed at once, giving
//   back what was queued for it; its client reconnects and resumes with lastEventId;
// - frames that arrive together are started a few per event-loop turn (turns.ts);
// - errors of the client's own making (an oversized or invalid frame) are logged as client errors, not server faults.
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { encodeMessage, TooManyRequests } from '@tweetstore/api';
import { TRPCError } from '@trpc/server';
import { getWSConnectionHandler, type WSSHandlerOptions } from '@trpc/server/adapters/ws';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { tooComplexJson } from './json-guard.ts';
import { TurnQueue } from './turns.ts';
import { errorResponse } from './trpc-errors.ts';

type AppHandlerOptions = Omit<WSSHandlerOptions<Parameters<typeof getWSConnectionHandler>[0]['router']>, 'experimental_encoder'>;

export interface GuardOptions {
  maxBatch: number;
  maxSubscriptions: number;
  maxBacklogBytes: number;
  /** The API's message encoder for this server (its DirectLanes' encode). */
  encode: (message: unknown) => string;
  log: Logger;
}

type Id = number | string;
const METHODS = new Set(['query', 'mutation', 'subscription', 'subscription.stop']);

/** tRPC's connection handler, with each socket behind a guard. */
export function guardedConnectionHandler(options: AppHandlerOptions, guard: GuardOptions): (ws: WebSocket, req: IncomingMessage) => void {
  return (ws, req) => {
    const guarded = new SocketGuard(ws, req, guard);
    getWSConnectionHandler({ ...options, experimental_encoder: guarded.encoder })(guarded.socket as unknown as WebSocket, req);
  };
}

/** What tRPC's handler sees as its socket: the real one's sends, closes and state, and only the messages let through. */
class GuardedSocket extends EventEmitter {
  constructor(private readonly guard: SocketGuard) {
    super();
  }
  get readyState(): number {
    return this.guard.ws.readyState;
  }
  send(data: string): void {
    this.guard.send(data);
  }
  close(code?: number, reason?: string): void {
    this.guard.ws.close(code, reason);
  }
  terminate(): void {
    this.guard.ws.terminate();
  }
}

class SocketGuard {
  readonly socket = new GuardedSocket(this);
  /** Subscriptions let through, by id: starting (stop held back once asked for), or running. */
  readonly #subscriptions = new Map<Id, 'starting' | 'stop-when-started' | 'running'>();
  /** Those that count against the cap: all but the ones already asked to stop (they end as they start). */
  #held = 0;
  /** The first message is the client's connectionParams when it said so in the URL: tRPC's to read. */
  #awaitingParams: boolean;
  /** The message being handed to tRPC, parsed: its decoder takes it instead of parsing the text again. */
  #parsed: unknown = undefined;
  #closedForBacklog = false;

  readonly encoder = {
    encode: (message: unknown) => {
      this.#observe(message);
      return this.options.encode(message);
    },
    decode: (data: unknown) => {
      if (this.#parsed !== undefined) return this.#parsed;
      if (typeof data !== 'string') throw new Error('send JSON in text frames');
      return JSON.parse(data) as unknown;
    },
  };

  constructor(
    readonly ws: WebSocket,
    req: IncomingMessage,
    private readonly options: GuardOptions,
  ) {
    this.#awaitingParams = new URL(req.url ?? '/', 'http://localhost').searchParams.get('connectionParams') === '1';
    // frames that arrive together are started a few a turn (turns.ts: a call over WebSocket costs ~0.1-0.3 ms, and a
    // client may well have several in flight); a flood stops the socket being read
    const turns = new TurnQueue(() => ws.pause(), () => ws.resume(), 4);
    ws.on('message', (data, isBinary) => turns.run(() => this.#receive(data as Buffer, isBinary)));
    ws.on('close', (code, reason) => this.socket.emit('close', code, reason));
    ws.on('error', (error: Error & { code?: string }) => {
      // ws reports a client's bad frame (too large, invalid UTF-8, bad opcode) here and closes the socket itself
      options.log.debug({ code: error.code, msg: error.message }, 'client sent an invalid WebSocket frame');
    });
  }

  send(data: string): void {
    this.ws.send(data);
    if (this.ws.bufferedAmount > this.options.maxBacklogBytes && !this.#closedForBacklog) {
      this.#closedForBacklog = true;
      this.options.log.info({ backlogBytes: this.ws.bufferedAmount }, 'closed a WebSocket that fell behind (its client resumes with lastEventId)');
      this.ws.terminate();
    }
  }

  #receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    const text = !isBinary && Buffer.isBuffer(data) ? data.toString('utf8') : null;
    // PING/PONG keep-alives, binary frames and connection params: tRPC's own to answer
    if (text === null || text === 'PING' || text === 'PONG' || this.#awaitingParams) {
      this.#awaitingParams = false;
      return void this.socket.emit('message', data, isBinary);
    }
    const complex = tooComplexJson(text);
    if (complex) return this.#refuse(null, undefined, new TRPCError({ code: 'BAD_REQUEST', message: `the message is refused before parsing: ${complex}` }));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return void this.socket.emit('message', data, isBinary); // tRPC answers PARSE_ERROR with the syntax error
    }
    const batch = Array.isArray(parsed);
    const messages: unknown[] = batch ? (parsed as unknown[]) : [parsed];
    if (messages.length > this.options.maxBatch) {
      return this.#refuse(null, undefined, new TRPCError({ code: 'BAD_REQUEST', message: `a batch carries at most ${this.options.maxBatch} calls; this one has ${messages.length}` }));
    }
    const admitted = messages.filter((m) => this.#admit(m));
    if (admitted.length === 0) return;
    this.#handOver(batch ? admitted : admitted[0], data);
  }

  /** Whether tRPC gets this call; when not, the guard has answered it (or holds it back, for a stop). */
  #admit(message: unknown): boolean {
    const m = message as { id?: unknown; jsonrpc?: unknown; method?: unknown; params?: { path?: unknown } } | null;
    const id = m !== null && typeof m === 'object' && (typeof m.id === 'number' || typeof m.id === 'string') ? m.id : null;
    const jsonrpc = m?.jsonrpc;
    const malformed = (why: string) => {
      this.#refuse(id, jsonrpc, new TRPCError({ code: 'PARSE_ERROR', message: `not a tRPC call: ${why}` }));
      return false;
    };
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return malformed('each message must be a JSON object');
    if (id === null) return malformed('`id` must be a number or a string');
    if (jsonrpc !== undefined && jsonrpc !== '2.0') return malformed('`jsonrpc` must be "2.0" when given');
    if (typeof m.method !== 'string' || !METHODS.has(m.method)) return malformed('`method` must be query, mutation, subscription or subscription.stop');
    const state = this.#subscriptions.get(id);
    if (m.method === 'subscription.stop') {
      if (state === 'starting') {
        this.#subscriptions.set(id, 'stop-when-started');
        this.#held--;
        return false;
      }
      return true;
    }
    if (typeof m.params !== 'object' || m.params === null || typeof m.params.path !== 'string') return malformed('`params.path` must name a procedure');
    // a call may not reuse a live subscription's id: its answer would end that subscription's bookkeeping here
    if (state !== undefined) {
      this.#refuse(id, jsonrpc, new TRPCError({ code: 'BAD_REQUEST', message: `id ${JSON.stringify(id)} belongs to a subscription that is still open` }), m.params.path);
      return false;
    }
    if (m.method === 'subscription') {
      if (this.#held >= this.options.maxSubscriptions) {
        const cause = new TooManyRequests(1_000, `subscriptions on one WebSocket (at most ${this.options.maxSubscriptions}; stop one first)`);
        this.#refuse(id, jsonrpc, new TRPCError({ code: 'TOO_MANY_REQUESTS', message: cause.message, cause }), m.params.path, 'subscription');
        return false;
      }
      this.#subscriptions.set(id, 'starting');
      this.#held++;
    }
    return true;
  }

  /** Hands tRPC's handler a message the guard has parsed: its decoder returns `parsed` for the raw `data`. */
  #handOver(parsed: unknown, data: unknown): void {
    this.#parsed = parsed;
    try {
      this.socket.emit('message', data, false);
    } finally {
      this.#parsed = undefined;
    }
  }

  /** Follows the adapter's answers: when subscriptions start, and when they end (stopped, or failed). */
  #observe(message: unknown): void {
    const m = message as { id?: unknown; result?: { type?: unknown }; error?: unknown } | null;
    const id = m?.id as Id | undefined;
    if (id === undefined || id === null) return;
    const state = this.#subscriptions.get(id);
    if (state === undefined) return;
    const type = m!.result?.type;
    if (type === 'started') {
      this.#subscriptions.set(id, 'running');
      if (state === 'stop-when-started') {
        this.#held++; // counted until its stop has ended it
        // the adapter has registered it by now; the held stop goes in once this answer is on its way
        queueMicrotask(() => this.#handOver({ id, method: 'subscription.stop' }, Buffer.from('{}')));
      }
    } else if (type === 'stopped' || m!.error !== undefined) {
      this.#subscriptions.delete(id);
      if (state !== 'stop-when-started') this.#held--;
    }
  }

  #refuse(id: Id | null, jsonrpc: unknown, error: TRPCError, path?: string, type: 'subscription' | 'unknown' = 'unknown'): void {
    this.send(this.options.encode(errorResponse(error, path, type, id, jsonrpc)));
  }
}

/** Tells every client to reconnect (to another instance, or this one after a restart), as tRPC's handler would. */
export function broadcastReconnect(clients: Iterable<WebSocket>): void {
  const message = encodeMessage({ id: null, method: 'reconnect' });
  for (const client of clients) if (client.readyState === client.OPEN) client.send(message);
}

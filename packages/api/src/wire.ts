// The server's output transformer: superjson's exact wire format, ~15× faster for what our procedures return.
//
// superjson 2's `serialize` walks every value through its transformer registries, copying each path as it
// goes: a tweet costs ~65 µs and a page of 20 over 1 ms, which made serialisation the largest single cost of a
// create over WebSocket and stalled the event loop on `list`. `serializeOutput` is a port of its walker
// (node_modules/superjson/dist/plainer.js) for the values our procedures return — plain objects, arrays,
// strings, booleans, null, finite numbers, `undefined` and valid `Date`s — producing the same `{json, meta}`
// byte for byte, referential equalities and key order included (`wire.test.ts` checks it against
// superjson.serialize on generated values). Any other value (Map, Set, bigint, NaN, -0, class instances, cycles,
// ...) falls back to superjson itself, so the output is always exactly superjson's. Clients deserialise with
// superjson as before; inputs are still parsed by superjson.
import { randomUUID } from 'node:crypto';
import superjson from 'superjson';
import { inputTransformer } from './input.ts';
import { isoString } from './iso-string.ts';

type Annotations = string[] | { [path: string]: unknown } | undefined;
type JsonObject = Record<string, unknown>;

/** Thrown inside the walk when a value needs superjson's general path. */
const FALLBACK = Symbol('fallback');

interface Seen {
  /** null while the object is being walked (meeting it again then is a cycle) */
  value: unknown;
  annotations: Annotations;
  /** every path the object was met at, in walk order; a copy of the path stack */
  paths: string[][];
}

const escapeKey = (key: string): string => (key.includes('.') || key.includes('\\') ? key.replace(/\\/g, '\\\\').replace(/\./g, '\\.') : key);
const stringifyPath = (path: string[]): string => path.map(escapeKey).join('.');
const DATE = ['Date'];
const UNDEFINED = ['undefined'];

class Walker {
  readonly identities = new Map<object, Seen>();
  readonly path: string[] = [];
  /** The annotations of the value `walk` last returned (a side channel: no result object per node). */
  annotations: Annotations = undefined;

  walk(value: unknown): unknown {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        this.annotations = undefined;
        return value;
      case 'number':
        // NaN, ±Infinity and -0 get superjson's 'number' annotation: leave those to superjson
        if (!Number.isFinite(value) || (value === 0 && 1 / value < 0)) throw FALLBACK;
        this.annotations = undefined;
        return value;
      case 'undefined':
        this.annotations = UNDEFINED;
        return null;
      case 'object':
        if (value === null) {
          this.annotations = undefined;
          return null;
        }
        return this.walkObject(value);
      default:
        throw FALLBACK;
    }
  }

  private walkObject(object: object): unknown {
    const seen = this.identities.get(object);
    if (seen) {
      if (seen.value === null) throw FALLBACK; // a cycle
      seen.paths.push(this.path.slice());
      this.annotations = seen.annotations;
      return seen.value;
    }
    const entry: Seen = { value: null, annotations: undefined, paths: [this.path.slice()] };
    this.identities.set(object, entry);
    let value: unknown;
    if (object instanceof Date) {
      const time = object.getTime();
      if (Number.isNaN(time) || Object.getPrototypeOf(object) !== Date.prototype) throw FALLBACK;
      value = isoString(time);
      this.annotations = DATE;
    } else if (Array.isArray(object)) {
      if (Object.getPrototypeOf(object) !== Array.prototype || Object.keys(object).length !== object.length) throw FALLBACK;
      value = this.walkEntries(object as unknown as JsonObject, null, object.length);
    } else {
      const proto = Object.getPrototypeOf(object) as unknown;
      if (proto !== Object.prototype && proto !== null) throw FALLBACK;
      const keys = Object.keys(object);
      value = this.walkEntries(object as JsonObject, keys, keys.length);
    }
    entry.value = value;
    entry.annotations = this.annotations;
    return value;
  }

  /** An array (keys null: indices) or a plain object. The original is returned when nothing in it changed. */
  private walkEntries(source: JsonObject, keys: string[] | null, length: number): unknown {
    let copy: JsonObject | unknown[] | null = null;
    let inner: JsonObject | undefined;
    for (let i = 0; i < length; i++) {
      const key = keys ? keys[i]! : String(i);
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw FALLBACK; // superjson refuses these
      const child = source[key];
      this.path.push(key);
      const out = this.walk(child);
      this.path.pop();
      const annotations = this.annotations;
      if (out !== child && copy === null) {
        copy = keys ? {} : [];
        for (let j = 0; j < i; j++) {
          const k = keys ? keys[j]! : String(j);
          (copy as JsonObject)[k] = source[k];
        }
      }
      if (copy !== null) (copy as JsonObject)[key] = out;
      if (annotations !== undefined) {
        inner ??= {};
        if (Array.isArray(annotations)) inner[escapeKey(key)] = annotations;
        else for (const sub of Object.keys(annotations)) inner[`${escapeKey(key)}.${sub}`] = annotations[sub];
      }
    }
    this.annotations = inner;
    return copy ?? source;
  }

  /** superjson's generateReferentialEqualityAnnotations (dedupe off). */
  referentialEqualities(): unknown {
    const result: Record<string, string[]> = {};
    let any = false;
    for (const { paths } of this.identities.values()) {
      if (paths.length <= 1) continue;
      const [representative, ...identical] = [...paths].sort((a, b) => a.length - b.length);
      // the root met twice is a cycle, which fell back already
      result[stringifyPath(representative!)] = identical.map(stringifyPath);
      any = true;
    }
    return any ? result : undefined;
  }
}

export interface SuperJSONResult {
  json: unknown;
  meta?: { values?: unknown; referentialEqualities?: unknown; v: 1 };
}

/** Outputs promised never to change, with their serialisations once made (see immutableOutput). */
const immutable = new WeakMap<object, Written | null>();

interface Written {
  /** the value's own serialisation */
  alone?: SuperJSONResult;
  /** its serialisation as the `data` of a tracked envelope `{ id, data }`, whatever the (string) id */
  tracked?: SuperJSONResult;
  /** the JSON text of `tracked` after its id */
  trackedTail?: string;
}

/**
 * Marks `value` as never to be changed again, so serializeOutput writes it once however many times it is sent
 * (an event delivered to a thousand subscribers), and encodeMessage writes its JSON text once. Returns `value`.
 */
export function immutableOutput<T extends object>(value: T): T {
  if (!immutable.has(value)) immutable.set(value, null);
  return value;
}

export function serializeOutput(value: unknown): SuperJSONResult {
  if (typeof value !== 'object' || value === null) return serialize(value);
  if (immutable.has(value)) {
    let written = immutable.get(value);
    if (!written) immutable.set(value, (written = {}));
    return (written.alone ??= serialize(value));
  }
  const data = trackedData(value);
  return data ? serializeTracked(value as { id: string; data: object }, data) : serialize(value);
}

/**
 * A subscription's tracked item reaches the transformer as `{ id, data }` (tRPC's envelope, made afresh for each
 * subscriber): the immutable `data` in it, or undefined for anything else.
 */
function trackedData(value: object): Written | undefined {
  if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const { id, data } = value as { id?: unknown; data?: unknown };
  if (typeof id !== 'string' || typeof data !== 'object' || data === null || !immutable.has(data)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 2 || keys[0] !== 'id' || keys[1] !== 'data') return undefined;
  let written = immutable.get(data);
  if (!written) immutable.set(data, (written = {}));
  return written;
}

/**
 * `{ id, data }` with `data` written once: superjson writes a string as itself and annotates nothing at `id`, and
 * nothing in `data` can be shared with a string, so for every id the output is `{ json: { id, data: J }, meta: M }`
 * with the same J and M. The first subscriber's walk finds them; the others reuse them, and encodeMessage their text.
 */
function serializeTracked(value: { id: string; data: object }, written: Written): SuperJSONResult {
  const first = (written.tracked ??= serialize(value));
  const result: SuperJSONResult = { json: { id: value.id, data: (first.json as { data: unknown }).data } };
  if (first.meta) result.meta = first.meta;
  trackedResults.set(result, written);
  return result;
}

/** serializeTracked's results (one per subscriber and event), to the value whose text they share. */
const trackedResults = new WeakMap<object, Written>();
/** Stands for a result while the message around it is stringified; unguessable, so no input can hold it. */
const MARK = `tweetstore-splice-${randomUUID()}`;
const QUOTED_MARK = JSON.stringify(MARK);

/**
 * The WebSocket adapter's encoder: `JSON.stringify(message)`, exactly, but the JSON text of an event delivered to
 * many subscribers is made once. The message around it (its JSON-RPC id, the event id) is stringified with the
 * event's result replaced by a mark, which is then replaced by the result's text: its own id and the shared rest.
 */
export function encodeMessage(message: unknown): string {
  // only a subscription's tracked item (serializeTracked's output) is spliced, always at this path
  const result = (message as { result?: { data?: unknown } } | null)?.result;
  const data = result?.data;
  const written = typeof data === 'object' && data !== null ? trackedResults.get(data) : undefined;
  if (!written) return JSON.stringify(message);
  let text: string;
  // `result` is tRPC's copy for this message alone: lending its slot to the mark changes nothing else
  result!.data = MARK;
  try {
    text = JSON.stringify(message);
  } finally {
    result!.data = data;
  }
  const at = text.indexOf(QUOTED_MARK);
  if (at < 0) return JSON.stringify(message); // a toJSON somewhere around it left the mark out
  const { json, meta } = written.tracked!;
  // the result's key order is serializeTracked's: json { id, data }, then meta
  written.trackedTail ??= `,"data":${JSON.stringify((json as { data: unknown }).data)}}${meta ? `,"meta":${JSON.stringify(meta)}` : ''}}`;
  const id = (data as { json: { id: string } }).json.id;
  return `${text.slice(0, at)}{"json":{"id":${JSON.stringify(id)}${written.trackedTail}${text.slice(at + QUOTED_MARK.length)}`;
}

/** As much of ws's WebSocket as a direct delivery uses. */
export interface WireSocket {
  send(data: string): void;
}

/**
 * A WebSocket subscription's way straight to its socket. The ws adapter sends each item a subscription yields
 * through a per-message iteration (an Unpromise race, copies of the response object, a generator round trip),
 * which with 1,000 subscribers was most of the server's CPU per delivery apart from the socket write itself. A
 * lane writes an item as exactly the message the adapter would have sent (encodeMessage of the same response),
 * on the same socket, under the subscription's JSON-RPC id.
 *
 * The adapter does not tell a procedure that id. A subscription claims a lane (DirectLanes.claim) as the first thing
 * its generator does, and the adapter encodes the subscription's `started` message in the same synchronous run (it
 * starts the generator, then answers `started`): that message gives the lane its id. A lane whose `started` did not
 * come in that run (another transport, another adapter version) is never paired, and `send` returns false: the caller
 * yields the item as before. The generator must not yield an item it has sent, or send one before an item it
 * yielded was written (it cannot: it runs again only after the adapter wrote what it yielded).
 */
export class DirectLane {
  #id: number | string | undefined;
  #jsonrpc: unknown;

  constructor(
    private readonly socket: WireSocket,
    /** the subscription's own signal: once it is aborted (stopped, socket closed), nothing more is written */
    private readonly signal: AbortSignal,
  ) {}

  get paired(): boolean {
    return this.#id !== undefined;
  }

  pair(id: number | string, jsonrpc: unknown): void {
    this.#id = id;
    this.#jsonrpc = jsonrpc;
  }

  /** Writes `tracked(id, data)` as the adapter would; false when the lane is not paired (yield it instead). */
  send(id: string, data: object): boolean {
    if (this.#id === undefined) return false;
    if (this.signal.aborted) return true; // the adapter would drop it too: the subscription has ended
    // the adapter's response: { id, jsonrpc, result: { type, data, id } }, data being the tracked envelope
    const result = { type: 'data', data: serializeOutput({ id, data }), id };
    this.socket.send(encodeMessage({ id: this.#id, jsonrpc: this.#jsonrpc, result }));
    return true;
  }
}

/**
 * Pairs each WebSocket subscription's DirectLane with its JSON-RPC id. One per server, built in its composition root:
 * procedures claim lanes through `claim`, and `encode` is its ws adapter's encoder (encodeMessage, noting the first
 * message encoded after a claim).
 */
export class DirectLanes {
  /** The lane claimed in the current synchronous run, until a message is encoded or the run ends. */
  #claiming: DirectLane | null = null;

  /** Call first thing in a subscription's generator; null without a socket (not over WebSocket). */
  claim(socket: WireSocket | null, signal: AbortSignal | undefined): DirectLane | null {
    if (!socket || !signal) return null;
    const lane = new DirectLane(socket, signal);
    this.#claiming = lane;
    // not paired in this run: never paired (a later run's `started` belongs to another subscription)
    queueMicrotask(() => {
      if (this.#claiming === lane) this.#claiming = null;
    });
    return lane;
  }

  readonly encode = (message: unknown): string => {
    const lane = this.#claiming;
    if (lane !== null) {
      // the first message encoded after a claim, in the same run: the subscription's `started`, or nothing to pair
      this.#claiming = null;
      const m = message as { id?: unknown; jsonrpc?: unknown; result?: { type?: unknown } } | null;
      if (m?.result?.type === 'started' && (typeof m.id === 'number' || typeof m.id === 'string')) lane.pair(m.id, m.jsonrpc);
    }
    return encodeMessage(message);
  };
}

function serialize(value: unknown): SuperJSONResult {
  const walker = new Walker();
  let json: unknown;
  try {
    json = walker.walk(value);
  } catch (error) {
    if (error === FALLBACK) return superjson.serialize(value) as SuperJSONResult;
    throw error;
  }
  const result: SuperJSONResult = { json };
  const values = walker.annotations;
  const equalities = walker.referentialEqualities();
  if (values !== undefined || equalities !== undefined) {
    // superjson's key order: values, referentialEqualities, v
    const meta: Record<string, unknown> = {};
    if (values !== undefined) meta.values = values;
    if (equalities !== undefined) meta.referentialEqualities = equalities;
    meta.v = 1;
    result.meta = meta as SuperJSONResult['meta'];
  }
  return result;
}

/** tRPC's combined transformer: superjson in, `serializeOutput` out (deserialising output stays superjson's). */
export const transformer = {
  input: inputTransformer,
  output: { serialize: serializeOutput, deserialize: (data: unknown) => superjson.deserialize(data as Parameters<typeof superjson.deserialize>[0]) },
};

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
import superjson from 'superjson';

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
      value = object.toISOString();
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

/** Outputs promised never to change, with their serialisation once made (see immutableOutput). */
const immutable = new WeakMap<object, SuperJSONResult | null>();

/**
 * Marks `value` as never to be changed again, so serializeOutput writes it once however many times it is sent
 * (an event delivered to a thousand subscribers). Returns `value`.
 */
export function immutableOutput<T extends object>(value: T): T {
  if (!immutable.has(value)) immutable.set(value, null);
  return value;
}

export function serializeOutput(value: unknown): SuperJSONResult {
  if (typeof value === 'object' && value !== null && immutable.has(value)) {
    let result = immutable.get(value);
    if (!result) immutable.set(value, (result = serialize(value)));
    return result;
  }
  return serialize(value);
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
  input: superjson,
  output: { serialize: serializeOutput, deserialize: (data: unknown) => superjson.deserialize(data as Parameters<typeof superjson.deserialize>[0]) },
};

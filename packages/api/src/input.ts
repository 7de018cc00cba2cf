// What a call's input may be on the wire: superjson's `{ json, meta? }`, where meta may only mark `undefined` values.
// No input of this API is a Date, Map, Set, bigint, RegExp, Error or class instance, and superjson would build any of
// them from a client's annotations — a bigint of a million digits alone holds the event loop ~260 ms — so anything
// but plain JSON and `undefined` is refused with BAD_REQUEST before superjson sees it. (Output is wire.ts's.)
import { TRPCError } from '@trpc/server';
import superjson from 'superjson';

type Wire = Parameters<typeof superjson.deserialize>[0];

const refuse = (why: string): never => {
  throw new TRPCError({ code: 'BAD_REQUEST', message: `input must be superjson's { json, meta? } of plain JSON: ${why}` });
};

/** Whether a superjson annotation tree marks nothing but `undefined` values. */
function onlyUndefined(tree: unknown): boolean {
  if (Array.isArray(tree)) {
    const [annotation, children] = tree as [unknown, unknown];
    return annotation === 'undefined' && (children === undefined || onlyUndefined(children));
  }
  if (typeof tree !== 'object' || tree === null) return false;
  return Object.values(tree).every(onlyUndefined);
}

export function deserializeInput(payload: unknown): unknown {
  if (payload === undefined) return undefined;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return refuse('not an object');
  const { meta } = payload as { meta?: unknown };
  if (meta !== undefined) {
    if (typeof meta !== 'object' || meta === null) return refuse('meta is not an object');
    const { values, referentialEqualities } = meta as { values?: unknown; referentialEqualities?: unknown };
    if (referentialEqualities !== undefined) return refuse('shared references are not accepted');
    if (values !== undefined && !onlyUndefined(values)) return refuse('only undefined values may be annotated');
  }
  return superjson.deserialize(payload as Wire);
}

export const inputTransformer = { serialize: superjson.serialize.bind(superjson), deserialize: deserializeInput };

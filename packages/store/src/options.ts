// What every engine is opened with, whatever it stores in: its clock, id source, edit policy and version keyframes
// (the rules' inputs), and where it logs. Each engine adds options of its own.
import { createIdFactory, DEFAULT_KEYFRAME_INTERVAL, type Clock, type EditPolicy, type IdFactory } from '@tweetstore/core';

/** pino-compatible */
export interface StoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface StoreOptions {
  clock: Clock;
  /** default: core's createIdFactory() */
  ids?: IdFactory;
  policy: EditPolicy;
  /** default DEFAULT_KEYFRAME_INTERVAL */
  keyframeInterval?: number;
  logger?: StoreLogger;
}

export type ResolvedStoreOptions = Required<StoreOptions>;

const silent: StoreLogger = { info() {}, warn() {}, error() {} };

/** An option that must be an integer of at least `min`, or its default; a RangeError names it otherwise. */
export function integerOption(name: string, value: number | undefined, fallback: number, min = 1): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

export function resolveStoreOptions(o: StoreOptions): ResolvedStoreOptions {
  return {
    clock: o.clock,
    ids: o.ids ?? createIdFactory(),
    policy: o.policy,
    keyframeInterval: integerOption('keyframeInterval', o.keyframeInterval, DEFAULT_KEYFRAME_INTERVAL),
    logger: o.logger ?? silent,
  };
}

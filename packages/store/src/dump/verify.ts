// Whether a copy of a store shows what the store shows, asked through the port of each (so it holds for any two
// engines): for every record of a dump, the reads an API call would make of it, as the viewers that see it
// differently (its author or owners, anyone, each user who engaged), answer the same in both. Counts and contents
// are compared exactly; velocities, which decay between the two reads, to within VELOCITY_TOLERANCE.
import { DomainError } from '@tweetstore/core';
import type { TweetStore } from '../port.ts';
import { pauseEvery } from '../turns.ts';
import type { DumpCounts, DumpMedia, DumpRecord, DumpRecordType, DumpStore, DumpTweet } from './records.ts';

/** Relative difference allowed between two velocities (decay over ~0.4 s at the 5-minute half-life). */
export const VELOCITY_TOLERANCE = 1e-3;
const MAX_DIFFERENCES = 100;
/** A value longer than this (as JSON) is cut in a difference's text. */
const SHOWN_LENGTH = 200;
/** Records checked at once. */
const WINDOW = 32;

export interface VerifyProgress {
  phase: DumpRecordType;
  done: number;
  total: number;
}

export interface VerifyOptions {
  onProgress?: (progress: VerifyProgress) => void;
  signal?: AbortSignal;
}

export interface VerifyChecked extends DumpCounts {
  /** Reads compared (each asked of both stores). */
  reads: number;
}

export interface VerifyReport {
  checked: VerifyChecked;
  /** The first 100 differences, each naming the object, the read, the field and both values. */
  differences: string[];
  /** All of them. */
  differenceCount: number;
}

export async function verifyCopy(
  source: TweetStore,
  target: TweetStore,
  records: AsyncIterable<DumpRecord> | Iterable<DumpRecord>,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const report: VerifyReport = { checked: { users: 0, sessions: 0, media: 0, tweets: 0, versions: 0, reads: 0 }, differences: [], differenceCount: 0 };
  const compare = comparer(source, target, report);
  const pause = pauseEvery(8);
  let totals: DumpCounts | undefined;
  let window: DumpRecord[] = [];
  const progress = { phase: 'store' as DumpRecordType, done: 0 };
  const flush = async () => {
    if (window.length === 0) return;
    const found = await Promise.all(window.map((r) => checkRecord(compare, r)));
    for (const [i, differences] of found.entries()) {
      note(report, differences);
      const r = window[i]!;
      count(report.checked, r);
      if (r.type !== progress.phase) Object.assign(progress, { phase: r.type, done: 0 });
      progress.done++;
    }
    window = [];
    options.onProgress?.({ ...progress, total: totalOf(totals, progress.phase) });
    await pause();
  };
  for await (const record of records) {
    options.signal?.throwIfAborted();
    if (record.type === 'store') totals = record.counts;
    if (window.length >= WINDOW || (window.length > 0 && window[0]!.type !== record.type)) await flush();
    window.push(record);
  }
  await flush();
  return report;
}

type Compare = (what: string, read: (store: TweetStore) => Promise<unknown>) => Promise<string[]>;

function comparer(source: TweetStore, target: TweetStore, report: VerifyReport): Compare {
  return async (what, read) => {
    report.checked.reads++;
    const [a, b] = await Promise.all([outcome(read(source)), outcome(read(target))]);
    return differences(a, b, what);
  };
}

async function checkRecord(compare: Compare, r: DumpRecord): Promise<string[]> {
  switch (r.type) {
    case 'store':
      return checkStore(compare, r);
    case 'user':
      return (await Promise.all([compare(`user ${r.id}: getUser`, (s) => s.getUser(r.id)), compare(`user ${r.id}: findCredentials(${r.username})`, (s) => s.findCredentials(r.username))])).flat();
    case 'session':
      return compare(`session ${r.tokenHash}: findSession`, (s) => s.findSession(r.tokenHash));
    case 'media':
      return checkMedia(compare, r);
    case 'tweet':
      return checkTweet(compare, r);
  }
}

async function checkStore(compare: Compare, r: DumpStore): Promise<string[]> {
  const found = await Promise.all([
    compare('store: storeId', async (s) => s.storeId),
    compare('store: head seq', (s) => s.events.head()),
    compare('store: counts', async (s) => {
      const { users, tweets, versions, media } = await s.stats();
      return { users, tweets, versions, media };
    }),
  ]);
  return found.flat();
}

function checkMedia(compare: Compare, m: DumpMedia): Promise<string[]> {
  const viewers = [null, ...m.owners.map((o) => o.userId)];
  return all(viewers.flatMap((v) => [compare(`media ${m.id} as ${who(v)}: getMedia`, (s) => s.getMedia(m.id, v)), compare(`media ${m.id} as ${who(v)}: mediaAccess`, (s) => s.mediaAccess(m.id, v))]));
}

function checkTweet(compare: Compare, t: DumpTweet): Promise<string[]> {
  const as = (v: string | null) => `tweet ${t.id} as ${v === t.authorId ? 'author' : who(v)}`;
  const readers = [t.authorId, null];
  const engaged = t.edges.map((e) => e.userId).filter((u) => u !== t.authorId);
  return all([
    ...readers.flatMap((v) => [compare(`${as(v)}: getTweet`, (s) => s.getTweet(t.id, v)), compare(`${as(v)}: listVersions`, (s) => s.listVersions(t.id, v))]),
    ...[t.authorId, ...engaged].map((v) => compare(`${as(v)}: getEngagement`, (s) => s.getEngagement(t.id, v))),
  ]);
}

async function all(checks: Promise<string[]>[]): Promise<string[]> {
  return (await Promise.all(checks)).flat();
}

function who(viewerId: string | null): string {
  return viewerId === null ? 'anyone' : `user ${viewerId}`;
}

/** What a read gave: its value, or its error by code (a message may say it in other words). */
type Outcome = { value: unknown } | { error: string };

async function outcome(read: Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await read };
  } catch (error) {
    return { error: error instanceof DomainError ? `${error.code} (${error.name})` : `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** Where `a` (the source's) and `b` (the target's) differ, each as "what: path: a in source, b in target". */
function differences(a: Outcome, b: Outcome, what: string): string[] {
  if ('error' in a || 'error' in b) {
    const show = (o: Outcome) => ('error' in o ? `error ${o.error}` : shown(o.value));
    return show(a) === show(b) ? [] : [`${what}: ${show(a)} in source, ${show(b)} in target`];
  }
  const found: string[] = [];
  walk(a.value, b.value, '', (path, x, y) => found.push(`${what}${path === '' ? '' : ` ${path}`}: ${shown(x)} in source, ${shown(y)} in target`));
  return found;
}

function walk(a: unknown, b: unknown, path: string, differ: (path: string, a: unknown, b: unknown) => void): void {
  if (a instanceof Date && b instanceof Date) {
    if (a.getTime() !== b.getTime()) differ(path, a, b);
  } else if (typeof a === 'number' && typeof b === 'number' && /\bvelocity\./.test(path)) {
    if (Math.abs(a - b) > VELOCITY_TOLERANCE * Math.max(Math.abs(a), Math.abs(b))) differ(path, a, b);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) differ(join(path, 'length'), a.length, b.length);
    else a.forEach((x, i) => walk(x, b[i], `${path}[${i}]`, differ));
  } else if (isObject(a) && isObject(b) && !Array.isArray(a) && !Array.isArray(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[key], b[key], join(path, key), differ);
  } else if (!Object.is(a, b)) differ(path, a, b);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !(v instanceof Date);
}

function shown(v: unknown): string {
  const s = v instanceof Date ? v.toISOString() : v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > SHOWN_LENGTH ? `${s.slice(0, SHOWN_LENGTH - 3)}...` : s;
}

function note(report: VerifyReport, found: readonly string[]): void {
  report.differenceCount += found.length;
  for (const d of found) if (report.differences.length < MAX_DIFFERENCES) report.differences.push(d);
}

function count(checked: VerifyChecked, r: DumpRecord): void {
  if (r.type === 'user') checked.users++;
  else if (r.type === 'session') checked.sessions++;
  else if (r.type === 'media') checked.media++;
  else if (r.type === 'tweet') {
    checked.tweets++;
    checked.versions += r.versions.length;
  }
}

function totalOf(totals: DumpCounts | undefined, phase: DumpRecordType): number {
  const byPhase = { store: 1, user: totals?.users, session: totals?.sessions, media: totals?.media, tweet: totals?.tweets };
  return byPhase[phase] ?? 0;
}

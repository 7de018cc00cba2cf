// A checkpoint's history file (format 3): the version histories of a chunk of tweets, read only when a history is
// asked for (listVersions, a revert) or the chunk's histories grow. Each tweet's versions are a few columns (an
// object per version made these files 2x larger and their parsing the longest step of a full checkpoint), and each
// text a keyframe needs is in the file once.
import type { VersionKind } from '@tweetstore/core';
import { NO_MEDIA, type CheckpointFileRef, type VersionRecord } from '../../projection/records.ts';
import { pauseEvery, SLICE_MS } from '../turns.ts';
import { appendStrings, packStrings, stringAt, stringCount, type Strings } from './strings.ts';

export type TextRow = [hash: string, text: string];

/** A version as checkpoints of formats 1 and 2 hold it: a keyframe has no `delta`, its text is in the file's texts. */
export interface VersionRow {
  kind: VersionKind;
  at: number;
  hash: string;
  mediaIds: string[];
  delta?: string;
}

/**
 * A tweet's versions: their kinds (a letter each), times (the first absolute, then each as the difference to the one
 * before), content hashes, and bodies (the delta, or 0 for a keyframe: its text is the file's text for its hash);
 * media lists by version index, where there are any.
 */
export type HistoryRow = [kinds: string, at: number[], hashes: Strings, bodies: (string | 0)[], media?: Record<number, string[]>];

export interface HistoryChunk {
  /** Per tweet of the chunk, in ordinal order: its versions, or null for a tweet never edited. */
  rows: (HistoryRow | null)[];
  texts: TextRow[];
}

/** A history file as read: its rows, and its texts by hash. */
export interface HistoryFile {
  rows: (HistoryRow | null)[];
  texts: Map<string, string>;
}

/** What a checkpoint needs of a tweet to write its history as of the checkpoint's seq. */
export interface HistoryAtSeq {
  ordinal: number;
  versionCount: number;
  storedVersions: number;
  history: CheckpointFileRef | null;
  /** Append-only while the checkpoint is written: the first versionCount - storedVersions are the ones at its seq. */
  newVersions: readonly VersionRecord[];
}

const KIND_LETTER: Record<VersionKind, string> = { created: 'c', edited: 'e', reverted: 'r' };
const LETTER_KIND: Record<string, VersionKind> = { c: 'created', e: 'edited', r: 'reverted' };

/** The row of `versions`; the texts of its keyframes go into `texts`. */
export function historyRow(versions: readonly VersionRecord[], texts: Map<string, string>): HistoryRow {
  let kinds = '';
  const at: number[] = [];
  const bodies: (string | 0)[] = [];
  const media: Record<number, string[]> = {};
  let previous = 0;
  for (const [i, v] of versions.entries()) {
    kinds += KIND_LETTER[v.kind];
    at.push(v.at - previous);
    previous = v.at;
    bodies.push(v.body.keyframe ? 0 : v.body.delta);
    if (v.body.keyframe) texts.set(v.contentHash, v.body.content);
    if (v.mediaIds.length > 0) media[i] = [...v.mediaIds];
  }
  const row: HistoryRow = [kinds, at, packStrings(versions.map((v) => v.contentHash)), bodies];
  if (Object.keys(media).length > 0) row.push(media);
  return row;
}

/**
 * `row` with `added` (the versions after it) appended: what historyRow of all of them gives, without decoding the
 * stored versions. The texts of every keyframe go into `texts`, the stored ones' from `textOf`.
 */
export function grownRow(row: HistoryRow, added: readonly VersionRecord[], texts: Map<string, string>, textOf: (hash: string) => string): HistoryRow {
  if (added.length === 0) throw new Error('nothing to append');
  const [kinds, at, hashes, bodies, media] = row;
  const n = kinds.length;
  if (!Array.isArray(at) || !Array.isArray(bodies) || at.length !== n || bodies.length !== n || stringCount(hashes) !== n) throw new Error('history row differs in length');
  keyframeTexts(row, texts, textOf);
  const tail = historyRow(added, texts);
  tail[1][0]! -= at.reduce((sum, d) => sum + d, 0); // the first added time, as the difference to the last stored one
  const grown: HistoryRow = [kinds + tail[0], [...at, ...tail[1]], appendStrings(hashes, tail[2]), [...bodies, ...tail[3]]];
  const addedMedia = tail[4] && Object.fromEntries(Object.entries(tail[4]).map(([i, ids]) => [n + Number(i), ids]));
  if (media || addedMedia) grown.push({ ...media, ...addedMedia });
  return grown;
}

function keyframeTexts([, , hashes, bodies]: HistoryRow, texts: Map<string, string>, textOf: (hash: string) => string): void {
  for (const [i, body] of bodies.entries()) if (body === 0) texts.set(stringAt(hashes, i), textOf(stringAt(hashes, i)));
}

/** The versions of a row (throws if it does not hold together). */
export function historyVersions(row: HistoryRow, textOf: (hash: string) => string): VersionRecord[] {
  const [kinds, at, hashes, bodies, media] = row;
  const n = kinds.length;
  if (!Array.isArray(at) || !Array.isArray(bodies) || at.length !== n || bodies.length !== n || stringCount(hashes) !== n) throw new Error('history row differs in length');
  const out: VersionRecord[] = [];
  let time = 0;
  for (let i = 0; i < n; i++) {
    time += at[i]!;
    const hash = stringAt(hashes, i);
    const body = bodies[i]!;
    out.push({
      kind: LETTER_KIND[kinds[i]!]!,
      at: time,
      contentHash: hash,
      mediaIds: media?.[i] ?? NO_MEDIA,
      body: body === 0 ? { keyframe: true, content: textOf(hash) } : { keyframe: false, delta: body },
    });
  }
  return out;
}

/** Versions as checkpoints of formats 1 and 2 hold them. */
export function versionRecords(rows: readonly VersionRow[], textOf: (hash: string) => string): VersionRecord[] {
  return rows.map((v) => ({
    kind: v.kind,
    at: v.at,
    contentHash: v.hash,
    mediaIds: v.mediaIds.length > 0 ? v.mediaIds : NO_MEDIA,
    body: v.delta === undefined ? { keyframe: true, content: textOf(v.hash) } : { keyframe: false, delta: v.delta },
  }));
}

/** The row of the versions a tweet has stored (1..storedVersions) in the history file that holds them. */
export function storedRow(file: HistoryFile, t: Pick<HistoryAtSeq, 'ordinal' | 'storedVersions' | 'history'>): HistoryRow {
  const row = t.history && file.rows[t.ordinal - t.history.first];
  if (!row || row[0]?.length !== t.storedVersions) throw new Error(`history file ${t.history?.file} lacks the versions of tweet #${t.ordinal}`);
  return row;
}

export function textIn(file: HistoryFile): (hash: string) => string {
  return (hash) => {
    const text = file.texts.get(hash);
    if (text === undefined) throw new Error(`history file has no text for ${hash}`);
    return text;
  };
}

/** The chunk's history file as of the checkpoint's seq: stored versions (read from their file) plus new ones. */
export async function historyChunk(tweets: readonly HistoryAtSeq[], read: (ref: CheckpointFileRef) => Promise<HistoryFile>): Promise<HistoryChunk> {
  const pause = pauseEvery(SLICE_MS); // a chunk of long histories takes ~100 ms to encode: the loop turns meanwhile
  const rows: (HistoryRow | null)[] = [];
  const texts = new Map<string, string>();
  const files = new Map<CheckpointFileRef, Promise<HistoryFile>>(); // the chunk's tweets share a file or two
  const readOnce = (ref: CheckpointFileRef) => files.get(ref) ?? files.set(ref, read(ref)).get(ref)!;
  for (const t of tweets) {
    const added = t.newVersions.slice(0, t.versionCount - t.storedVersions);
    if (t.versionCount < 2) rows.push(null);
    else if (t.storedVersions === 0) rows.push(historyRow(added, texts));
    else {
      const file = await readOnce(t.history!);
      const row = storedRow(file, t);
      const textOf = textIn(file);
      if (added.length > 0) rows.push(grownRow(row, added, texts, textOf));
      else {
        rows.push(row); // as it was read: only a history that grew is encoded again
        keyframeTexts(row, texts, textOf);
      }
    }
    await pause();
  }
  return { rows, texts: [...texts] };
}

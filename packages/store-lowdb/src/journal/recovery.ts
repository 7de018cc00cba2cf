// Open-time recovery (sync I/O is fine here): validate every record the store may replay, cut a torn tail off the
// last segment, and refuse anything else rather than drop acknowledged records. Segments wholly at or below
// `checkLaterThrough` (the newest checkpoint covers them) are only stat'ed: the reader checks them record by
// record, with the same errors, whenever they are read (a fallback to an older checkpoint, the ring read-back).
import { closeSync, fdatasyncSync, ftruncateSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { JournalCorruptError, seqGapError } from './errors.ts';
import { decodeFrame, HEADER_BYTES } from './frame.ts';
import { segmentFirstSeq } from './segment-files.ts';
import type { JournalLogger } from './types.ts';

export interface SegmentState {
  firstSeq: number;
  path: string;
  /** Bytes of valid, durable records (of a segment the open did not check: its file's size, checked when read). */
  size: number;
}

export function recoverSegments(
  dir: string,
  logger: JournalLogger,
  checkLaterThrough = 0,
): { segments: SegmentState[]; lastSeq: number; checkedBytes: number } {
  const found = readdirSync(dir)
    .map((name) => ({ name, firstSeq: segmentFirstSeq(name) }))
    .filter((entry): entry is { name: string; firstSeq: number } => entry.firstSeq !== undefined)
    .sort((a, b) => a.firstSeq - b.firstSeq);
  const segments: SegmentState[] = [];
  let nextSeq: number | undefined;
  let checkedBytes = 0;
  for (const [index, { name, firstSeq }] of found.entries()) {
    const path = join(dir, name);
    const following = found[index + 1]?.firstSeq;
    // Never the last segment: only it can hold a torn tail, and its records fix lastSeq.
    if (following !== undefined && following - 1 <= checkLaterThrough) {
      segments.push({ firstSeq, path, size: statSync(path).size });
      nextSeq = undefined; // the next segment's name is taken on trust until this one is read
      continue;
    }
    if (nextSeq !== undefined && firstSeq !== nextSeq) throw seqGapError(path, firstSeq, nextSeq);
    const data = readFileSync(path);
    checkedBytes += data.length;
    const scan = scanSegment(data, firstSeq);
    if (scan.problem !== undefined) {
      const isLast = index === found.length - 1;
      // A crash mid-write can only tear the end of the last segment; valid records after the bad one were acknowledged.
      if (!isLast) throw new JournalCorruptError(path, scan.end, scan.problem);
      const later = findValidRecord(data, scan.end, scan.nextSeq);
      if (later !== undefined) {
        throw new JournalCorruptError(path, scan.end, `${scan.problem}, yet a valid record (seq ${later.seq}) follows at offset ${later.offset}`);
      }
      truncateDurably(path, scan.end);
      logger.warn({ segment: path, offset: scan.end, droppedBytes: data.length - scan.end }, 'journal: torn tail cut off');
    }
    segments.push({ firstSeq, path, size: scan.end });
    nextSeq = scan.nextSeq;
  }
  return { segments, lastSeq: (nextSeq ?? 1) - 1, checkedBytes };
}

/** Walks records from the start; `end` is the offset after the last valid one. */
function scanSegment(data: Buffer, firstSeq: number): { end: number; nextSeq: number; problem?: string } {
  let at = 0;
  let nextSeq = firstSeq;
  while (at < data.length) {
    const frame = decodeFrame(data, at);
    if (frame.kind === 'short') return { end: at, nextSeq, problem: 'record cut short by end of file' };
    if (frame.kind === 'invalid') return { end: at, nextSeq, problem: frame.reason };
    if (frame.seq !== nextSeq) return { end: at, nextSeq, problem: `seq ${frame.seq} where ${nextSeq} was expected` };
    at = frame.end;
    nextSeq++;
  }
  return { end: at, nextSeq };
}

/** The first checksum-valid record after a bad one at `hole`, whose seq fits the records that could lie between. */
function findValidRecord(data: Buffer, hole: number, minSeq: number): { offset: number; seq: number } | undefined {
  for (let at = hole + 1; at + HEADER_BYTES <= data.length; at++) {
    const seq = data.readUInt32LE(at + 8) + data.readUInt32LE(at + 12) * 2 ** 32;
    // Cheap plausibility first: the crc of every random offset would make a long garbage tail quadratic.
    if (seq < minSeq || seq - minSeq > (at - hole) / HEADER_BYTES) continue;
    const frame = decodeFrame(data, at);
    if (frame.kind === 'record') return { offset: at, seq };
  }
  return undefined;
}

function truncateDurably(path: string, length: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, length);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

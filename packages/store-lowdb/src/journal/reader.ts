// Streams records back from segment files in chunks, for recovery replay and subscriber back-fill.
import { open } from 'node:fs/promises';
import { JournalCorruptError, seqGapError } from './errors.ts';
import { decodeFrame } from './frame.ts';
import type { SegmentState } from './recovery.ts';
import type { JournalRecord } from './types.ts';

const CHUNK_BYTES = 1024 * 1024;

/** `segments` is a snapshot: sizes are what was durable when the read began, `lastSeq` the last durable seq. */
export async function* readRecords(segments: readonly SegmentState[], lastSeq: number, afterSeq: number): AsyncGenerator<JournalRecord> {
  for (const [index, segment] of segments.entries()) {
    const next = segments[index + 1];
    const segmentLastSeq = (next?.firstSeq ?? lastSeq + 1) - 1;
    if (segmentLastSeq <= afterSeq || (segment.size === 0 && !next)) continue;
    const nextSeq = yield* readSegment(segment, afterSeq, segmentLastSeq);
    // The open may have left this segment unchecked (a checkpoint covers it): its end must meet the next one's name.
    if (next && nextSeq !== next.firstSeq) throw seqGapError(next.path, next.firstSeq, nextSeq);
  }
}

/** Checks every record of the segment (yielding those in afterSeq < seq <= lastSeq); returns the seq after its last. */
async function* readSegment(segment: SegmentState, afterSeq: number, lastSeq: number): AsyncGenerator<JournalRecord, number> {
  const file = await open(segment.path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, segment.size));
    let bufferOffset = 0; // file offset of buffer[0]
    let filled = 0;
    let at = 0;
    let nextSeq = segment.firstSeq;
    while (bufferOffset + at < segment.size) {
      const frame = decodeFrame(buffer.subarray(0, filled), at);
      if (frame.kind === 'record') {
        if (frame.seq !== nextSeq) throw new JournalCorruptError(segment.path, bufferOffset + at, `seq ${frame.seq} where ${nextSeq} was expected`);
        nextSeq++;
        if (frame.seq > afterSeq && frame.seq <= lastSeq) yield { seq: frame.seq, payload: buffer.toString('utf8', frame.payloadStart, frame.end) };
        at = frame.end;
        continue;
      }
      if (frame.kind === 'invalid') throw new JournalCorruptError(segment.path, bufferOffset + at, frame.reason);
      // Short: keep the partial frame, move it to the front, read more.
      const unread = segment.size - bufferOffset - filled;
      if (unread <= 0) throw new JournalCorruptError(segment.path, bufferOffset + at, 'record cut short by end of file');
      const kept = buffer.subarray(at, filled);
      if (buffer.length < frame.need) buffer = Buffer.allocUnsafe(Math.max(frame.need, CHUNK_BYTES));
      kept.copy(buffer, 0);
      bufferOffset += at;
      filled = kept.length;
      at = 0;
      const { bytesRead } = await file.read(buffer, filled, Math.min(buffer.length - filled, unread), bufferOffset + filled);
      if (bytesRead === 0) throw new JournalCorruptError(segment.path, bufferOffset + filled, 'segment shorter than recorded');
      filled += bytesRead;
    }
    return nextSeq;
  } finally {
    await file.close();
  }
}

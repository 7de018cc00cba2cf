// Binary framing, because a length prefix needs no escaping and length + crc alone tell a torn tail from a clean end:
// [u32 LE payload length][u32 LE crc32 of the seq and payload bytes][u64 LE seq][payload, UTF-8]
import CRC32 from 'crc-32';

export const HEADER_BYTES = 16;
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

export interface PayloadBytes {
  seq: number;
  bytes: Buffer;
}

export type Frame =
  | { kind: 'record'; seq: number; payloadStart: number; end: number }
  /** `need` bytes from the frame's start are required to decide */
  | { kind: 'short'; need: number }
  | { kind: 'invalid'; reason: string };

export function encodeFrames(records: readonly PayloadBytes[]): Buffer {
  let total = 0;
  for (const record of records) total += HEADER_BYTES + record.bytes.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const { seq, bytes } of records) {
    const end = at + HEADER_BYTES + bytes.length;
    out.writeUInt32LE(bytes.length, at);
    out.writeUInt32LE(seq % 2 ** 32, at + 8);
    out.writeUInt32LE(Math.floor(seq / 2 ** 32), at + 12);
    bytes.copy(out, at + HEADER_BYTES);
    out.writeInt32LE(CRC32.buf(out.subarray(at + 8, end)), at + 4);
    at = end;
  }
  return out;
}

/** Decodes the frame starting at `at`; `buf` ends where the known bytes end. Seq continuity is the caller's. */
export function decodeFrame(buf: Buffer, at: number): Frame {
  if (buf.length - at < HEADER_BYTES) return { kind: 'short', need: HEADER_BYTES };
  const length = buf.readUInt32LE(at);
  if (length > MAX_PAYLOAD_BYTES) return { kind: 'invalid', reason: `record length ${length} out of bounds` };
  const end = at + HEADER_BYTES + length;
  if (buf.length < end) return { kind: 'short', need: HEADER_BYTES + length };
  if (CRC32.buf(buf.subarray(at + 8, end)) !== buf.readInt32LE(at + 4)) return { kind: 'invalid', reason: 'checksum mismatch' };
  const seq = buf.readUInt32LE(at + 8) + buf.readUInt32LE(at + 12) * 2 ** 32;
  return { kind: 'record', seq, payloadStart: at + HEADER_BYTES, end };
}

// Video is stored as uploaded once its container holds together: every box (MP4) or element (WebM) lies inside the
// file, so a truncated or damaged upload is refused, and there is a video track to play. Nothing is re-encoded.
import { createFile, MP4BoxBuffer, type Movie } from 'mp4box';
import { MediaRefused } from './refused.ts';

export interface CheckedVideo {
  width: number | null;
  height: number | null;
}

const corrupt = (why: string) => new MediaRefused('corrupt', `the video is damaged or truncated: ${why}`);

export function checkVideo(bytes: Uint8Array, mime: string): CheckedVideo {
  if (mime === 'video/mp4') return checkMp4(bytes);
  if (mime === 'video/webm') return checkWebm(bytes);
  throw new MediaRefused('unsupported_type', `not a video type we store: ${mime}`);
}

// --- MP4 (ISO BMFF) ---------------------------------------------------------------------------------------------

const FOURCC = /^[\x20-\x7e]{4}$/;

/** The top-level boxes must chain exactly to the end of the file: ftyp first, then a moov and media data. */
function mp4Boxes(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const types: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (bytes.length - at < 8) throw corrupt(`${bytes.length - at} stray bytes at the end`);
    let size = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (!FOURCC.test(type)) throw corrupt(`no box at byte ${at}`);
    let header = 8;
    if (size === 1) {
      if (bytes.length - at < 16) throw corrupt(`box ${type} cut short at byte ${at}`);
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      size = bytes.length - at; // the last box may run to the end
    }
    if (size < header || at + size > bytes.length) throw corrupt(`box ${type} at byte ${at} states ${size} bytes, ${bytes.length - at} remain`);
    types.push(type);
    at += size;
  }
  return types;
}

function checkMp4(bytes: Uint8Array): CheckedVideo {
  const types = mp4Boxes(bytes);
  if (types[0] !== 'ftyp') throw corrupt('it does not begin with a file type box');
  if (!types.includes('moov')) throw corrupt('it has no movie box');
  if (!types.includes('mdat')) throw corrupt('it has no media data');
  let movie: Movie | undefined;
  let error: string | undefined;
  const file = createFile();
  file.onReady = (info) => (movie = info);
  file.onError = (module, message) => (error ??= `${module}: ${message}`);
  // a copy of exactly these bytes (a Node Buffer's .buffer may be a shared pool)
  file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(new Uint8Array(bytes).buffer, 0));
  file.flush();
  if (error) throw corrupt(error);
  const track = movie?.videoTracks[0];
  if (!track) throw new MediaRefused('unsupported_type', 'the MP4 file has no video track');
  return { width: track.video?.width ?? track.track_width ?? null, height: track.video?.height ?? track.track_height ?? null };
}

// --- WebM (Matroska's EBML) --------------------------------------------------------------------------------------

const EBML = 0x1a45dfa3;
const DOC_TYPE = 0x4282;
const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const VIDEO = 0xe0;
const PIXEL_WIDTH = 0xb0;
const PIXEL_HEIGHT = 0xba;
const SIMPLE_BLOCK = 0xa3;
const BLOCK_GROUP = 0xa0;
/** Children of a Segment: where a cluster of unknown size ends. */
const SEGMENT_CHILDREN = new Set([0x114d9b74, 0x1549a966, TRACKS, CLUSTER, 0x1c53bb6b, 0x1941a469, 0x1043a770, 0x1254c367]);

interface Element {
  id: number;
  /** where its data starts */
  start: number;
  /** where it ends (exclusive); the end of its parent for an unknown size */
  end: number;
  unknownSize: boolean;
}

class WebmReader {
  constructor(readonly bytes: Uint8Array) {}

  /** A variable-length integer; `keepMarker` for ids, which keep their length bits. */
  #vint(at: number, limit: number, keepMarker: boolean): { value: number; length: number; allOnes: boolean } {
    const first = this.bytes[at];
    if (first === undefined || at >= limit) throw corrupt(`an element is cut short at byte ${at}`);
    const length = Math.clz32(first) - 23;
    if (length < 1 || length > 8) throw corrupt(`no element at byte ${at}`);
    if (at + length > limit) throw corrupt(`an element header is cut short at byte ${at}`);
    let value = keepMarker ? first : first & (0xff >> length);
    let allOnes = value === 0xff >> length;
    for (let i = 1; i < length; i++) {
      const b = this.bytes[at + i]!;
      value = value * 256 + b;
      allOnes &&= b === 0xff;
    }
    return { value, length, allOnes };
  }

  element(at: number, parentEnd: number): Element {
    const id = this.#vint(at, parentEnd, true);
    const size = this.#vint(at + id.length, parentEnd, false);
    const start = at + id.length + size.length;
    if (size.allOnes) return { id: id.value, start, end: parentEnd, unknownSize: true };
    const end = start + size.value;
    if (end > parentEnd) throw corrupt(`element 0x${id.value.toString(16)} at byte ${at} states ${size.value} bytes, ${parentEnd - start} remain`);
    return { id: id.value, start, end, unknownSize: false };
  }

  /**
   * The children of [start, end). A child of unknown size (a live recording's segment and clusters) ends where an
   * element `endsUnknown` names starts, or at `end`.
   */
  *children(start: number, end: number, endsUnknown: (id: number) => boolean = () => false): Generator<Element> {
    for (let at = start; at < end; ) {
      const e = this.element(at, end);
      if (e.unknownSize) {
        let child = e.start;
        while (child < end) {
          const peek = this.element(child, end);
          if (endsUnknown(peek.id)) break;
          // a child of unknown size runs to the end of this one's parent, and so does this one
          child = peek.unknownSize ? end : peek.end;
        }
        e.end = child;
      }
      yield e;
      at = e.end;
    }
  }

  uint(e: Element): number {
    let value = 0;
    for (let i = e.start; i < e.end; i++) value = value * 256 + this.bytes[i]!;
    return value;
  }

  text(e: Element): string {
    return String.fromCharCode(...this.bytes.subarray(e.start, e.end)).replace(/\0+$/, '');
  }
}

function checkWebm(bytes: Uint8Array): CheckedVideo {
  const r = new WebmReader(bytes);
  const top = [...r.children(0, bytes.length, (id) => id === SEGMENT || id === EBML)];
  const header = top[0];
  if (header?.id !== EBML) throw corrupt('it does not begin with an EBML header');
  const docType = [...r.children(header.start, header.end)].find((e) => e.id === DOC_TYPE);
  if (!docType || r.text(docType) !== 'webm') throw new MediaRefused('unsupported_type', 'the file is Matroska but not WebM');
  const segment = top.find((e) => e.id === SEGMENT);
  if (!segment) throw corrupt('it has no segment');
  let video: CheckedVideo | null = null;
  let blocks = 0;
  for (const e of r.children(segment.start, segment.end, (id) => SEGMENT_CHILDREN.has(id))) {
    if (e.id === TRACKS) {
      for (const entry of r.children(e.start, e.end)) {
        if (entry.id !== TRACK_ENTRY) continue;
        const v = [...r.children(entry.start, entry.end)].find((c) => c.id === VIDEO);
        if (!v || video) continue;
        const fields = [...r.children(v.start, v.end)];
        const width = fields.find((c) => c.id === PIXEL_WIDTH);
        const height = fields.find((c) => c.id === PIXEL_HEIGHT);
        video = { width: width ? r.uint(width) : null, height: height ? r.uint(height) : null };
      }
    } else if (e.id === CLUSTER) {
      for (const c of r.children(e.start, e.end, (id) => SEGMENT_CHILDREN.has(id))) if (c.id === SIMPLE_BLOCK || c.id === BLOCK_GROUP) blocks++;
    }
  }
  if (!video) throw new MediaRefused('unsupported_type', 'the WebM file has no video track');
  if (blocks === 0) throw corrupt('it holds no frames');
  return video;
}

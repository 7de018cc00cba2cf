// A server may answer a Range request with more than was asked (HTTP lets it ignore Range; s3rver sends the whole
// object for `bytes=0-0`): the bytes asked are then cut out of what came.
import { Readable } from 'node:stream';
import type { ByteRange } from '@tweetstore/store';

/** `Content-Range: bytes <first>-<last>/<size>` */
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

/** The bytes of `asked` from a response body that starts at the Content-Range it came with (none: the whole object). */
export function askedRange(body: Readable, asked: ByteRange, contentRange: string | undefined): Readable {
  const match = contentRange ? CONTENT_RANGE.exec(contentRange) : null;
  if (contentRange && !match) throw new Error(`S3 answered a range request with Content-Range ${JSON.stringify(contentRange)}`);
  const first = match ? Number(match[1]) : 0;
  const last = match ? Number(match[2]) : Infinity;
  if (first === asked.start && last === asked.end) return body;
  if (first > asked.start || last < asked.end) {
    body.destroy();
    throw new Error(`S3 answered bytes ${first}-${last} for bytes ${asked.start}-${asked.end}`);
  }
  return Readable.from(slice(body, asked.start - first, asked.end - asked.start + 1));
}

async function* slice(source: AsyncIterable<Buffer>, skip: number, length: number): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const part = chunk.subarray(Math.min(skip, chunk.length), skip + length);
    skip = Math.max(0, skip - chunk.length);
    if (part.length > 0) yield part;
    length -= part.length;
    // leaving the loop ends the source: the rest of the object is never read
    if (length === 0) return;
  }
}

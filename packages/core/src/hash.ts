// Content addressing. @noble/hashes rather than node:crypto so the web client computes the same hashes.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** Lower-case hex SHA-256; a string is hashed as its UTF-8 bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return bytesToHex(sha256(typeof data === 'string' ? utf8ToBytes(data) : data));
}

/** The `contentHash` of API.md: equal text => equal hash. */
export function contentHash(text: string): string {
  return `sha256:${sha256Hex(text)}`;
}

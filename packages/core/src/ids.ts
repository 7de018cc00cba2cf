// Tweet ids are ULIDs: 48-bit ms timestamp + 80 random bits, Crockford base32, so they sort by creation time.
import { decodeTime, monotonicFactory, TIME_MAX } from 'ulid';

/** Returns a new id for a thing created at `now`; strictly increasing across calls, even within one ms. */
export type IdFactory = (now: number) => string;

// Canonical form only (upper case, first char 0-7 so the 48-bit time cannot overflow): ids are compared as strings.
const ID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/**
 * One factory per process (or per store): monotonicity holds within a factory. If the clock goes backwards the
 * factory keeps the last time it saw, so ids never decrease. `random` returns floats in [0, 1) like Math.random.
 */
export function createIdFactory(random: () => number = bufferedCryptoRandom()): IdFactory {
  // `ulid` reads the wall clock when given 0/NaN.
  let next = monotonicFactory(random);
  let last = '';
  return (now) => {
    if (!Number.isSafeInteger(now) || now < 1 || now > TIME_MAX) {
      throw new RangeError(`id time must be an integer in [1, ${TIME_MAX}] ms, got ${now}`);
    }
    let id: string;
    try {
      id = next(now);
    } catch (error) {
      // The 80-bit random part overflowed within one ms (needs ~2^80 ids or a PRNG stuck near 1): move to the next ms.
      if (last === '') throw error;
      next = monotonicFactory(random);
      id = next(idTime(last) + 1);
    }
    last = id;
    return id;
  };
}

/** Cryptographic randomness fetched 4 KiB at a time: ulid asks for one value per character, and one
 * getRandomValues call each made id generation the top CPU cost of creating a tweet. Works in browsers too. */
function bufferedCryptoRandom(): () => number {
  const pool = new Uint32Array(1024);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      globalThis.crypto.getRandomValues(pool);
      next = 0;
    }
    return pool[next++]! / 2 ** 32;
  };
}

export function isId(s: string): boolean {
  return ID_PATTERN.test(s);
}

/** Epoch ms encoded in `id`; throws on a string that is not an id. */
export function idTime(id: string): number {
  if (!isId(id)) throw new RangeError(`not an id: ${JSON.stringify(id)}`);
  return decodeTime(id);
}

// "The first time within a window" shared by every instance. A key lives in generations of the limits' clock (the
// injected one, as in the memory store): seen in this generation or the last one, it is not new; so it is
// remembered at least one window and at most two. Redis's own expiry (real time) only clears generations no one
// reads any more. One script, so two instances seeing a key at once cannot both call it new.
import type { Redis } from 'ioredis';
import type { Once } from '@tweetstore/api';
import { redisScript } from '../redis/script.ts';

// KEYS: the key in the last generation, in this one; ARGV: how long Redis keeps a generation (ms)
const FIRST = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return 1 end
return 0`;

export function redisOnce(client: Redis, prefix: string, windowMs: number, now: () => number): Once {
  const first = redisScript(client, 'tweetstoreOnceFirst', 2, FIRST);
  // {...}: both generations of a key in one Redis Cluster slot, as a script's keys must be
  const keyOf = (key: string, generation: number) => `${prefix}{${key}}:${generation}`;
  return {
    async first(key) {
      const generation = Math.floor(now() / windowMs);
      return (await first([keyOf(key, generation - 1), keyOf(key, generation)], [2 * windowMs])) === 1;
    },
  };
}

// Every seeded user signs in with SEED_PASSWORD. The hash has the API's format (packages/api/src/auth/passwords.ts:
// "scrypt$N$r$p$<salt>$<key>"), computed once per run: scrypt is slow on purpose, 10k users would take minutes.
import { scrypt } from 'node:crypto';

export const SEED_PASSWORD = 'tweetstore-seed';

const PARAMS = { N: 16_384, r: 8, p: 1 } as const;

export function seedPasswordHash(salt: Buffer): Promise<string> {
  return new Promise((resolve, reject) =>
    scrypt(SEED_PASSWORD.normalize('NFC'), salt, 64, { ...PARAMS, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$')),
    ),
  );
}

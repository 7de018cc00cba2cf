// A Lua script run by its sha (EVALSHA), sent whole again only when Redis has not seen it yet: ioredis's
// defineCommand, typed.
import type { Redis } from 'ioredis';

export type RedisScript = (keys: string[], args: (string | number)[]) => Promise<unknown>;

export function redisScript(client: Redis, name: string, numberOfKeys: number, lua: string): RedisScript {
  client.defineCommand(name, { numberOfKeys, lua });
  const run = (client as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>)[name]!;
  return (keys, args) => run.call(client, ...keys, ...args);
}

// Read-after-ack across instances without a database round trip: the committed head in Redis. Each writer raises
// `<prefix>head` to its batch's last seq after COMMIT and before it answers (one script, max-set); a read served from
// an instance's memory first reads the head and is served there only once that instance's tail has delivered up to it.
//
// A writer whose raise fails after COMMIT must not leave readers trusting an older head: every writer holds a lease in
// `<prefix>writers` (a sorted set scored by the lease's end on Redis's clock), renewed by each raise and a heartbeat;
// readers trust the head only while no registered writer's lease has ended. A writer whose raise fails answers its
// callers only once its own lease has surely ended (its last renewal + leaseMs), so from the ack on, readers fall back
// to PostgreSQL until the writer raises again (which covers its commits: seq order is commit order). A lease ended for
// `forgetMs` is taken off (an instance killed), the one hole left: a writer cut off from Redis longer than that while
// readers still reach it. A head lost with Redis (restarted empty) is not made again by a raise (a late raise could set
// it below an acknowledged seq): the heartbeat sets it from PostgreSQL's stream_head, which every ack precedes.
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { StoreLogger } from '@tweetstore/store';
import { redisScript, type RedisScript } from '../redis/script.ts';

/** KEYS head, writers; ARGV seq, writer, leaseMs, forgetMs, init ('1': set the head even when it is missing). */
const RAISE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[4]))
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2])
local h = redis.call('GET', KEYS[1])
if not h and ARGV[5] ~= '1' then return -1 end
local seq = tonumber(ARGV[1])
if not h or seq > tonumber(h) then redis.call('SET', KEYS[1], ARGV[1]); return seq end
return tonumber(h)`;

/** KEYS head, writers. -1: no head; -2: a writer's lease has ended (it may have acknowledged what the head lacks). */
const HEAD = `
local h = redis.call('GET', KEYS[1])
if not h then return -1 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZCOUNT', KEYS[2], '-inf', now) > 0 then return -2 end
return tonumber(h)`;

/** A raise not answered within this counts as failed (a hung Redis must not hold every batch for the 1 s command timeout). */
const RAISE_TIMEOUT_MS = 200;
/** A read of the head not answered within this goes to PostgreSQL. */
const READ_TIMEOUT_MS = 100;

/** `work`, or a rejection once `ms` have passed without its answer. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export interface BarrierOptions {
  redis: Redis;
  /** keys go under it, e.g. `tweetstore:store:` */
  prefix: string;
  /** this instance's writer, unique among the instances */
  writerId: string;
  leaseMs: number;
  forgetMs: number;
  /** PostgreSQL's stream_head, to set a head Redis lost */
  databaseHead(): Promise<number>;
  logger: StoreLogger;
}

export class CommittedHead {
  readonly #raise: RedisScript;
  readonly #head: RedisScript;
  readonly #keys: string[];
  /** performance.now() of the last renewal Redis answered */
  #renewedAt = -Infinity;
  #timer: NodeJS.Timeout | undefined;
  #failing = false;
  /** the highest seq this writer committed */
  #committed = 0;
  /** performance.now() until which reads do not ask Redis (it failed or was slow) */
  #unreadUntil = -Infinity;
  /** raises that failed and made the ack wait for the lease */
  raiseFailures = 0;

  constructor(private readonly o: BarrierOptions) {
    this.#raise = redisScript(o.redis, 'tweetstoreRaiseHead', 2, RAISE);
    this.#head = redisScript(o.redis, 'tweetstoreCommittedHead', 2, HEAD);
    this.#keys = [`${o.prefix}head`, `${o.prefix}writers`];
  }

  /** Registers this writer (before it may commit anything) and keeps its lease. Rejects when Redis does not answer. */
  async start(): Promise<void> {
    await this.#renew(true);
    this.#timer = setInterval(() => void this.#renew(false).catch(() => {}), Math.max(1, Math.floor(this.o.leaseMs / 3))).unref();
  }

  /** Takes this writer off (its commits are all raised or answered by then). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.o.redis.zrem(this.#keys[1]!, this.o.writerId).catch(() => {});
  }

  async #renew(throwing: boolean): Promise<void> {
    try {
      // with the highest seq this writer committed: a lease renewed after a raise failed (say, on a new connection
      // while the failed raise's was cut) covers what that raise should have
      let h = (await this.#raise(this.#keys, [this.#committed, this.o.writerId, this.o.leaseMs, this.o.forgetMs, '0'])) as number;
      if (h === -1) h = (await this.#raise(this.#keys, [await this.o.databaseHead(), this.o.writerId, this.o.leaseMs, this.o.forgetMs, '1'])) as number;
      this.#renewed();
    } catch (error) {
      if (throwing) throw error;
      this.#failed(error);
    }
  }

  /** The lease ends leaseMs after Redis ran the script, which was before its answer: counted from the answer, it has surely ended. */
  #renewed(): void {
    this.#renewedAt = performance.now();
    if (this.#failing) this.o.logger.info({}, 'the committed head in Redis is raised again');
    this.#failing = false;
  }

  #failed(error: unknown): void {
    if (!this.#failing) this.o.logger.warn({ err: error }, 'the committed head in Redis cannot be raised: reads go to PostgreSQL');
    this.#failing = true;
  }

  /**
   * After COMMIT, before the callers are answered: raises the head to `seq`. When Redis fails, waits until this
   * writer's lease has surely ended, so no reader trusts a head without `seq` once the callers have their answer.
   */
  async raise(seq: number): Promise<void> {
    if (seq > this.#committed) this.#committed = seq;
    try {
      // a raise Redis runs after it was given up on only raises the head further: harmless
      await within(RAISE_TIMEOUT_MS, this.#raise(this.#keys, [seq, this.o.writerId, this.o.leaseMs, this.o.forgetMs, '0']));
      this.#renewed();
    } catch (error) {
      this.raiseFailures++;
      this.#failed(error);
      const wait = this.#renewedAt + this.o.leaseMs + 50 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** The head every acknowledged write is within, or undefined when it cannot be trusted or read. */
  async read(): Promise<number | undefined> {
    if (performance.now() < this.#unreadUntil) return undefined;
    let h: number;
    try {
      h = (await within(READ_TIMEOUT_MS, this.#head(this.#keys, []))) as number;
    } catch {
      // failing or slow: the reads of the next quarter second go to PostgreSQL without asking
      this.#unreadUntil = performance.now() + 250;
      return undefined;
    }
    return h >= 0 ? h : undefined;
  }
}

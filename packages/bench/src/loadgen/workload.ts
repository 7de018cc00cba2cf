// What the load generators send: a serialisable description of a workload (sent to the generator process) and
// the factory that turns it into one call after another, deterministic for a given seed.
import superjson from 'superjson';
import { postText, prng } from '../content.ts';

export type TweetOp = 'create' | 'get' | 'list' | 'like' | 'edit' | 'mixed';
export type RestOp = 'create' | 'get' | 'list';

export interface BenchUser {
  token: string;
  /** ids of tweets this user wrote (edit targets) */
  own: string[];
}

export type Workload =
  /** raw node:http / ws: the same bytes as a no-op tRPC mutation */
  | { kind: 'raw' }
  | { kind: 'noop' }
  | { kind: 'json-server'; op: RestOp; maxId: number }
  /** post.create / post.get / post.list of trpc-baseline.ts (lowdb or PostgreSQL) */
  | { kind: 'lowdb' | 'pg-baseline'; op: RestOp; maxId: number }
  | { kind: 'tweetstore'; op: TweetOp; users: BenchUser[]; pool: string[] }
  /** creates whose text carries `#fanout<step>_<i>` (i = call index from 0), for the fan-out subscribers to match */
  | { kind: 'fanout'; step: number; users: BenchUser[] }
  /** one query sent again and again (a search, a trends list), signed in as the lane's user, or anonymous without users */
  | { kind: 'read'; path: string; input: unknown; users: BenchUser[] }
  /** pg-fts: a search query that loadgen/sql.ts runs in PostgreSQL itself (no call to a server) */
  | { kind: 'fts'; q: string };

export type Call =
  | { t: 'rpc'; type: 'query' | 'mutation'; path: string; input: unknown; token: string | null }
  | { t: 'rest'; method: 'GET' | 'POST'; path: string; body?: string };

export interface CallFactory {
  /** The next call; `lane` pins the user (a WebSocket is signed in as one user), else users rotate per call. */
  next(lane?: number): Call;
  /** Token a WebSocket on this lane signs in with (connectionParams), or null. */
  tokenFor(lane: number): string | null;
}

export function makeFactory(w: Workload, seed: number): CallFactory {
  const rand = prng(seed);
  let n = 0;
  const unique = () => seed * 1_000_000 + ++n;
  switch (w.kind) {
    case 'raw':
    case 'noop':
      return {
        next: () => ({ t: 'rpc', type: 'mutation', path: w.kind === 'raw' ? 'echo' : 'noop', input: { content: postText(rand, unique()) }, token: null }),
        tokenFor: () => null,
      };
    case 'json-server':
      return {
        next(): Call {
          if (w.op === 'create') return { t: 'rest', method: 'POST', path: '/posts', body: JSON.stringify({ content: postText(rand, unique()), authorId: 'bench' }) };
          if (w.op === 'get') return { t: 'rest', method: 'GET', path: `/posts/${1 + Math.floor(rand() * Math.max(1, w.maxId))}` };
          return { t: 'rest', method: 'GET', path: '/posts?_page=1&_limit=20' };
        },
        tokenFor: () => null,
      };
    case 'lowdb':
    case 'pg-baseline':
      return {
        next(): Call {
          if (w.op === 'create') return { t: 'rpc', type: 'mutation', path: 'post.create', input: { content: postText(rand, unique()), authorId: 'bench' }, token: null };
          if (w.op === 'get') return { t: 'rpc', type: 'query', path: 'post.get', input: { id: 1 + Math.floor(rand() * Math.max(1, w.maxId)) }, token: null };
          return { t: 'rpc', type: 'query', path: 'post.list', input: { limit: 20 }, token: null };
        },
        tokenFor: () => null,
      };
    case 'fanout': {
      if (!w.users.length) throw new Error('fanout workload needs users');
      let i = 0;
      return {
        next: (lane = 0): Call => ({
          t: 'rpc',
          type: 'mutation',
          path: 'tweet.create',
          input: { content: `${postText(rand, unique())} ${fanoutMarker(w.step, i++)}` },
          token: w.users[lane % w.users.length]!.token,
        }),
        tokenFor: (lane) => w.users[lane % w.users.length]!.token,
      };
    }
    case 'read': {
      const token = (lane: number) => (w.users.length ? w.users[lane % w.users.length]!.token : null);
      let rr = 0;
      return {
        next: (lane = rr++): Call => ({ t: 'rpc', type: 'query', path: w.path, input: w.input, token: token(lane) }),
        tokenFor: token,
      };
    }
    case 'fts':
      throw new Error('a pg-fts workload is SQL that loadgen/sql.ts runs, not calls');
    case 'tweetstore': {
      const users = w.users;
      const pool = w.pool.length ? w.pool : users.flatMap((u) => u.own);
      if (!users.length || !pool.length) throw new Error('tweetstore workload needs users and tweets');
      const perUser = new Uint32Array(users.length);
      let rr = 0;
      const one = (op: Exclude<TweetOp, 'mixed'>, u: number): Call => {
        const user = users[u]!;
        const k = perUser[u]!++;
        switch (op) {
          case 'create':
            return { t: 'rpc', type: 'mutation', path: 'tweet.create', input: { content: postText(rand, unique()) }, token: user.token };
          case 'get':
            return { t: 'rpc', type: 'query', path: 'tweet.get', input: { id: pool[Math.floor(rand() * pool.length)]! }, token: user.token };
          case 'list':
            return { t: 'rpc', type: 'query', path: 'tweet.list', input: { limit: 20 }, token: user.token };
          case 'like':
            // Each user walks the pool from its own offset: every (user, tweet) pair is a new like until the
            // user has liked the whole pool (then likes repeat, which the API answers idempotently).
            return { t: 'rpc', type: 'mutation', path: 'tweet.engage', input: { id: pool[(u * 7919 + k) % pool.length]!, action: 'like' }, token: user.token };
          case 'edit': {
            const id = user.own[k % user.own.length]!;
            return { t: 'rpc', type: 'mutation', path: 'tweet.edit', input: { id, content: `${postText(rand, unique())} (edit ${k})` }, token: user.token };
          }
        }
      };
      return {
        next(lane?: number): Call {
          const u = lane === undefined ? rr++ % users.length : lane % users.length;
          if (w.op !== 'mixed') return one(w.op, u);
          // mixed: 70% reads (50% get, 20% list), 30% writes (15% create, 10% like, 5% edit)
          const r = rand();
          return one(r < 0.5 ? 'get' : r < 0.7 ? 'list' : r < 0.85 ? 'create' : r < 0.95 ? 'like' : 'edit', u);
        },
        tokenFor: (lane) => users[lane % users.length]!.token,
      };
    }
  }
}

/** The tag a fan-out create carries: step `step`, call `i` of that step (due at the step's t0 + i / rate). */
export const FANOUT_TAG = '#fanout';
export const fanoutMarker = (step: number, i: number) => `${FANOUT_TAG}${step}_${i}`;

export interface HttpRequestShape {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** A call as tRPC's httpBatchLink sends it (one call per batch), or as plain REST. */
export function toHttp(call: Call): HttpRequestShape {
  if (call.t === 'rest') {
    return call.body === undefined
      ? { method: call.method, path: call.path, headers: {} }
      : { method: call.method, path: call.path, headers: { 'content-type': 'application/json' }, body: call.body };
  }
  const headers: Record<string, string> = call.token ? { authorization: `Bearer ${call.token}` } : {};
  const batch = JSON.stringify({ 0: superjson.serialize(call.input) });
  if (call.type === 'query') return { method: 'GET', path: `/trpc/${call.path}?batch=1&input=${encodeURIComponent(batch)}`, headers };
  return { method: 'POST', path: `/trpc/${call.path}?batch=1`, headers: { ...headers, 'content-type': 'application/json' }, body: batch };
}

/** A call as tRPC's wsLink sends it: {id, method, params: {path, input}} with superjson-serialised input. */
export function toWsMessage(call: Call, id: number): string {
  if (call.t !== 'rpc') throw new Error('REST targets have no WebSocket transport');
  return JSON.stringify({ id, method: call.type, params: { path: call.path, input: superjson.serialize(call.input) } });
}

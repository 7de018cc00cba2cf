// Four tRPC baselines on one tiny server, set up like apps/server (standalone HTTP adapter at /trpc/, the ws
// adapter on upgrade, superjson, the same keep-alive), chosen by BENCH_TARGET:
//   noop  - `noop` mutation that does nothing: the framework limit.
//   lowdb - a naive lowdb 7 handler: JSONFilePreset(BENCH_LOWDB_FILE), `db.update` per write, linear find.
//   pg    - a naive but honest PostgreSQL backend on BENCH_DATABASE_URL, through a pool like the engine's (postgres.js
//           4.2.0, 10 connections): a create is one `INSERT ... RETURNING` in its own transaction, with
//           synchronous_commit on (durable when answered), a get one `SELECT` by primary key. Its table holds a
//           copy of the engine's tweets in that database (made at start), so both work on the same rows.
//           tRPC rather than raw node:http, so that against the engine's rows only the store differs.
//   scan  - search without an index (linear-scan.ts): the published texts of BENCH_SCAN_TEXTS (scan-texts.ts wrote
//           them) in memory, and `search({q, limit})` reading them newest first through the shared matcher until
//           the page is full.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { initTRPC, TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { InvalidInput } from '@tweetstore/core';
import { JSONFilePreset } from 'lowdb/node';
import postgres from 'postgres';
import superjson from 'superjson';
import { WebSocketServer } from 'ws';
import { readTexts, scanLatest } from '../linear-scan.ts';

interface Post {
  id: number;
  content: string;
  authorId: string;
  createdAt: string;
}

const target = process.env.BENCH_TARGET ?? 'noop';
const t = initTRPC.create({ transformer: superjson });
const obj = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

async function buildRouter() {
  if (target === 'noop') {
    return t.router({
      noop: t.procedure.input((v) => obj(v)).mutation(() => ({ ok: true as const })),
    });
  }
  if (target === 'pg') return postgresRouter();
  if (target === 'scan') return scanRouter();
  const file = process.env.BENCH_LOWDB_FILE;
  if (!file) throw new Error('BENCH_LOWDB_FILE is required');
  const db = await JSONFilePreset<{ posts: Post[] }>(file, { posts: [] });
  let nextId = db.data.posts.reduce((max, p) => Math.max(max, p.id), 0) + 1;
  return t.router({
    post: t.router({
      create: t.procedure
        .input((v) => ({ content: String(obj(v).content ?? ''), authorId: String(obj(v).authorId ?? 'anon') }))
        .mutation(async ({ input }) => {
          const post: Post = { id: nextId++, content: input.content, authorId: input.authorId, createdAt: new Date().toISOString() };
          await db.update(({ posts }) => posts.push(post));
          return post;
        }),
      get: t.procedure
        .input((v) => ({ id: Number(obj(v).id) }))
        .query(({ input }) => {
          const post = db.data.posts.find((p) => p.id === input.id);
          if (!post) throw new TRPCError({ code: 'NOT_FOUND', message: `no post ${input.id}` });
          return post;
        }),
      list: t.procedure.input((v) => ({ limit: Number(obj(v).limit ?? 20) })).query(({ input }) => db.data.posts.slice(-input.limit).reverse()),
    }),
  });
}

async function postgresRouter() {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('BENCH_DATABASE_URL is required');
  const sql = postgres(url, { max: 10, onnotice: () => {}, connection: { synchronous_commit: 'on' } });
  await sql`create table if not exists bench_posts (id bigint generated always as identity primary key, author_id text not null, content text not null, created_at bigint not null)`;
  const [count] = await sql<{ n: number }[]>`select count(*)::int as n from bench_posts`;
  if (count?.n === 0 && (await sql`select to_regclass('tweets') as t`)[0]!.t) {
    await sql`insert into bench_posts (author_id, content, created_at) select author_id, content, created_at from tweets order by created_at, id`;
    await sql`analyze bench_posts`;
  }
  type Row = { id: string; author_id: string; content: string; created_at: string };
  const post = (r: Row): Post => ({ id: Number(r.id), content: r.content, authorId: r.author_id, createdAt: new Date(Number(r.created_at)).toISOString() });
  return t.router({
    post: t.router({
      create: t.procedure
        .input((v) => ({ content: String(obj(v).content ?? ''), authorId: String(obj(v).authorId ?? 'anon') }))
        .mutation(async ({ input }) => {
          const [row] = await sql<Row[]>`insert into bench_posts (author_id, content, created_at) values (${input.authorId}, ${input.content}, ${Date.now()}) returning *`;
          return post(row!);
        }),
      get: t.procedure
        .input((v) => ({ id: Number(obj(v).id) }))
        .query(async ({ input }) => {
          const [row] = await sql<Row[]>`select * from bench_posts where id = ${input.id}`;
          if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `no post ${input.id}` });
          return post(row);
        }),
    }),
  });
}

async function scanRouter() {
  const file = process.env.BENCH_SCAN_TEXTS;
  if (!file) throw new Error('BENCH_SCAN_TEXTS is required');
  const texts = await readTexts(file);
  return t.router({
    search: t.procedure
      .input((v) => ({ q: String(obj(v).q ?? ''), limit: Number(obj(v).limit ?? 20) }))
      .query(({ input }) => {
        try {
          const { items, scanned } = scanLatest(texts, input.q, input.limit);
          return { items: items.map((x) => x.tweet), scanned, of: texts.length };
        } catch (err) {
          throw err instanceof InvalidInput ? new TRPCError({ code: 'BAD_REQUEST', message: err.message }) : err;
        }
      }),
  });
}

/** The scan target's router: the orchestrator asks it for a query's first page (main.ts). */
export type ScanRouter = Awaited<ReturnType<typeof scanRouter>>;

const router = await buildRouter();
const trpcHandler = createHTTPHandler({ router, basePath: '/trpc/', maxBodySize: 1024 * 1024 });
const server = http.createServer((req, res) => {
  if ((req.url ?? '/').startsWith('/trpc/')) return trpcHandler(req, res);
  res.writeHead(404).end();
});
server.keepAliveTimeout = 5_000;
const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
applyWSSHandler({ wss, router, keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 } });
server.on('upgrade', (req, socket, head) => {
  if ((req.url ?? '/').split('?', 1)[0] !== '/trpc') return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
server.listen(0, '127.0.0.1', () => {
  console.log(`${target} listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => process.exit(0));

// Two tRPC baselines on one tiny server, set up like apps/server (standalone HTTP adapter at /trpc/, the ws
// adapter on upgrade, superjson, the same keep-alive), chosen by BENCH_TARGET:
//   noop  - `noop` mutation that does nothing: the framework limit.
//   lowdb - a naive lowdb 7 handler: JSONFilePreset(BENCH_LOWDB_FILE), `db.update` per write, linear find.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { initTRPC, TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { JSONFilePreset } from 'lowdb/node';
import superjson from 'superjson';
import { WebSocketServer } from 'ws';

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

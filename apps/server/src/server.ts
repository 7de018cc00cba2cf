// The composition root: opens the engines the settings choose (engines.ts), builds telemetry and the API once, and
// serves them on one HTTP + WebSocket port.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { appRouter, createContext, createLimits, createTelemetry, DirectLanes, SharedChanges, viewerIdOf, WakeQueue, type ApiDeps } from '@tweetstore/api';
import { systemClock, warmUpContentRules, type Clock } from '@tweetstore/core';
import type { TweetStore } from '@tweetstore/store';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { TRPCError } from '@trpc/server';
import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import { WebSocketServer } from 'ws';
import { clientAddressOf } from './client-address.ts';
import type { ServerConfig } from './config.ts';
import { requestToken, sessionCookieWriter } from './cookies.ts';
import { openEngines } from './engines.ts';
import { readJsonBody } from './json-body.ts';
import { createMediaHandler, isMediaPath, sweepMedia } from './media.ts';
import { errorResponse, retryAfterHeader, sendError } from './trpc-errors.ts';
import { TurnQueue } from './turns.ts';
import { createUploadHandler } from './upload.ts';
import { webClient } from './web-client.ts';
import { broadcastReconnect, guardedConnectionHandler } from './ws-guard.ts';

export const VERSION = '0.1.0';

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  store: TweetStore;
  /** Drain in-flight calls, tell WebSocket clients to reconnect, flush the store and close. Idempotent. */
  shutdown(reason?: string): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}


/**
 * `open`: what opens the engines the settings name (engines.ts); the benchmark's insert-only server
 * (packages/bench/src/targets/tweetstore-insert-only.ts) wraps it, everything else uses it as it is.
 */
export async function startServer(config: ServerConfig, log: Logger, clock: Clock = systemClock, open: typeof openEngines = openEngines): Promise<RunningServer> {
  const engines = await open(config, clock, log);
  const { store, blobs } = engines;
  warmUpContentRules(); // ~70 ms now instead of 12-50 ms in each of the first requests with a URL or a long text
  let wss: WebSocketServer | undefined;
  const telemetry = createTelemetry({
    store,
    clock,
    webSockets: () => wss?.clients.size ?? 0,
    board: engines.board,
    onPublishError: (err) => log.debug({ err }, "the instances' board (figures of every instance) failed; tried again in a second"),
  });
  new Gauge({
    name: 'tweetstore_limits_in_memory',
    help: "1 while the rate limits count in this process's memory because their shared store (Redis) fails",
    registers: [telemetry.registry],
    collect() {
      this.set(engines.limiterStore.inMemoryForNow ? 1 : 0);
    },
  });
  const deps: ApiDeps = {
    store,
    blobs,
    mediaLimits: config.mediaLimits,
    mediaLocks: engines.mediaLocks,
    clock,
    telemetry,
    limits: createLimits(engines.limiterStore, config.limits),
    config: { sessionTtlMs: config.sessionTtlMs, version: VERSION, statsIntervalMs: 1000 },
    sharedChanges: new SharedChanges(store),
    wakes: new WakeQueue(),
    lanes: new DirectLanes(),
  };
  const onError = ({ error, path }: { error: { code: string; message: string; cause?: unknown }; path?: string }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error.cause ?? error, path }, 'procedure failed');
    else log.debug({ code: error.code, path, msg: error.message }, 'client error');
  };

  const addressOf = clientAddressOf(config.trustedProxies);
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
  const httpContext = (req: http.IncomingMessage, res: http.ServerResponse) =>
    createContext(deps, { token: requestToken(req), cookies: sessionCookieWriter(res, config.cookieSecure), clientAddress: addressOf(req) });
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: config.maxBodyBytes,
    maxBatchSize: config.maxBatch,
    createContext: ({ req, res }) => httpContext(req, res),
    responseMeta: ({ errors }) => ({ headers: retryAfterHeader(errors) }),
    onError,
  });
  /** A tRPC call over HTTP: its path and body checked before tRPC parses them (json-body.ts). */
  const serveCall = async (req: http.IncomingMessage, res: http.ServerResponse, pathname: string) => {
    let paths: string[];
    try {
      paths = decodeURIComponent(pathname.slice('/trpc/'.length)).split(',');
    } catch {
      return sendError(res, new TRPCError({ code: 'BAD_REQUEST', message: 'the procedure path is not valid percent-encoding' }));
    }
    // subscriptions are served over WebSocket only (tRPC would answer a 200 event stream carrying the error)
    const subscription = paths.find((p) => Object.hasOwn(procedures, p) && procedures[p]!._def.type === 'subscription');
    if (subscription) return sendError(res, new TRPCError({ code: 'METHOD_NOT_SUPPORTED', message: `${subscription} is a subscription: subscribe over WebSocket at /trpc` }), subscription, 'subscription');
    if (req.method === 'POST') {
      try {
        (req as http.IncomingMessage & { body?: string }).body = await readJsonBody(req, config.maxBodyBytes);
      } catch (cause) {
        const error = cause instanceof TRPCError ? cause : new TRPCError({ code: 'BAD_REQUEST', message: 'the request body could not be read', cause });
        if (!req.complete) res.setHeader('connection', 'close');
        return sendError(res, error);
      }
    }
    return trpcHandler(req, res);
  };
  // Uploads alone may be large, and are read as they arrive (upload.ts).
  const uploadHandler = createUploadHandler({ limit: Math.max(config.mediaLimits.imageBytes, config.mediaLimits.videoBytes), createContext: httpContext, onError });
  const serveMedia = createMediaHandler(store, blobs, log, (req) => viewerIdOf({ store, token: requestToken(req) }));

  const web = webClient(config.webDir, log);

  let ready = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;
  // pipelined requests of one connection are started a turn apart (turns.ts): a tRPC call over HTTP costs ~0.5-1 ms,
  // and no browser or HTTP client of ours pipelines, so one a turn costs an ordinary client nothing
  const turnsOf = new WeakMap<Socket, TurnQueue>();
  const server = http.createServer((req, res) => {
    let turns = turnsOf.get(req.socket);
    if (!turns) turnsOf.set(req.socket, (turns = new TurnQueue(() => req.socket.pause(), () => req.socket.resume(), 1)));
    turns.run(() => {
      if (!res.destroyed) handle(req, res); // a client gone while its request waited has nothing to be answered
    });
  });
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight++;
    res.on('close', () => {
      inFlight--;
      if (inFlight === 0) drained?.();
    });
    const url = req.url ?? '/';
    const pathname = url.split('?', 1)[0]!;
    if (pathname.startsWith('/trpc/')) {
      if (!ready) return sendJson(res, 503, { error: 'shutting down' });
      if (pathname === '/trpc/media.upload' && req.method === 'POST') {
        return void uploadHandler(req, res).catch((err: unknown) => {
          log.error({ err }, 'upload failed');
          if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        });
      }
      return void serveCall(req, res, pathname).catch((err: unknown) => {
        log.error({ err }, 'call failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' });
    if (isMediaPath(pathname)) {
      return void serveMedia(req, res, pathname).catch((err: unknown) => {
        log.error({ err, pathname }, 'media request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    }
    switch (pathname) {
      case '/healthz':
        return sendJson(res, 200, { ok: true });
      case '/readyz':
        if (!ready) return sendJson(res, 503, { ok: false });
        return void Promise.all([store.events.head(), store.writable()]).then(
          ([headSeq, writable]) => sendJson(res, 200, { ok: true, headSeq, writable }),
          (err: unknown) => {
            log.error({ err }, 'readiness check failed');
            sendJson(res, 503, { ok: false });
          },
        );
      case '/metrics':
        return void telemetry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': telemetry.registry.contentType }).end(text),
          (err) => {
            log.error({ err }, 'metrics failed');
            sendJson(res, 500, { error: 'metrics failed' });
          },
        );
      default:
        if (!web) {
          return res
            .writeHead(pathname === '/' ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' })
            .end(`tweetstore ${VERSION}\ntRPC over HTTP and WebSocket at /trpc; /healthz /readyz /metrics\nThe web client is not built: npm run build -w @tweetstore/web\n`);
        }
        return web(req, res, () => sendJson(res, 404, { error: 'not found' }));
    }
  };
  server.keepAliveTimeout = 5_000;
  // Requests Node's parser refuses (headers over 16 KB, which a long GET batch reaches, or malformed HTTP) get a
  // typed answer too, not a bare status line.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return void socket.destroy();
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const message = tooLarge ? 'the request headers are over 16 KB (a GET carries its input in the URL: send a smaller batch, or POST)' : 'malformed HTTP request';
    const body = JSON.stringify(errorResponse(new TRPCError({ code: 'BAD_REQUEST', message })));
    socket.end(`HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });

  wss = new WebSocketServer({ noServer: true, maxPayload: config.maxBodyBytes });
  const onConnection = guardedConnectionHandler(
    {
      wss,
      router: appRouter,
      keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
      createContext: ({ req, res, info }) => {
        const fromParams = info.connectionParams?.token;
        return createContext(deps, {
          token: typeof fromParams === 'string' && fromParams ? fromParams : requestToken(req),
          clientAddress: addressOf(req),
          socket: res,
        });
      },
      onError,
    },
    { maxBatch: config.maxBatch, maxSubscriptions: config.maxSubscriptions, maxBacklogBytes: config.maxSocketBacklogBytes, encode: deps.lanes.encode, log: log.child({ component: 'ws' }) },
  );
  wss.on('connection', onConnection);
  server.on('upgrade', (req, socket, head) => {
    const pathname = (req.url ?? '/').split('?', 1)[0];
    if (!ready || pathname !== '/trpc') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss!.handleUpgrade(req, socket, head, (ws) => wss!.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  ready = true;
  const { port } = server.address() as AddressInfo;

  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    sweeping = sweepMedia(store, blobs, deps.mediaLocks, clock.now(), log).catch((err: unknown) => log.warn({ err }, 'media sweep failed'));
  };
  sweep();
  const sweeper = setInterval(sweep, config.mediaSweepIntervalMs);
  sweeper.unref();
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let shuttingDown: Promise<void> | undefined;
  async function shutdown(reason = 'shutdown'): Promise<void> {
    shuttingDown ??= (async () => {
      log.info({ reason }, 'shutting down: draining in-flight calls');
      ready = false;
      server.close();
      server.closeIdleConnections();
      // Clients reconnect (to another instance, or to this one after a restart) and resume with lastEventId.
      broadcastReconnect(wss!.clients);
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs).unref()),
        ]);
      }
      server.closeAllConnections();
      for (const client of wss!.clients) client.close(1012, 'server restarting');
      await new Promise<void>((resolve) => wss!.close(() => resolve()));
      telemetry.close();
      clearInterval(sweeper);
      await sweeping;
      await engines.close();
      log.info('stopped: journal flushed and checkpoint written');
    })();
    return shuttingDown;
  }

  return { url, port, dataDir: config.dataDir, store, shutdown };
}

// The composition root: builds the store, telemetry and API once, and serves them on one HTTP + WebSocket port.
import http from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { appRouter, createContext, createLoginLimiter, createTelemetry, encodeMessage, type ApiDeps } from '@tweetstore/api';
import { systemClock, warmUpContentRules, type Clock } from '@tweetstore/core';
import { KeyedLock } from '@tweetstore/media';
import { openDiskBlobStore, openLowdbStore, type TweetStore } from '@tweetstore/store';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler, jsonEncoder } from '@trpc/server/adapters/ws';
import type { Logger } from 'pino';
import sirv from 'sirv';
import { WebSocketServer } from 'ws';
import type { ServerConfig } from './config.ts';
import { requestToken, sessionCookieWriter } from './cookies.ts';
import { createMediaHandler, isMediaPath, sweepMedia } from './media.ts';
import { createUploadHandler } from './upload.ts';

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


export async function startServer(config: ServerConfig, log: Logger, clock: Clock = systemClock): Promise<RunningServer> {
  const store = await openLowdbStore({
    dataDir: config.dataDir,
    clock,
    policy: config.editPolicy,
    checkpointEveryEvents: config.checkpointEveryEvents,
    logger: log.child({ component: 'store' }),
  });
  const blobs = await openDiskBlobStore({ root: path.join(config.dataDir, 'media') });
  warmUpContentRules(); // ~70 ms now instead of 12-50 ms in each of the first requests with a URL or a long text
  let wss: WebSocketServer | undefined;
  const telemetry = createTelemetry({ store, clock, webSockets: () => wss?.clients.size ?? 0 });
  const deps: ApiDeps = {
    store,
    blobs,
    mediaLimits: config.mediaLimits,
    mediaLocks: new KeyedLock(),
    clock,
    telemetry,
    loginLimiter: createLoginLimiter({ failuresPerUser: config.loginMaxFailures, failuresPerAddress: config.loginMaxFailures * 5, windowMs: 15 * 60_000 }),
    config: { sessionTtlMs: config.sessionTtlMs, version: VERSION, statsIntervalMs: 1000 },
  };
  const onError = ({ error, path }: { error: { code: string; message: string; cause?: unknown }; path?: string }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error.cause ?? error, path }, 'procedure failed');
    else log.debug({ code: error.code, path, msg: error.message }, 'client error');
  };

  const httpContext = (req: http.IncomingMessage, res: http.ServerResponse) =>
    createContext(deps, { token: requestToken(req), cookies: sessionCookieWriter(res, config.cookieSecure), clientAddress: req.socket.remoteAddress ?? null });
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: config.maxBodyBytes,
    createContext: ({ req, res }) => httpContext(req, res),
    onError,
  });
  // Uploads alone may be large, and are read as they arrive (upload.ts).
  const uploadHandler = createUploadHandler({ limit: Math.max(config.mediaLimits.imageBytes, config.mediaLimits.videoBytes), createContext: httpContext, onError });
  const serveMedia = createMediaHandler(store, blobs, log);

  // The built web client: hashed assets are immutable, index.html is revalidated, unknown paths get the app
  // (client-side routes), and .br/.gz files written at build time are sent to browsers that accept them.
  const webBuilt = existsSync(path.join(config.webDir, 'index.html'));
  if (!webBuilt) log.warn({ webDir: config.webDir }, 'web client not built: run `npm run build -w @tweetstore/web` (npm start does)');
  // sirv scans its folder at creation, so without a build there is nothing to mount: the API still serves
  const web = webBuilt
    ? sirv(config.webDir, {
        single: true,
        etag: true,
        gzip: true,
        brotli: true,
        setHeaders(res, pathname) {
          res.setHeader('X-Content-Type-Options', 'nosniff');
          res.setHeader('Cache-Control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      })
    : null;

  let ready = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;
  const server = http.createServer((req, res) => {
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
      return trpcHandler(req, res);
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
        return ready ? sendJson(res, 200, { ok: true, headSeq: store.headSeq(), writable: store.writable() }) : sendJson(res, 503, { ok: false });
      case '/metrics':
        return void telemetry.registry.metrics().then(
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
  });
  server.keepAliveTimeout = 5_000;

  wss = new WebSocketServer({ noServer: true, maxPayload: config.maxBodyBytes });
  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    // JSON as tRPC's default encoder writes it, but an event's text is made once for all its subscribers
    experimental_encoder: { encode: encodeMessage, decode: jsonEncoder.decode },
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    createContext: ({ req, res, info }) => {
      const fromParams = info.connectionParams?.token;
      return createContext(deps, {
        token: typeof fromParams === 'string' && fromParams ? fromParams : requestToken(req),
        clientAddress: req.socket.remoteAddress ?? null,
        socket: res,
      });
    },
    onError,
  });
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
      wsHandler.broadcastReconnectNotification();
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
      await store.close();
      await blobs.close();
      log.info('stopped: journal flushed and checkpoint written');
    })();
    return shuttingDown;
  }

  return { url, port, dataDir: config.dataDir, store, shutdown };
}

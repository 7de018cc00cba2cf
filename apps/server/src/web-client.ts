// The built web client: hashed assets are immutable, index.html is revalidated, unknown paths get the app (client-side
// routes), and .br/.gz files written at build time are sent to browsers that accept them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import sirv, { type RequestHandler } from 'sirv';

/** Serves `webDir`, or null when the client is not built there (the API still serves). */
export function webClient(webDir: string, log: Logger): RequestHandler | null {
  if (!existsSync(path.join(webDir, 'index.html'))) {
    log.warn({ webDir }, 'web client not built: run `npm run build -w @tweetstore/web` (npm start does)');
    return null; // sirv scans its folder at creation, so without a build there is nothing to mount
  }
  return sirv(webDir, {
    single: true,
    etag: true,
    gzip: true,
    brotli: true,
    setHeaders(res, pathname) {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cache-Control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}

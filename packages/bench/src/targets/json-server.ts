// Baseline "a real peer": json-server 0.17.4 used as its README shows (create, defaults, router over a db.json
// file; lowdb 1's FileSync writes the whole file on every write), on 127.0.0.1 and a free port.
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

const require = createRequire(import.meta.url);
// json-server 0.17 is CommonJS and ships no types.
const jsonServer = require('json-server') as {
  create(): { use(h: unknown): void; listen(port: number, host: string, cb: () => void): { address(): AddressInfo | string | null } };
  router(file: string): unknown;
  defaults(opts: { logger: boolean }): unknown;
};

const file = process.env.BENCH_DB_FILE;
if (!file) throw new Error('BENCH_DB_FILE is required');
const app = jsonServer.create();
app.use(jsonServer.defaults({ logger: false }));
app.use(jsonServer.router(file));
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`json-server listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => process.exit(0));

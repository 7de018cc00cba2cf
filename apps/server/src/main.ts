// `npm start`: read the configuration, start the server in the foreground, stop cleanly on SIGTERM/SIGINT.
import v8 from 'node:v8';
import pino from 'pino';
import { ConfigError, loadConfig } from './config.ts';
import { startServer } from './server.ts';

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

// Read by V8 each time a full GC sets the next heap limit, so setting it now (before the store loads) is as good as
// the command-line flag, and works however the server is started (npm start, the Docker image, the bench).
if (config.heapGrowthPercent > 0) v8.setFlagsFromString(`--heap-growing-percent=${config.heapGrowthPercent}`);

const log = pino({ level: config.logLevel, base: { service: 'tweetstore' } });
const running = await startServer(config, log).catch((err: unknown) => {
  log.fatal({ err }, 'could not start');
  process.exit(1);
});

const dataIn = config.store === 'lowdb' ? running.dataDir : `PostgreSQL ${withoutPassword(config.databaseUrl!)}`;
log.info({ url: running.url, instance: config.instanceId, dataIn }, 'listening');
console.log(`tweetstore listening on ${running.url}  (tRPC at ${running.url}/trpc, data in ${dataIn})`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    running.shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        log.fatal({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

/** A URL as it may be shown: without its password. */
function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

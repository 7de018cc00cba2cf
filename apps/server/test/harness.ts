// Starts the real server as a child process on a free port, with its own data folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { closeClient, type TweetstoreClient } from '@tweetstore/client';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface ServerProcess {
  url: string;
  dataDir: string;
  process: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export async function tempDataDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tweetstore-e2e-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Limits stay on (their code runs in every test), but far above what one test sends: every simulated user of a test
 * comes from 127.0.0.1, and some tests write thousands of times as one account. Tests of the limits set their own.
 */
export const ROOMY_LIMITS = {
  TWEETSTORE_LIMIT_CALLS: '1000000/5m',
  TWEETSTORE_LIMIT_REGISTER: '100000/1h',
  TWEETSTORE_LIMIT_WRITES: '1000000/5m',
  TWEETSTORE_LIMIT_ENGAGE: '1000000/5m',
  TWEETSTORE_LIMIT_UPLOADS: '100000/5m',
  TWEETSTORE_LIMIT_UPLOADS_AT_ONCE: '100',
};

export function startServerProcess(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', TWEETSTORE_DATA_DIR: dataDir, ...ROOMY_LIMITS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
        resolve({
          url: match[1]!,
          dataDir,
          process: child,
          output: () => out,
          exited,
          async kill(signal = 'SIGTERM') {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${out}`)));
  });
}

/**
 * One server for the tests of a describe block: started before them, stopped after them (it must exit 0 on SIGTERM),
 * with the clients put in `clients` closed first.
 */
export function serverForTests(env: Record<string, string> = {}): { readonly url: string; clients: TweetstoreClient[] } {
  let running: ServerProcess | undefined;
  let remove: (() => Promise<void>) | undefined;
  const clients: TweetstoreClient[] = [];
  beforeAll(async () => {
    const data = await tempDataDir();
    remove = data.remove;
    running = await startServerProcess(data.dir, env);
  });
  afterAll(async () => {
    await Promise.all(clients.map(closeClient));
    expect(await running!.kill('SIGTERM')).toBe(0);
    await remove!();
  });
  return {
    get url() {
      return running!.url;
    },
    clients,
  };
}

/** For subscribe(..., { onStarted }): resolves once the server has started the subscription, which pins where
 * its stream begins (everything after that moment is delivered). */
export function startSignal(): { started: Promise<void>; onStarted: () => void } {
  let onStarted!: () => void;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  return { started, onStarted };
}

export interface LogLine {
  level: number;
  msg: string;
  component?: string;
  [field: string]: unknown;
}

/** The server's JSON log lines (pino levels: 30 info, 40 warn, 50 error, 60 fatal) at `minLevel` and above. */
export function logLines(output: string, minLevel = 30): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine)
    .filter((line) => line.level >= minLevel);
}

type Tweet = Awaited<ReturnType<TweetstoreClient['tweet']['get']['query']>>;

/** Every tweet the timeline lists, newest first, page after page. */
export async function allTweets(api: TweetstoreClient): Promise<Tweet[]> {
  const items: Tweet[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Tweet[]; nextCursor: string | null } = await api.tweet.list.query({ limit: 100, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

// `tweetstore`: the command-line face of the typed client.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isTRPCClientError } from '@trpc/client';
import { closeClient, createClient, type TweetstoreClient } from './client.ts';
import { phaseProgress } from './progress.ts';
import { formatDetails, formatDiff, formatMedia, formatPage, formatStats, formatThread, formatTrends, formatTweet, formatVersion } from './format.ts';

const HELP = `tweetstore — command-line client for a tweetstore server

usage: tweetstore <command> [args] [--url URL] [--json]

  register <username> [--password P] [--display-name N]   create an account and sign in
  login <username> [--password P]                         sign in (session saved for later commands)
  logout | whoami
  post <text> [--media FILE|ID]... [--reply-to ID] [--draft] [--key IDEMPOTENCY_KEY]
                                                          up to 4 images or one video: files are uploaded first
  upload <file> [--alt TEXT]                              upload an image or video; prints its media id
  get <id>
  list [--author USER_ID] [--replies-to ID] [--tag TAG] [--limit N] [--cursor C] [--archived]
  search <query> [--top] [--limit N] [--cursor C]        words, "a phrase", #tag, @user, from:user, -excluded
  trends [--limit N]                                      the hashtags and the tweets moving fastest now
  thread <id> [--limit N] [--cursor C]                    its ancestors (root first), the tweet, its replies (oldest first)
  edit <id> <text> [--media FILE|ID]... [--no-media] [--expected-version N]
  history <id>                                            every version, oldest first
  diff <id> <from> <to>
  revert <id> <version> [--expected-version N]
  publish <id> | archive <id> | restore <id>
  like|unlike|retweet|unretweet|view <id>
  tail [--author USER_ID] [--engagement ID,ID...] [--from EVENT_ID]   live events (Ctrl-C stops)
  stats [--watch]                                         server stats (live with --watch; Ctrl-C stops)
  seed --data-dir DIR --tweets N --edits M --users U [--seed S]
  compact --data-dir DIR                                  checkpoint and drop covered journal segments (server stopped)
  migrate --from DIR                                      copy a data folder into PostgreSQL + S3, verified (tweetstore migrate --help)
                                  fill a data folder offline (server stopped) with realistic data; Ctrl-C cancels

environment: TWEETSTORE_URL (default http://127.0.0.1:3000), TWEETSTORE_TOKEN (overrides the saved session),
TWEETSTORE_PASSWORD (instead of --password), TWEETSTORE_SESSION_FILE (default ~/.config/tweetstore/session.json)`;

const MIGRATE_HELP = `tweetstore migrate --from <data folder>

Copies an embedded data folder (the server's TWEETSTORE_DATA_DIR, server stopped) into the engines the server's
settings name, so the same settings then start any number of instances on it:

  TWEETSTORE_DATABASE_URL   the PostgreSQL database (required); its schema is created; it must hold no store yet
  TWEETSTORE_BLOB_STORE     s3 (with TWEETSTORE_S3_BUCKET, TWEETSTORE_S3_ENDPOINT, TWEETSTORE_S3_REGION,
                            AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or disk (then TWEETSTORE_DATA_DIR/media)

Phases, each with a progress bar on stderr (a line per phase when stderr is not a terminal):
  import   the folder's users, sessions, media records and tweets (every version, like, retweet, view, idempotency
           key) written into PostgreSQL in one transaction; the store keeps its id and its event stream continues
           after the folder's last event (clients resuming from it miss nothing; from before it they reload)
  media    every media file copied to the target blob store, its content checked; files already there are skipped
  verify   every user, session, media object and tweet read through both stores and compared; every media file
           read back from the target

Nothing is committed to the database until the media are copied: Ctrl-C (or a failure) before then leaves it as it
was (media files copied stay; a rerun skips them). A folder a running server holds is refused. Exit 0 when the copy
shows 0 differences, 1 otherwise (the first differences listed), 2 for bad settings.`;

/** The arguments, or a usage error (exit 2) in words instead of a stack trace. */
function parseCommandLine() {
  try {
    return parseArgs({ allowPositionals: true, options: OPTIONS });
  } catch (error) {
    const hint = (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? ' (a search that starts with "-" goes after "--": tweetstore search -- "-spam")' : '';
    console.error(`tweetstore: ${(error as Error).message.split('\n')[0]}${hint}\n\n${HELP}`);
    process.exit(2);
  }
}

const OPTIONS = {
    url: { type: 'string' },
    json: { type: 'boolean', default: false },
    password: { type: 'string' },
    'display-name': { type: 'string' },
    'reply-to': { type: 'string' },
    draft: { type: 'boolean', default: false },
    key: { type: 'string' },
    author: { type: 'string' },
    'replies-to': { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
    archived: { type: 'boolean', default: false },
    tag: { type: 'string' },
    top: { type: 'boolean', default: false },
    'expected-version': { type: 'string' },
    engagement: { type: 'string' },
    from: { type: 'string' },
    watch: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    'data-dir': { type: 'string' },
    tweets: { type: 'string' },
    edits: { type: 'string' },
    users: { type: 'string' },
    seed: { type: 'string' },
    media: { type: 'string', multiple: true },
    'no-media': { type: 'boolean', default: false },
    alt: { type: 'string' },
} as const;
const { values: flags, positionals } = parseCommandLine();

const url = flags.url ?? process.env.TWEETSTORE_URL ?? 'http://127.0.0.1:3000';
const sessionFile = process.env.TWEETSTORE_SESSION_FILE ?? path.join(homedir(), '.config', 'tweetstore', 'session.json');

async function savedToken(): Promise<string | null> {
  if (process.env.TWEETSTORE_TOKEN) return process.env.TWEETSTORE_TOKEN;
  try {
    const saved = JSON.parse(await readFile(sessionFile, 'utf8')) as { url?: string; token?: string };
    return saved.url === url ? (saved.token ?? null) : null;
  } catch {
    return null;
  }
}

async function saveToken(token: string): Promise<void> {
  await mkdir(path.dirname(sessionFile), { recursive: true });
  await writeFile(sessionFile, JSON.stringify({ url, token }), { mode: 0o600 });
}

function print(value: unknown, text: string) {
  console.log(flags.json ? JSON.stringify(value, null, 2) : text);
}

function need(index: number, name: string): string {
  const value = positionals[index];
  if (value === undefined) throw new UsageError(`missing <${name}>`);
  return value;
}

function int(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${name} must be a whole number`);
  return Number(value);
}

class UsageError extends Error {}

/** Commands that work on a data folder, not through a server. */
const offline = new Set(['seed', 'compact', 'migrate']);

const MEDIA_ID = /^[0-9a-f]{64}$/;

/** A file's bytes as the upload form (the server sniffs the type from the bytes, not the name). */
async function uploadFile(api: TweetstoreClient, file: string, alt?: string) {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(bytes)]), path.basename(file));
  if (alt !== undefined) form.set('alt', alt);
  return api.media.upload.mutate(form);
}

/** --media values: media ids as they are, files uploaded (in order); undefined when none were given. */
async function mediaIds(api: TweetstoreClient): Promise<string[] | undefined> {
  if (flags['no-media']) return [];
  if (!flags.media) return undefined;
  const ids: string[] = [];
  for (const m of flags.media) ids.push(MEDIA_ID.test(m) ? m : (await uploadFile(api, m)).id);
  return ids;
}

function password(): string {
  const p = flags.password ?? process.env.TWEETSTORE_PASSWORD;
  if (!p) throw new UsageError('give the password with --password or TWEETSTORE_PASSWORD');
  return p;
}

/** Run until Ctrl-C, then resolve. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => process.once('SIGINT', () => resolve()));
}

/** Tell the user how to stop, once the server has started the live stream. */
const announceLive = () => console.error('(live; Ctrl-C to stop)');

async function run(api: TweetstoreClient, command: string): Promise<void> {
  switch (command) {
    case 'register': {
      const r = await api.auth.register.mutate({ username: need(1, 'username'), password: password(), displayName: flags['display-name'] });
      await saveToken(r.token);
      return print(r, `registered and signed in as @${r.user.username} (${r.user.id})`);
    }
    case 'login': {
      const r = await api.auth.login.mutate({ username: need(1, 'username'), password: password() });
      await saveToken(r.token);
      return print(r, `signed in as @${r.user.username}`);
    }
    case 'logout': {
      const r = await api.auth.logout.mutate();
      await rm(sessionFile, { force: true });
      return print(r, 'signed out');
    }
    case 'whoami': {
      const me = await api.auth.me.query();
      return print(me, me ? `@${me.username} (${me.id})` : 'not signed in');
    }
    case 'post': {
      const content = need(1, 'text');
      const t = await api.tweet.create.mutate({
        content,
        mediaIds: await mediaIds(api),
        replyToId: flags['reply-to'],
        draft: flags.draft || undefined,
        idempotencyKey: flags.key,
      });
      return print(t, formatTweet(t));
    }
    case 'upload': {
      const m = await uploadFile(api, need(1, 'file'), flags.alt);
      return print(m, formatMedia(m));
    }
    case 'get': {
      const t = await api.tweet.get.query({ id: need(1, 'id') });
      return print(t, formatTweet(t));
    }
    case 'list': {
      const page = await api.tweet.list.query({
        authorId: flags.author,
        replyToId: flags['replies-to'],
        limit: int(flags.limit, '--limit'),
        cursor: flags.cursor,
        includeArchived: flags.archived || undefined,
        hashtag: flags.tag,
      });
      return print(page, formatPage(page));
    }
    case 'search': {
      const sort = flags.top ? 'top' : 'latest';
      const page = await api.tweet.search.query({ q: need(1, 'query'), sort, limit: int(flags.limit, '--limit'), cursor: flags.cursor });
      return print(page, formatPage(page, `no published tweet matches (sort: ${sort})`));
    }
    case 'trends': {
      const limit = int(flags.limit, '--limit');
      const [hashtags, tweets] = await Promise.all([api.trends.hashtags.query({ limit }), api.trends.tweets.query({ limit })]);
      return print({ hashtags: hashtags.items, tweets: tweets.items }, formatTrends(hashtags.items, tweets.items));
    }
    case 'thread': {
      const t = await api.tweet.thread.query({ id: need(1, 'id'), limit: int(flags.limit, '--limit'), cursor: flags.cursor });
      return print(t, formatThread(t));
    }
    case 'edit': {
      const [id, content] = [need(1, 'id'), need(2, 'text')];
      const t = await api.tweet.edit.mutate({ id, content, mediaIds: await mediaIds(api), expectedVersion: int(flags['expected-version'], '--expected-version') });
      return print(t, formatTweet(t));
    }
    case 'history': {
      const r = await api.tweet.versions.query({ id: need(1, 'id') });
      return print(r, r.items.map(formatVersion).join('\n'));
    }
    case 'diff': {
      const d = await api.tweet.diff.query({ id: need(1, 'id'), from: int(need(2, 'from'), '<from>')!, to: int(need(3, 'to'), '<to>')! });
      return print(d, formatDiff(d));
    }
    case 'revert': {
      const t = await api.tweet.revert.mutate({ id: need(1, 'id'), toVersion: int(need(2, 'version'), '<version>')!, expectedVersion: int(flags['expected-version'], '--expected-version') });
      return print(t, formatTweet(t));
    }
    case 'publish':
    case 'archive':
    case 'restore': {
      const t = await api.tweet[command].mutate({ id: need(1, 'id') });
      return print(t, formatTweet(t));
    }
    case 'like':
    case 'unlike':
    case 'retweet':
    case 'unretweet':
    case 'view': {
      const e = await api.tweet.engage.mutate({ id: need(1, 'id'), action: command });
      return print(e, `likes ${e.likes} · retweets ${e.retweets} · replies ${e.replies} · views ${e.views}`);
    }
    case 'tail': {
      const subs = [
        api.tweet.onChange.subscribe(
          { authorId: flags.author, lastEventId: flags.from },
          {
            onStarted: announceLive,
            onData: ({ id, data }) => print({ id, ...data }, data.type === 'reset' ? `[${id}] reset: reload` : data.tweet ? `[${id}] ${data.type}\n${formatTweet(data.tweet)}\n` : `[${id}] ${data.type} ${data.id}\n`),
            onError: (err) => console.error(`onChange: ${err.message}`),
          },
        ),
      ];
      if (flags.engagement) {
        subs.push(
          api.tweet.onEngagement.subscribe(
            { ids: flags.engagement.split(','), lastEventId: flags.from },
            {
              onData: ({ id, data }) =>
                print({ id, ...data }, data.type === 'reset' ? `[${id}] reset` : `[${id}] ${data.id}: likes ${data.engagement.likes} · retweets ${data.engagement.retweets} · replies ${data.engagement.replies} · views ${data.engagement.views}`),
              onError: (err) => console.error(`onEngagement: ${err.message}`),
            },
          ),
        );
      }
      await untilInterrupted();
      subs.forEach((s) => s.unsubscribe());
      return;
    }
    case 'stats': {
      if (!flags.watch) {
        const s = await api.system.stats.query();
        return print(s, formatStats(s));
      }
      const sub = api.system.onStats.subscribe(undefined, {
        onStarted: announceLive,
        onData: (s) => print(s, `\n${formatStats(s)}`),
        onError: (err) => console.error(`onStats: ${err.message}`),
      });
      await untilInterrupted();
      sub.unsubscribe();
      return;
    }
    case 'seed':
      return seed();
    case 'compact':
      return compact();
    case 'migrate':
      return migrate();
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

/** Offline: checkpoint the data folder and drop what the checkpoint covers (keeping the retention rule). */
async function compact(): Promise<void> {
  const dataDir = flags['data-dir'];
  if (!dataDir) throw new UsageError('give the data folder with --data-dir');
  const { compactStore } = await import('@tweetstore/store-lowdb');
  const { before, after } = await compactStore(dataDir);
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  const line = (label: string, s: typeof before) =>
    `${label.padEnd(7)} journal ${s.journalSegments} segment(s), ${mb(s.journalBytes)}; checkpoints ${s.checkpoints}, ${mb(s.checkpointBytes)}`;
  print({ before, after }, `${line('before', before)}
${line('after', after)}`);
}

/** `migrate --from DIR`: the server's migration (loaded only for this command), its progress drawn here. */
async function migrate(): Promise<void> {
  const from = flags.from;
  if (!from) throw new UsageError('give the data folder to migrate with --from');
  const { ConfigError, loadConfig, migrateFolder } = await import('@tweetstore/server/migrate');
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`tweetstore: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  if (!config.databaseUrl) throw new UsageError('set TWEETSTORE_DATABASE_URL to the PostgreSQL database to migrate into');
  const target = `PostgreSQL ${shownUrl(config.databaseUrl)} and ${config.blobs.engine === 's3' ? `S3 bucket ${config.blobs.bucket}` : `${config.dataDir}/media`}`;
  console.error(`migrating ${path.resolve(from)} into ${target}`);
  console.error('Ctrl-C cancels: nothing is committed to the database until the media are copied (media files copied so far stay; a rerun skips them)');
  const cancel = new AbortController();
  process.once('SIGINT', () => cancel.abort());
  const bars = phaseProgress();
  const started = performance.now();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let report;
  let phase = '';
  try {
    report = await migrateFolder({ from, config, signal: cancel.signal, onProgress: (p) => (bars.update(p.phase, p.step, p.done, p.total), (phase = p.phase)) });
  } catch (error) {
    bars.stop();
    if (cancel.signal.aborted && phase === 'verify') throw new Error('cancelled while verifying: the copy is committed but not verified (drop the database to start again)', { cause: error });
    if (cancel.signal.aborted) throw new Error('cancelled: the database is as it was (media files copied so far stay)', { cause: error });
    throw error;
  }
  bars.stop();
  loop.disable();
  const { imported: i, media, verified, seconds, differenceCount } = report;
  const s = (n: number) => n.toFixed(1);
  print(report, [
    `migrated ${path.resolve(from)} into ${target} in ${s((performance.now() - started) / 1000)} s`,
    `  users ${i.users} · sessions ${i.sessions} · tweets ${i.tweets} · versions ${i.versions} · likes ${i.likes} · retweets ${i.retweets} · media ${i.media} · files ${media.files} (${media.copied} copied, ${media.skipped} already there)`,
    `  seconds: import ${s(seconds.import)} · media ${s(seconds.media)} · verify ${s(seconds.verify)} · longest event-loop stall ${Math.round(loop.max / 1e6)} ms`,
    `  verified: ${verified.reads} reads through both stores, ${verified.files} media files read back; differences: ${differenceCount}`,
    differenceCount === 0
      ? `next: start the servers with TWEETSTORE_STORE=postgres and these settings (store ${i.storeId}, events continue after ${i.headSeq})`
      : `first differences:\n${report.differences.slice(0, 20).map((d) => `  ${d}`).join('\n')}`,
  ].join('\n'));
  if (differenceCount > 0) process.exitCode = 1;
}

/** A URL as it may be shown: without its password. */
function shownUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Opens the data folder's store directly (its LOCK refuses while a server uses it) and fills it with seedStore. */
async function seed(): Promise<void> {
  const dataDir = flags['data-dir'];
  if (!dataDir) throw new UsageError('give the data folder with --data-dir');
  const counts = { tweets: int(flags.tweets, '--tweets') ?? 0, edits: int(flags.edits, '--edits') ?? 0, users: int(flags.users, '--users') ?? 100 };
  const { seedStore } = await import('@tweetstore/store');
  const { openLowdbStore } = await import('@tweetstore/store-lowdb');
  const { systemClock } = await import('@tweetstore/core');
  const { default: progress } = await import('cli-progress');
  const log = (level: string) => (obj: object, msg?: string) => console.error(`${level}: ${msg ?? ''} ${JSON.stringify(obj)}`);
  // No edit policy (the seed edits freely) and one checkpoint, on close: periodic ones would re-capture a growing store.
  const store = await openLowdbStore({
    dataDir, clock: systemClock, policy: { windowMs: 0, maxEdits: 0 }, checkpointEveryEvents: Number.MAX_SAFE_INTEGER, checkpointIntervalMs: 2 ** 31 - 1,
    logger: { info() {}, warn: log('warn'), error: log('error') },
  }).catch((error: unknown) => {
    throw new Error(`cannot open ${dataDir}: ${(error as Error).message}`, { cause: error });
  });
  const cancel = new AbortController();
  process.once('SIGINT', () => cancel.abort());
  console.error(`seeding ${dataDir}: ${counts.users} users, ${counts.tweets} tweets, ${counts.edits} edits (Ctrl-C cancels; what is written stays)`);
  const bar = new progress.SingleBar({ format: '{phase} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}' }, progress.Presets.shades_classic);
  const started = Date.now();
  let summary;
  let closing = 0;
  try {
    summary = await seedStore(store, { ...counts, seed: int(flags.seed, '--seed'), signal: cancel.signal }, (done, total, phase) => {
      if (!bar.isActive) bar.start(total, 0, { phase, rate: 0 });
      bar.update(done, { phase, rate: Math.round(done / Math.max(0.001, (Date.now() - started) / 1000)) });
    });
  } finally {
    bar.stop();
    closing = Date.now();
    await store.close();
  }
  const s = await store.stats();
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  print({ ...summary, stats: s }, [
    `${summary.cancelled ? 'cancelled' : 'seeded'} in ${(summary.elapsedMs / 1000).toFixed(1)} s: ${summary.users} users, ${summary.tweets} tweets (${summary.replies} replies), ${summary.edits} edits, ${summary.likes} likes, ${summary.retweets} retweets`,
    `closed (checkpoint written) in ${((Date.now() - closing) / 1000).toFixed(1)} s`,
    `store: ${s.users} users, ${s.tweets} tweets, ${s.versions} versions, ${s.headSeq} events; ${formatDetails(s.details, mb)}`,
    `every seeded user's password: ${summary.password}`,
  ].join('\n'));
}

const command = positionals[0];
if (!command || flags.help) {
  console.log(command === 'migrate' ? MIGRATE_HELP : HELP);
  process.exit(command || flags.help ? 0 : 2);
}
const token = await savedToken();
const api = createClient({ url, token });
try {
  await run(api, command);
  process.exitCode ??= 0;
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`tweetstore: ${error.message}\n\n${HELP}`);
    process.exitCode = 2;
  } else if (isTRPCClientError(error)) {
    const data = error.data as { code?: string; issues?: { path: string[]; message: string }[] } | undefined;
    const issues = data?.issues?.map((i) => `\n  ${i.path.join('.') || 'input'}: ${i.message}`).join('') ?? '';
    console.error(`tweetstore: ${data?.code ?? 'ERROR'}: ${error.message.split('\n')[0]}${issues}`);
    process.exitCode = 1;
  } else {
    console.error(`tweetstore: ${(error as Error).message}${offline.has(command) ? '' : ` (is the server running at ${url}?)`}`);
    process.exitCode = 1;
  }
} finally {
  await closeClient(api);
}

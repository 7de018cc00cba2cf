// `tweetstore`: the command-line face of the typed client.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isTRPCClientError } from '@trpc/client';
import { closeClient, createClient, type TweetstoreClient } from './client.ts';
import { formatDiff, formatStats, formatTweet, formatVersion } from './format.ts';

const HELP = `tweetstore — command-line client for a tweetstore server

usage: tweetstore <command> [args] [--url URL] [--json]

  register <username> [--password P] [--display-name N]   create an account and sign in
  login <username> [--password P]                         sign in (session saved for later commands)
  logout | whoami
  post <text> [--reply-to ID] [--draft] [--key IDEMPOTENCY_KEY]
  get <id>
  list [--author USER_ID] [--replies-to ID] [--limit N] [--cursor C] [--archived]
  edit <id> <text> [--expected-version N]
  history <id>                                            every version, oldest first
  diff <id> <from> <to>
  revert <id> <version> [--expected-version N]
  publish <id> | archive <id> | restore <id>
  like|unlike|retweet|unretweet|view <id>
  tail [--author USER_ID] [--engagement ID,ID...] [--from EVENT_ID]   live events (Ctrl-C stops)
  stats [--watch]                                         server stats (live with --watch; Ctrl-C stops)

environment: TWEETSTORE_URL (default http://127.0.0.1:3000), TWEETSTORE_TOKEN (overrides the saved session),
TWEETSTORE_PASSWORD (instead of --password), TWEETSTORE_SESSION_FILE (default ~/.config/tweetstore/session.json)`;

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
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
    'expected-version': { type: 'string' },
    engagement: { type: 'string' },
    from: { type: 'string' },
    watch: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

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
      const t = await api.tweet.create.mutate({ content: need(1, 'text'), replyToId: flags['reply-to'], draft: flags.draft || undefined, idempotencyKey: flags.key });
      return print(t, formatTweet(t));
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
      });
      const text = page.items.map(formatTweet).join('\n\n') + (page.nextCursor ? `\n\nmore: --cursor ${page.nextCursor}` : '');
      return print(page, page.items.length ? text : 'no tweets');
    }
    case 'edit': {
      const t = await api.tweet.edit.mutate({ id: need(1, 'id'), content: need(2, 'text'), expectedVersion: int(flags['expected-version'], '--expected-version') });
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
            onData: ({ id, data }) => print({ id, ...data }, data.type === 'reset' ? `[${id}] reset: reload` : `[${id}] ${data.type}\n${formatTweet(data.tweet)}\n`),
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
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

const command = positionals[0];
if (!command || flags.help) {
  console.log(HELP);
  process.exit(command || flags.help ? 0 : 2);
}
const token = await savedToken();
const api = createClient({ url, token });
try {
  await run(api, command);
  process.exitCode = 0;
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
    console.error(`tweetstore: ${(error as Error).message} (is the server running at ${url}?)`);
    process.exitCode = 1;
  }
} finally {
  await closeClient(api);
}

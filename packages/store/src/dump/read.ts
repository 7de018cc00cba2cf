// Reading a dump back, as an import does: each line parsed and checked by its schema, and the records against each
// other (order, references, each version's text against its hash, the counts the store record promised), so an
// import stops at the first bad line and names it, before it has written anything the line would spoil.
import { InvalidInput } from '@tweetstore/core';
import { contentHash } from '../content-hash.ts';
import { nextContent } from '../rules/versions.ts';
import { pauseEvery } from '../turns.ts';
import { dumpRecordOrder, dumpRecordSchema, type DumpCounts, type DumpRecord, type DumpStore, type DumpTweet } from './records.ts';

/** A dump as NDJSON lines, each ending in '\n'. */
export async function* dumpLines(records: AsyncIterable<DumpRecord> | Iterable<DumpRecord>): AsyncGenerator<string> {
  for await (const record of records) yield `${JSON.stringify(record)}\n`;
}

/** The records of NDJSON lines (a readline interface is such an iterable), each checked; the last line checks the counts. */
export async function* readDump(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<DumpRecord> {
  const checker = new DumpChecker();
  const pause = pauseEvery(8);
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    const record = parseDumpLine(text, line);
    checker.check(record, line);
    yield record;
    await pause();
  }
  checker.finish(line);
}

/** One line's record; InvalidInput naming the line and the field when it is not one. */
export function parseDumpLine(text: string, line: number): DumpRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidInput(`dump line ${line}: not JSON (${(error as Error).message})`, { line });
  }
  const parsed = dumpRecordSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const at = issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
  throw new InvalidInput(`dump line ${line}: not a dump record${at}: ${issue.message}`, { line, path: issue.path.map(String) });
}

/** Checks records in the order they come; throws InvalidInput naming the line of the first one that breaks the format. */
export class DumpChecker {
  #store: DumpStore | undefined;
  #phase = -1;
  readonly #counts: DumpCounts = { users: 0, sessions: 0, media: 0, tweets: 0, versions: 0 };
  readonly #users = new Set<string>();
  readonly #usernames = new Set<string>();
  readonly #sessions = new Set<string>();
  readonly #media = new Set<string>();
  readonly #tweets = new Set<string>();

  check(r: DumpRecord, line: number): void {
    const fail = (why: string) => {
      throw new InvalidInput(`dump line ${line}: ${'id' in r ? `${r.type} ${r.id}` : r.type}: ${why}`, { line });
    };
    const phase = dumpRecordOrder.indexOf(r.type);
    if (phase < this.#phase) fail(`a ${r.type} record after the ${dumpRecordOrder[this.#phase]} records`);
    if (this.#phase < 0 && r.type !== 'store') fail('the first record must be the store record');
    this.#phase = phase;
    const unique = (seen: Set<string>, key: string, what: string) => {
      if (seen.has(key)) fail(`${what} appears twice`);
      seen.add(key);
    };
    const knownUser = (id: string, what: string) => {
      if (!this.#users.has(id)) fail(`${what} ${id} is not a user of the dump`);
    };
    switch (r.type) {
      case 'store':
        if (this.#store) fail('a second store record');
        this.#store = r;
        return;
      case 'user':
        unique(this.#users, r.id, 'the user');
        unique(this.#usernames, r.username.toLowerCase(), `username ${r.username}`);
        this.#counts.users++;
        return;
      case 'session':
        unique(this.#sessions, r.tokenHash, 'the session');
        knownUser(r.userId, 'its user');
        this.#counts.sessions++;
        return;
      case 'media': {
        unique(this.#media, r.id, 'the media');
        const owners = new Set<string>();
        for (const o of r.owners) {
          knownUser(o.userId, 'its owner');
          unique(owners, o.userId, `owner ${o.userId}`);
        }
        this.#counts.media++;
        return;
      }
      case 'tweet':
        unique(this.#tweets, r.id, 'the tweet');
        knownUser(r.authorId, 'its author');
        if (r.replyToId !== null && (r.replyToId === r.id || !this.#tweets.has(r.replyToId))) fail(`it replies to ${r.replyToId}, which does not come before it`);
        for (const m of new Set([...r.mediaIds, ...r.versions.flatMap((v) => v.mediaIds)])) if (!this.#media.has(m)) fail(`media ${m} is not in the dump`);
        const edges = new Set<string>();
        for (const e of r.edges) {
          knownUser(e.userId, 'an engagement by');
          unique(edges, e.userId, `the engagement of ${e.userId}`);
        }
        const wrong = versionsWrong(r);
        if (wrong) fail(wrong);
        this.#counts.tweets++;
        this.#counts.versions += r.versions.length;
    }
  }

  /** After the last line (`lines` of them): every record the store record counted came. */
  finish(lines: number): DumpCounts {
    const store = this.#store;
    if (!store) throw new InvalidInput(`dump of ${lines} lines has no store record`, { line: lines });
    for (const [kind, n] of Object.entries(store.counts) as [keyof DumpCounts, number][]) {
      if (this.#counts[kind] !== n) throw new InvalidInput(`dump ends at line ${lines} with ${this.#counts[kind]} ${kind}; its store record counts ${n} (is the file cut?)`, { line: lines });
    }
    return { ...this.#counts };
  }
}

/** Why the versions do not make the tweet (each version's text rebuilt and hashed), or null. */
function versionsWrong(t: DumpTweet): string | null {
  if (t.versions.length !== t.versionCount) return `${t.versions.length} versions, versionCount ${t.versionCount}`;
  let text = '';
  for (const [i, v] of t.versions.entries()) {
    if ((i === 0) !== (v.kind === 'created')) return `version ${i + 1} is of kind ${v.kind}`;
    if (i === 0 && !v.body.keyframe) return 'version 1 is not whole';
    try {
      text = nextContent(text, v.body);
    } catch (error) {
      return `version ${i + 1} does not apply to version ${i}: ${(error as Error).message}`;
    }
    if (contentHash(text) !== v.contentHash) return `version ${i + 1}'s text does not have its contentHash`;
  }
  const last = t.versions.at(-1)!;
  if (text !== t.content || last.contentHash !== t.contentHash) return `its content is not its last version's`;
  if (last.mediaIds.join() !== t.mediaIds.join()) return `its media are not its last version's`;
  return null;
}

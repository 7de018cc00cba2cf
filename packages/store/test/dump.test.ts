// The dump format as an import reads it: a good dump comes back as it went out; a bad line is refused with a typed
// error that names the line and what is wrong with it.
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '@tweetstore/core';
import { contentHash, dumpLines, readDump, type DumpRecord } from '@tweetstore/store';

const at = Date.UTC(2026, 0, 1);
const ada = { type: 'user', id: 'U1', username: 'ada', displayName: 'Ada', createdAt: at, passwordHash: 'scrypt$x' } as const;

function tweet(id: string, versions: [string, string][], extra: object = {}) {
  const texts: string[] = [];
  return {
    type: 'tweet',
    id,
    authorId: ada.id,
    replyToId: null,
    state: 'published',
    createdAt: at,
    publishedAt: at,
    editedAt: versions.length > 1 ? at : null,
    editsSincePublish: versions.length - 1,
    versionCount: versions.length,
    content: versions.at(-1)![1],
    contentHash: contentHash(versions.at(-1)![1]),
    weightedLength: versions.at(-1)![1].length,
    mediaIds: [],
    hashtags: [],
    mentions: [],
    urls: [],
    idempotencyKey: null,
    versions: versions.map(([kind, text], i) => {
      texts.push(text);
      return { kind, at, contentHash: contentHash(text), mediaIds: [], body: { keyframe: true, content: texts[i] } };
    }),
    edges: [],
    replies: 0,
    views: 0,
    velocity: null,
    ...extra,
  };
}

function dump(records: object[], counts = { users: 1, sessions: 0, media: 0, tweets: 2, versions: 3 }): string[] {
  const store = { type: 'store', format: 'tweetstore-dump', version: 1, storeId: 's', headSeq: 9, engine: 'lowdb', exportedAt: at, counts };
  return [store, ...records].map((r) => JSON.stringify(r));
}

const good = [ada, tweet('T1', [['created', 'hello']]), tweet('T2', [['created', 'one'], ['edited', 'two']], { replyToId: 'T1' })];

async function read(lines: string[]): Promise<DumpRecord[]> {
  const out: DumpRecord[] = [];
  for await (const r of readDump(lines)) out.push(r);
  return out;
}

describe('the dump format', () => {
  it('reads back what was written', async () => {
    const records = await read(dump(good));
    const lines: string[] = [];
    for await (const line of dumpLines(records)) lines.push(line.slice(0, -1));
    expect(await read(lines)).toEqual(records);
    expect(records.map((r) => r.type)).toEqual(['store', 'user', 'tweet', 'tweet']);
  });

  it.each([
    ['a line that is not JSON', [...dump(good).slice(0, 2), '{"type":', ...dump(good).slice(2)], /^dump line 3: not JSON/],
    ['a field of the wrong type', dump([ada, { ...tweet('T1', [['created', 'x']]), views: -1 }]), /^dump line 3: not a dump record at views: /],
    ['a field no version of the format has', dump([{ ...ada, role: 'admin' }]), /^dump line 2: not a dump record: Unrecognized key: "role"/],
    ['a record before the store record', dump(good).slice(1), /^dump line 1: user U1: the first record must be the store record/],
    ['a user after the tweets', dump([...good, { ...ada, id: 'U2', username: 'bob' }]), /^dump line 5: user U2: a user record after the tweet records/],
    ['a username twice, in other case', dump([ada, { ...ada, id: 'U2', username: 'ADA' }]), /^dump line 3: user U2: username ADA appears twice/],
    ['a reply before its parent', dump([ada, good[2]!, good[1]!]), /^dump line 3: tweet T2: it replies to T1, which does not come before it/],
    ['an unknown author', dump([ada, tweet('T1', [['created', 'x']], { authorId: 'U9' })]), /^dump line 3: tweet T1: its author U9 is not a user of the dump/],
    [
      'a version whose text is not its hash',
      dump([ada, (() => { const t = tweet('T1', [['created', 'x'], ['edited', 'y']]); t.versions[0]!.contentHash = contentHash('z'); return t; })()]),
      /^dump line 3: tweet T1: version 1's text does not have its contentHash/,
    ],
    ["content that is not its last version's", dump([ada, tweet('T1', [['created', 'x']], { content: 'y' })]), /^dump line 3: tweet T1: its content is not its last version's/],
    ['fewer versions than the tweet has', dump([ada, tweet('T1', [['created', 'x']], { versionCount: 2 })]), /^dump line 3: tweet T1: 1 versions, versionCount 2/],
    ['a cut file', dump(good).slice(0, 3), /^dump ends at line 3 with 1 tweets; its store record counts 2 \(is the file cut\?\)/],
  ])('refuses %s, naming the line', async (_, lines, message) => {
    const reading = read(lines);
    await expect(reading).rejects.toBeInstanceOf(InvalidInput);
    await expect(reading).rejects.toThrow(message);
  });
});

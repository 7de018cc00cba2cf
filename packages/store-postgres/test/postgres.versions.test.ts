// A create writes no versions row: a tweet's version 1 is its tweets row until its first edit writes it there, with
// the new version (src/engine/apply.ts); listVersions and reverts read it from either. Tweets whose version 1 row was
// written at their create (by the engine before, or by an import) are edited as well.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, manualClock, parseContent } from '@tweetstore/core';
import { openPostgresStore } from '../src/index.ts';
import { connect, type Sql } from '../src/engine/connect.ts';
import { insertRows, versionColumns } from '../src/engine/columns.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

async function opened() {
  const schema = `v_${randomBytes(4).toString('hex')}`;
  const clock = manualClock();
  const store = await openPostgresStore({ url: db.url, schema, clock, policy: DEFAULT_EDIT_POLICY });
  const sql = connect({ url: db.url, poolSize: 1, schema });
  const ann = await store.registerUser({ username: 'ann', displayName: 'Ann', passwordHash: 'h' });
  return { store, sql, clock, ann };
}

const rows = async (sql: Sql, id: string) => (await sql<{ version: number }[]>`select version from versions where tweet_id = ${id} order by version`).map((r) => r.version);

describe('version 1 in the tweets row', () => {
  it('is read from the tweets row until the first edit writes it to versions, with the new one', async () => {
    const { store, sql, clock, ann } = await opened();
    try {
      const t = await store.createTweet({ authorId: ann.id, text: parseContent('first words') });
      expect(await rows(sql, t.id)).toEqual([]);
      const before = await store.listVersions(t.id, ann.id);
      expect(before).toMatchObject([{ version: 1, content: 'first words', contentHash: t.contentHash, kind: 'created', createdAt: t.createdAt }]);
      clock.advance(1_000);
      await store.editTweet({ id: t.id, actorId: ann.id, text: parseContent('second words') });
      expect(await rows(sql, t.id)).toEqual([1, 2]);
      expect(await store.listVersions(t.id, ann.id)).toEqual([before[0], expect.objectContaining({ version: 2, content: 'second words', kind: 'edited' })]);
      const reverted = await store.revertTweet({ id: t.id, actorId: ann.id, toVersion: 1 });
      expect(reverted).toMatchObject({ content: 'first words', version: 3 });
    } finally {
      await store.close();
      await sql.end();
    }
  });

  it('edits and reverts a tweet whose version 1 row was written at its create', async () => {
    const { store, sql, ann } = await opened();
    try {
      const t = await store.createTweet({ authorId: ann.id, text: parseContent('written the old way') });
      await sql`${insertRows(sql, 'versions', [versionColumns(t.id, 1, { kind: 'created', at: t.createdAt.getTime(), contentHash: t.contentHash, mediaIds: [], body: { keyframe: true, content: t.content } })])}`;
      const before = await store.listVersions(t.id, ann.id);
      expect(before).toMatchObject([{ version: 1, content: 'written the old way' }]);
      await store.editTweet({ id: t.id, actorId: ann.id, text: parseContent('and edited') });
      expect(await rows(sql, t.id)).toEqual([1, 2]);
      expect((await store.listVersions(t.id, ann.id)).map((v) => v.content)).toEqual(['written the old way', 'and edited']);
      expect(await store.revertTweet({ id: t.id, actorId: ann.id, toVersion: 1 })).toMatchObject({ content: 'written the old way', version: 3 });
    } finally {
      await store.close();
      await sql.end();
    }
  });
});

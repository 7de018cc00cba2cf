// The tsvector and tsquery literals of engine/search.ts as PostgreSQL reads them: every term one lexeme, whatever it
// holds (quotes, backslashes, the operators of tsquery's syntax), so no text and no query can break out of its term.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchQuery } from '@tweetstore/store';
import postgres from 'postgres';
import { tsqueryOf, vectorOf } from '../src/engine/search.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';

let db: TestDatabase;
let sql: postgres.Sql;
beforeAll(async () => {
  db = await createTestDatabase();
  sql = postgres(db.url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

const AWKWARD = ["it's", "''", 'back\\slash', '\\', "a\\'b", 'x & y', '!(a | b)', 'c:*', 'd <-> e', 'f:1,2a', ' '];

const query = (terms: string[], prefixLast = false): SearchQuery => ({ must: [{ terms, prefixLast }], from: [], not: [], notFrom: [] });

describe('search literals in PostgreSQL', () => {
  it('reads every term as one lexeme, whatever characters it holds', async () => {
    const vector = vectorOf('plain words', AWKWARD, []);
    const [row] = await sql<{ lexemes: string[] }[]>`select tsvector_to_array(${vector}::tsvector) lexemes`;
    expect(row!.lexemes.sort()).toEqual(['plain', 'words', ...AWKWARD.map((t) => `#${t}`)].sort());
    for (const t of AWKWARD) {
      const [found] = await sql<{ hit: boolean; miss: boolean }[]>`
        select ${vector}::tsvector @@ ${tsqueryOf(query([`#${t}`]))}::tsquery hit,
          ${vectorOf('plain words', [], [])}::tsvector @@ ${tsqueryOf(query([`#${t}`]))}::tsquery miss`;
      expect(found, t).toEqual({ hit: true, miss: false });
    }
  });

  it('keeps word positions for phrases, and the prefix on the last term only', async () => {
    const vector = vectorOf('the quick brown fox, the quick end', [], []);
    const matches = async (q: SearchQuery) => (await sql<{ hit: boolean }[]>`select ${vector}::tsvector @@ ${tsqueryOf(q)}::tsquery hit`)[0]!.hit;
    expect(await matches(query(['quick', 'brown']))).toBe(true);
    expect(await matches(query(['brown', 'quick']))).toBe(false);
    expect(await matches(query(['the', 'quick', 'en'], true))).toBe(true);
    expect(await matches(query(['the', 'qu', 'end'], true))).toBe(false);
    expect(await matches({ must: [{ terms: ['quick'], prefixLast: false }], from: [], not: [{ terms: ['quick', 'end'], prefixLast: false }], notFrom: [] })).toBe(false);
  });
});

// Tweets written before migration 003 have no terms and no tags: filled at open, once migrated, by the shared analyzer
// (PostgreSQL's cannot cut or fold as it does), published tweets in id order, a batch a transaction that also moves the
// cursor in `backfills`. Each batch locks the cursor's row first, so instances opening at once take batches in turn,
// none twice, and each returns once all are done (none serves before); one killed mid-way leaves the cursor where its
// last commit put it. The last batch counts every tag's uses from the rows; velocity starts with the next use.
import { tagKeys, type StoreLogger } from '@tweetstore/store';
import { insertRows, type Tables } from './columns.ts';
import type { Queries, Sql } from './connect.ts';
import { countTagUses } from './hashtags.ts';
import { termsColumns } from './search.ts';

/** Tweets a batch: its analysis stays well within a turn of the event loop (~10 µs a tweet). */
export const FILL_BATCH = 500;
/** Between progress lines. */
const REPORT_MS = 2_000;

/** The terms and tag rows of published tweets (the engine writes the same for each change, apply.ts). */
export function searchRows(tweets: readonly { id: string; content: string; hashtags: readonly string[]; mentions: readonly string[] }[]) {
  const rows: { tweet_terms: Tables['tweet_terms'][]; tweet_tags: Tables['tweet_tags'][] } = { tweet_terms: [], tweet_tags: [] };
  for (const t of tweets) {
    rows.tweet_terms.push(termsColumns(t.id, t));
    for (const tag of tagKeys(t.hashtags)) rows.tweet_tags.push({ tag, tweet_id: t.id });
  }
  return rows;
}

/**
 * Records the fill as done, with the tags' uses counted (the last batch, or an import that wrote every row). The
 * counts hold every event up to the head, so the trends projection (trends.ts) goes on from there.
 */
export async function searchFilled(sql: Queries): Promise<void> {
  await countTagUses(sql);
  await sql`update projections set position = (select head from stream_head) where name = 'trends'`;
  await sql`update backfills set done = true where name = 'search'`;
}

/** Fills what is missing, in batches of `batch` tweets; resolves once the fill is done (by this instance or others). */
export async function fillSearch(sql: Sql, logger: StoreLogger, batch = FILL_BATCH): Promise<void> {
  const [state] = await sql<{ done: boolean }[]>`select done from backfills where name = 'search'`;
  if (state!.done) return;
  const [{ total } = { total: 0 }] = await sql<{ total: number }[]>`select count(*)::int total from tweets where state = 'published'`;
  logger.info({ total }, 'filling the search terms and hashtags of published tweets written before them');
  let filled = 0;
  let told = performance.now();
  for (;;) {
    const n = await sql.begin(async (tx) => {
      const [cursor] = await tx<{ after_id: string; done: boolean }[]>`select after_id, done from backfills where name = 'search' for update`;
      if (cursor!.done) return 0;
      const tweets = await tx<{ id: string; content: string; hashtags: string[]; mentions: string[] }[]>`
        select id, content, hashtags, mentions from tweets where state = 'published' and id > ${cursor!.after_id} order by id limit ${batch}`;
      if (tweets.length === 0) {
        await searchFilled(tx);
        return 0;
      }
      const rows = searchRows(tweets);
      await tx`${insertRows(tx, 'tweet_terms', rows.tweet_terms)} on conflict (tweet_id) do nothing`;
      if (rows.tweet_tags.length > 0) await tx`${insertRows(tx, 'tweet_tags', rows.tweet_tags)} on conflict do nothing`;
      await tx`update backfills set after_id = ${tweets.at(-1)!.id} where name = 'search'`;
      return tweets.length;
    });
    if (n === 0) break;
    filled += n;
    if (performance.now() - told >= REPORT_MS) {
      told = performance.now();
      logger.info({ filled, total }, 'filling the search terms and hashtags');
    }
  }
  logger.info({ filled, total }, 'the search terms and hashtags are filled');
}

// Changes hashtags through openPostgresStore until killed (argv: url, schema, round), with the trends projection
// running a pass as soon as events arrive: 16 callers at once create tagged tweets by 6 authors, edit some to other
// tags, archive some and restore some of those, printing `ok` after each change resolved.
import { DEFAULT_EDIT_POLICY, parseContent, systemClock } from '@tweetstore/core';
import { openPostgresStore } from '../../src/index.ts';

const [url, schema, round] = process.argv.slice(2) as [string, string, string];
const store = await openPostgresStore({ url, schema, clock: systemClock, policy: DEFAULT_EDIT_POLICY, trendsDelayMs: 0 });
const authors = await Promise.all(Array.from({ length: 6 }, (_, i) => store.registerUser({ username: `tagger_${round}_${i}`, displayName: 'Tagger', passwordHash: 'h' })));
const tags = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
let n = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    for (;;) {
      const i = n++;
      const author = authors[i % authors.length]!;
      // a tag of its own too, so every pass has an author counting for a tag for the first time
      const t = await store.createTweet({ authorId: author.id, text: parseContent(`take ${round}.${i} #${tags[i % 5]} #${tags[(i * 3) % 5]} #r${round} #n${round}x${i}`) });
      process.stdout.write('ok\n');
      if (i % 3 === 0) {
        await store.editTweet({ id: t.id, actorId: author.id, text: parseContent(`take ${round}.${i}, now #${tags[(i + 1) % 5]}`) });
        process.stdout.write('ok\n');
      }
      if (i % 4 === 0) {
        await store.transitionTweet({ id: t.id, actorId: author.id, to: 'archive' });
        process.stdout.write('ok\n');
        if (i % 8 === 0) {
          await store.transitionTweet({ id: t.id, actorId: author.id, to: 'restore' });
          process.stdout.write('ok\n');
        }
      }
    }
  }),
);

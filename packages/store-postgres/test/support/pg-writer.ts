// Writes through openPostgresStore until killed (argv: url, schema, round): 16 callers at once create tweets and edit
// each once, printing `created <id> <content>` and `edited <id> <version>` only after the promise resolved.
import { DEFAULT_EDIT_POLICY, parseContent, systemClock } from '@tweetstore/core';
import { openPostgresStore } from '../../src/index.ts';

const [url, schema, round] = process.argv.slice(2) as [string, string, string];
const store = await openPostgresStore({ url, schema, clock: systemClock, policy: DEFAULT_EDIT_POLICY });
const user = await store.registerUser({ username: `writer_${round}`, displayName: 'Writer', passwordHash: 'h' });
let n = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    for (;;) {
      const content = `round ${round} tweet ${n++}`;
      const t = await store.createTweet({ authorId: user.id, text: parseContent(content) });
      process.stdout.write(`created ${t.id} ${content}\n`);
      const edited = await store.editTweet({ id: t.id, actorId: user.id, text: parseContent(`${content}, edited`) });
      process.stdout.write(`edited ${t.id} ${edited.version}\n`);
    }
  }),
);

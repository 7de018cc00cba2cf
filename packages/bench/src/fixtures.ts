// Data files for the baselines: json-server's db.json and the naive lowdb handler's file, each with N posts
// (ids 1..N, the same kind of text the tweetstore loader writes). Written as a stream: 1M posts is ~150 MB.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { postText, prng } from './content.ts';

export async function writePostsFile(file: string, n: number, seed = 7): Promise<void> {
  const rand = prng(seed);
  const out = createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  await write('{"posts":[');
  let chunk = '';
  for (let i = 1; i <= n; i++) {
    chunk += (i > 1 ? ',' : '') + JSON.stringify({ id: i, content: postText(rand, i), authorId: `u${i % 1000}`, createdAt: new Date(t0 + i * 1000).toISOString() });
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk + ']}\n');
  out.end();
  await once(out, 'close');
}

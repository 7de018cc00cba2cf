// The hostile-input corpus (hostile/corpus.ts) against the real server, over real HTTP and WebSocket: every request
// answered with the typed 4xx its case expects, never a 5xx, nothing changed by any of them, nothing logged as a
// server fault, and the server still up at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, createClient } from '@tweetstore/client';
import { asExpected, hostileCases, type Target } from './hostile/corpus.ts';
import { logLines, startServerProcess, tempDataDir, type ServerProcess } from './harness.ts';

const PLACEHOLDER: Target = { url: 'http://127.0.0.1:1', token: 't', tweetId: 'x', draftId: 'y' };
const groups = [...new Set(hostileCases(PLACEHOLDER).map((c) => c.group))];

describe('hostile input', () => {
  let server: ServerProcess;
  let remove: () => Promise<void>;
  let target: Target;
  const headSeq = async () => ((await (await fetch(`${server.url}/readyz`)).json()) as { headSeq: number }).headSeq;

  beforeAll(async () => {
    const data = await tempDataDir();
    remove = data.remove;
    server = await startServerProcess(data.dir);
    const anonymous = createClient({ url: server.url });
    const { token } = await anonymous.auth.register.mutate({ username: 'hostile', password: 'hostile-password' });
    await closeClient(anonymous);
    const api = createClient({ url: server.url, token });
    const tweet = await api.tweet.create.mutate({ content: 'a published tweet to aim at' });
    const draft = await api.tweet.create.mutate({ content: 'a draft to aim at', draft: true });
    await closeClient(api);
    target = { url: server.url, token, tweetId: tweet.id, draftId: draft.id };
  });
  afterAll(async () => {
    expect(await server.kill('SIGTERM')).toBe(0);
    await remove();
  });

  it.each(groups)('answers every hostile request of "%s" with its typed 4xx and changes nothing', async (group) => {
    const wrong: string[] = [];
    for (const c of hostileCases(target).filter((x) => x.group === group)) {
      const before = await headSeq();
      const outcome = await c.run(target);
      const after = await headSeq();
      if (!asExpected(c, outcome)) wrong.push(`${c.name}: ${outcome.status} ${outcome.code} ${outcome.message.slice(0, 160)} (expected ${c.expect.join(' or ')})`);
      if (after !== before) wrong.push(`${c.name}: changed the store (head ${before} -> ${after})`);
    }
    expect(wrong).toEqual([]);
  });

  it('logged no server fault, and still answers', async () => {
    expect(logLines(server.output(), 50).map((l) => l.msg)).toEqual([]);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});

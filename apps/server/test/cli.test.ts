// The `tweetstore` CLI against a live server, as a user would run it.
import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpegWithGps } from '../../../packages/media/test/fixtures.ts';
import { startServerProcess, tempDataDir, type ServerProcess } from './harness.ts';

const bin = fileURLToPath(new URL('../../../packages/client/bin/tweetstore.mjs', import.meta.url));

describe('tweetstore CLI', () => {
  let server: ServerProcess;
  let remove: () => Promise<void>;
  let sessionFile: string;
  const cli = (...args: string[]) => {
    const run = spawnSync(process.execPath, [bin, ...args], {
      env: { ...process.env, TWEETSTORE_URL: server.url, TWEETSTORE_SESSION_FILE: sessionFile, TWEETSTORE_PASSWORD: 'cli-password-1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: run.status, out: run.stdout, err: run.stderr };
  };

  beforeAll(async () => {
    const data = await tempDataDir();
    remove = data.remove;
    sessionFile = path.join(data.dir, 'cli-session.json');
    server = await startServerProcess(path.join(data.dir, 'server'));
  });
  afterAll(async () => {
    await server.kill('SIGTERM');
    await remove();
  });

  it('registers, posts, edits, shows history and diff, likes and lists', () => {
    expect(cli('register', 'clio').out).toContain('registered and signed in as @clio');
    expect(cli('whoami').out).toContain('@clio');
    const posted = JSON.parse(cli('post', 'first words', '--json').out) as { id: string };
    expect(cli('edit', posted.id, 'first words, revised').out).toContain('edited, v2');
    const history = cli('history', posted.id).out;
    expect(history).toMatch(/v1\s+created[\s\S]*first words[\s\S]*v2\s+edited/);
    expect(cli('diff', posted.id, '1', '2').out).toContain('{+, revised+}');
    expect(cli('like', posted.id).out).toContain('likes 1');
    expect(cli('revert', posted.id, '1').out).toContain('v3');
    expect(cli('list').out).toContain(posted.id);
    expect(cli('stats').out).toMatch(/store: \d+ tweets/);
  });

  it('shows a thread: the ancestors, the tweet, and its replies, paged', () => {
    const idOf = (run: { out: string }) => (JSON.parse(run.out) as { id: string }).id;
    const root = idOf(cli('post', 'where it starts', '--json'));
    const middle = idOf(cli('post', 'a reply in the middle', '--reply-to', root, '--json'));
    for (const answer of ['first answer', 'second answer']) cli('post', answer, '--reply-to', middle);
    const shown = cli('thread', middle, '--limit', '1');
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(new RegExp(`^${root}  @clio[\\s\\S]*where it starts\\n[\\s\\S]*\\n▶ ${middle}  @clio[\\s\\S]*a reply in the middle[\\s\\S]*↳ \\S+  @clio[\\s\\S]*first answer`));
    expect(shown.out).not.toContain('second answer');
    const cursor = /more replies: --cursor (\S+)/.exec(shown.out)?.[1];
    const next = cli('thread', middle, '--cursor', cursor!).out;
    expect([next.includes('second answer'), next.includes('first answer'), next.includes('more replies')]).toEqual([true, false, false]);
    const asJson = JSON.parse(cli('thread', middle, '--json').out) as { ancestors: { id: string }[]; replies: { items: unknown[] } };
    expect([asJson.ancestors.map((t) => t.id), asJson.replies.items.length]).toEqual([[root], 2]);
    expect(cli('thread', '01JZZZZZZZZZZZZZZZZZZZZZZZ').err).toContain('NOT_FOUND');
  });

  it('searches latest and top, lists a hashtag, and shows what trends', () => {
    const idOf = (run: { out: string }) => (JSON.parse(run.out) as { id: string }).id;
    const older = idOf(cli('post', 'zebra crossing at noon #Stripes', '--json'));
    const newer = idOf(cli('post', 'a zebra in the zoo #stripes', '--json'));
    cli('like', older);
    const latest = cli('search', 'zebra', '--limit', '1');
    expect(latest.code, latest.err).toBe(0);
    expect(latest.out).toContain(newer);
    const cursor = /more: --cursor (\S+)/.exec(latest.out)?.[1];
    expect(cli('search', 'zebra', '--cursor', cursor!).out).toContain(older);
    expect(cli('search', 'zebra', '--top', '--limit', '1').out).toContain(older);
    expect(cli('search', '"zoo zebra"').out).toContain('no published tweet matches');
    const refused = cli('search', '--', '-zebra');
    expect([refused.code, refused.err]).toEqual([1, expect.stringContaining('BAD_REQUEST')]);
    const misread = cli('search', '-zebra'); // an option to the shell: said in words, not a stack trace
    expect([misread.code, misread.err]).toEqual([2, expect.stringMatching(/^tweetstore: Unknown option '-z'.*tweetstore search -- "-spam"/)]);
    expect(cli('list', '--tag', '#STRIPES').out).toMatch(new RegExp(`${newer}[\\s\\S]*${older}`));
    const trends = cli('trends');
    expect(trends.out).toMatch(/trending hashtags:\n\s+1\. #stripes  [\d.]+ uses\/min  \(2 posts\)/);
    expect(trends.out).toContain(older); // liked: moving
    const asJson = JSON.parse(cli('trends', '--json').out) as { hashtags: { tag: string }[]; tweets: { id: string }[] };
    expect(asJson.hashtags[0]?.tag).toBe('stripes');
  });

  it('uploads media and posts with it, by file or by id', async () => {
    const dir = path.dirname(sessionFile);
    const photo = path.join(dir, 'wall.jpg');
    await writeFile(photo, await jpegWithGps());
    const uploaded = cli('upload', photo, '--alt', 'a red wall');
    expect(uploaded.code, uploaded.err).toBe(0);
    const id = /^([0-9a-f]{64})\s+image\/jpeg/.exec(uploaded.out)?.[1];
    expect(id, uploaded.out).toBeDefined();
    expect(uploaded.out).toContain(`/media/${id}/thumb`);
    const byId = cli('post', 'the wall again', '--media', id!);
    expect(byId.out).toContain(`[image] ${id}  "a red wall"`);
    const byFile = JSON.parse(cli('post', 'the wall, by file', '--media', photo, '--json').out) as { id: string; media: { id: string }[] };
    expect(byFile.media.map((m) => m.id)).toEqual([id]);
    expect(cli('edit', byFile.id, 'the wall, by file', '--no-media').out).toContain('edited, v2');
    const notMedia = path.join(dir, 'notes.txt');
    await writeFile(notMedia, 'just text, named as anything');
    const refused = cli('upload', notMedia);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('BAD_REQUEST');
  });

  it('tails live events until Ctrl-C', async () => {
    const env = { ...process.env, TWEETSTORE_URL: server.url, TWEETSTORE_SESSION_FILE: sessionFile };
    const tail = spawn(process.execPath, [bin, 'tail'], { env });
    let out = '';
    let err = '';
    tail.stdout.on('data', (c: Buffer) => (out += c.toString()));
    tail.stderr.on('data', (c: Buffer) => (err += c.toString()));
    // tail prints this once the server has started its subscription: what is posted from now on is shown.
    await expect.poll(() => err, { timeout: 20_000 }).toContain('Ctrl-C to stop');
    cli('post', 'seen by tail');
    await expect.poll(() => out, { timeout: 20_000 }).toMatch(/created\n.*@clio[\s\S]*seen by tail/);
    const exited = new Promise<number | null>((resolve) => tail.once('exit', resolve));
    tail.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('prints typed errors and exits non-zero', () => {
    const tooLong = cli('post', 'x'.repeat(300));
    expect(tooLong.code).toBe(1);
    expect(tooLong.err).toContain('BAD_REQUEST');
    expect(tooLong.err).toContain('content');
    expect(cli('get', '01JZZZZZZZZZZZZZZZZZZZZZZZ').err).toContain('NOT_FOUND');
    expect(cli('frobnicate').code).toBe(2);
  });
});

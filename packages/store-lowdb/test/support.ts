// Shared by the engine's tests: temp data folders removed after each test, and a logger that records its lines.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { parseContent, type Tweet, type User } from '@tweetstore/core';
import type { TweetStore } from '@tweetstore/store';
import { openLowdbStore, type LowdbStoreOptions } from '@tweetstore/store-lowdb';

/** Returns a maker of temp folders, each removed after the test that made it. */
export function tempDirs(prefix: string): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

export function logCapture() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string | undefined }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return {
    logger: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') },
    lines,
    written: () => lines.filter((l) => l.msg === 'checkpoint written').map((l) => l.obj),
    warns: () => lines.filter((l) => l.level === 'warn'),
  };
}

/** Opens engine stores and closes whatever a test left open after it. */
export function openedStores() {
  const open: TweetStore[] = [];
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((s) => s.close()));
  });
  return {
    async open(options: LowdbStoreOptions): Promise<TweetStore> {
      const store = await openLowdbStore(options);
      open.push(store);
      return store;
    },
    async close(store: TweetStore): Promise<void> {
      await store.close();
      open.splice(open.indexOf(store), 1);
    },
  };
}

/** Each tweet's engagement as `viewerId` sees it, and of those only their author may see (a draft, an archived one) as the author does. */
export function engagementAsSeen(store: TweetStore, tweets: readonly Tweet[], viewerId: string) {
  return Promise.all(tweets.map((t) => store.getEngagement(t.id, t.state === 'published' ? viewerId : t.author.id)));
}

/** Users named `<prefix><n>` and tweets by them, through the port. */
export function authoring(prefix: string) {
  let names = 0;
  return {
    register: (store: TweetStore) => store.registerUser({ username: `${prefix}${++names}`, displayName: prefix.toUpperCase(), passwordHash: 'h' }),
    post: (store: TweetStore, author: User, content: string, extra = {}) => store.createTweet({ authorId: author.id, text: parseContent(content), ...extra }),
  };
}

/** A copy of the folder as a crash would leave it (a checkpoint may be half written, journal segments may be going). */
export async function crashImage(dataDir: string, tempDir: () => Promise<string>): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const image = await tempDir();
    try {
      await cp(dataDir, image, { recursive: true, filter: (src) => !src.endsWith('.tmp') && !src.endsWith('LOCK') });
      return image;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 20) throw error;
    }
  }
}

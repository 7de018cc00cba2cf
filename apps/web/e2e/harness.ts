// Browser tests: the real server (a child process with its own data folder, serving the built apps/web/dist) and
// a real Chromium driven by playwright-core. One server and one browser per file; each visitor is a browser
// context of its own (own cookies). A test fails when any page logged a console error or threw, and leaves a
// full-page screenshot of where each page ended in test-results/screenshots.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect, test as base } from 'vitest';
import { startServerProcess, tempDataDir, type ServerProcess } from '../../server/test/harness.ts';
import { launchChromium } from '../../../scripts/chromium.ts';
import { watchLiveStreams, type LiveStreams } from './live-streams.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url));
const WEB_BUILD = fileURLToPath(new URL('../dist/index.html', import.meta.url));
/** Longest a single browser action or expectation may wait, well inside the 60 s test timeout. */
export const PATIENCE_MS = 15_000;
export const PASSWORD = 'correct-horse-1';

/** Retry `read` until the matcher that follows holds (or PATIENCE_MS passes). */
export const eventually = <T>(read: () => T | Promise<T>, message?: string) => expect.poll(read, { timeout: PATIENCE_MS, interval: 100, message });

/** A username nobody on this server has yet, starting with `prefix` (at most 8 characters). */
export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(3).toString('hex')}`;

export interface Visitor {
  label: string;
  context: BrowserContext;
  page: Page;
  streams: LiveStreams;
  /** Console errors and uncaught exceptions this page has produced so far. */
  errors: string[];
  /** Console errors like `pattern` are expected from now on (Chromium reports each refused request, a 429 say). */
  expectConsoleErrors(pattern: RegExp): void;
  /** Whom the account box last showed signed in. */
  username: string | null;
  signUp(username: string): Promise<void>;
  signIn(username: string): Promise<void>;
  /** Wait until the account box shows `@username` and a "Sign out" button. */
  signedInAs(username: string): Promise<void>;
  /** Publish `text` with the composer on the current page and wait for it on the timeline; returns its id. */
  post(text: string): Promise<string>;
  /** The card of one tweet on the current page. */
  tweet(id: string): Locator;
  /** Save a full-page screenshot of how the page is now, as test-results/screenshots/<name>.png; with `fullPage: false`,
   * of the screen only (a virtualised list renders only the rows near the screen). */
  screenshot(name: string, options?: { fullPage?: boolean }): Promise<void>;
}

export interface Web {
  url: string;
  /** A new visitor: a fresh browser context (no cookies) with one page, e.g. { viewport: { width: 390, height: 844 } }. */
  visitor(label: string, options?: Parameters<Browser['newContext']>[0]): Promise<Visitor>;
  /** A server of this test's own, started with `env` over the usual settings (small limits, say), and its visitors. */
  serverWith(env: Record<string, string>): Promise<Web>;
}

function openVisitor(label: string, context: BrowserContext, page: Page, url: string): Visitor {
  const errors: string[] = [];
  const expected: RegExp[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error' || expected.some((pattern) => pattern.test(message.text()))) return;
    const { url: source, lineNumber } = message.location();
    errors.push(`console.error: ${message.text()}${source ? ` (${source}:${lineNumber})` : ''}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error.message}`));
  const streams = watchLiveStreams(page);
  const account = page.getByRole('region', { name: 'Account' });

  // Tells "the page did not update" apart from "the sign-in did not happen".
  const signedInWithoutReload = async (username: string) => {
    try {
      await visitor.signedInAs(username);
    } catch (error) {
      await page.reload();
      const afterReload = await visitor.signedInAs(username).then(() => true, () => false);
      if (afterReload) throw new Error(`the page did not show @${username} as signed in until it was reloaded`, { cause: error });
      throw error;
    }
  };

  const visitor: Visitor = {
    label,
    context,
    page,
    streams,
    errors,
    expectConsoleErrors: (pattern) => void expected.push(pattern),
    username: null,
    async signUp(username) {
      await page.goto(`${url}/signup`);
      await page.getByLabel('Username', { exact: true }).fill(username);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign up', exact: true }).click();
      await signedInWithoutReload(username);
    },
    async signIn(username) {
      await page.goto(`${url}/signin`);
      await page.getByLabel('Username', { exact: true }).fill(username);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await signedInWithoutReload(username);
    },
    async signedInAs(username) {
      await account.getByText(`@${username}`, { exact: true }).waitFor();
      await account.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
      visitor.username = username;
    },
    async post(text) {
      await page.getByLabel('Post text', { exact: true }).fill(text);
      await page.getByRole('button', { name: 'Post', exact: true }).click();
      const card = page.getByRole('region', { name: 'Timeline' }).getByRole('article', { name: `Post by @${visitor.username}`, exact: true }).filter({ hasText: text });
      await card.waitFor();
      const id = await card.getAttribute('data-tweet-id');
      if (!id) throw new Error(`the card of "${text}" has no data-tweet-id`);
      return id;
    },
    tweet: (id) => page.locator(`article[data-tweet-id="${id}"]`),
    async screenshot(name, { fullPage = true } = {}) {
      await mkdir(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage });
    },
  };
  return visitor;
}

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export const test = base
  .extend('server', { scope: 'file' }, async ({}, { onCleanup }): Promise<ServerProcess> => {
    // The server serves whatever is built (the pretest hook rebuilds it when the sources are newer).
    if (!process.env.TWEETSTORE_WEB_DIR && !existsSync(WEB_BUILD)) throw new Error('the web client is not built: npm run build -w @tweetstore/web');
    const data = await tempDataDir();
    const server = await startServerProcess(data.dir);
    onCleanup(async () => {
      await server.kill();
      await data.remove();
    });
    return server;
  })
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }): Promise<Browser> => {
    const browser = await launchChromium();
    onCleanup(() => browser.close());
    return browser;
  })
  .extend('web', async ({ server, browser, task }, { onCleanup }): Promise<Web> => {
    const visitors: Visitor[] = [];
    const ownServers: (() => Promise<unknown>)[] = [];
    onCleanup(async () => {
      const problems: string[] = [];
      for (const visitor of visitors) {
        await visitor.screenshot(visitors.length === 1 ? slug(task.name) : `${slug(task.name)}--${visitor.label}`).catch(() => {});
        problems.push(...visitor.errors.map((error) => `[${visitor.label}] ${error}`));
        await visitor.context.close();
      }
      await Promise.all(ownServers.map((stop) => stop()));
      if (problems.length) throw new Error(`the pages logged errors:\n${problems.join('\n')}`);
    });
    const webAt = (url: string): Web => ({
      url,
      async visitor(label, options) {
        const context = await browser.newContext(options);
        context.setDefaultTimeout(PATIENCE_MS);
        const visitor = openVisitor(label, context, await context.newPage(), url);
        visitors.push(visitor);
        return visitor;
      },
      async serverWith(env) {
        const data = await tempDataDir();
        const own = await startServerProcess(data.dir, env).catch(async (error: unknown) => {
          await data.remove();
          throw error;
        });
        ownServers.push(() => own.kill().then(() => data.remove()));
        return webAt(own.url);
      },
    });
    return webAt(server.url);
  });

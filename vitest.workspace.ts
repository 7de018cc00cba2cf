import { defineProject, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * expect.poll waits for something to happen (an event delivered, a file written), not for it to happen fast: its
 * default of 1 s failed a migrate test while the machine was busy. A poll that times out still fails the test.
 */
const WAITS = { expect: { poll: { timeout: 15_000 } } };

// The one list of test projects. Vitest 4 ignores this file by itself; vitest.config.ts imports it.
export default [
  defineProject({ test: { ...WAITS, name: 'core', root: 'packages/core', include: ['test/**/*.test.ts'] } }),
  defineProject({ test: { ...WAITS, name: 'store', root: 'packages/store', include: ['test/**/*.test.ts'] } }),
  defineProject({ test: { ...WAITS, name: 'store-lowdb', root: 'packages/store-lowdb', include: ['test/**/*.test.ts'] } }),
  defineProject({ test: { ...WAITS, name: 'store-postgres', root: 'packages/store-postgres', include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 } }),
  defineProject({ test: { ...WAITS, name: 'media', root: 'packages/media', include: ['test/**/*.test.ts'] } }),
  defineProject({ test: { ...WAITS, name: 'api', root: 'packages/api', include: ['test/**/*.test.ts'] } }),
  defineProject({ test: { ...WAITS, name: 'client', root: 'packages/client', include: ['test/**/*.test.ts'] } }),
  defineProject({ test: { ...WAITS, name: 'bench', root: 'packages/bench', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } }),
  {
    // The web build's own config (React plugin, the browser's twitter-text), so component tests run what ships.
    extends: './apps/web/vite.config.ts',
    test: { ...WAITS, name: 'web', root: 'apps/web', include: ['test/**/*.test.{ts,tsx}'], environment: 'jsdom', setupFiles: ['test/setup.ts'] },
  } satisfies TestProjectInlineConfiguration,
  defineProject({ test: { ...WAITS, name: 'server', root: 'apps/server', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } }),
  // The web app in a real Chromium against the real server (apps/web/e2e/harness.ts). Each file starts its own
  // server and browser, so the tests live in one file and run one after another.
  defineProject({ test: { ...WAITS, name: 'browser', root: 'apps/web', include: ['e2e/**/*.e2e.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 } }),
];

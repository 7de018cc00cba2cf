import react from '@vitejs/plugin-react';
import { defineProject } from 'vitest/config';

// The one list of test projects. Vitest 4 ignores this file by itself; vitest.config.ts imports it.
export default [
  defineProject({ test: { name: 'core', root: 'packages/core', include: ['test/**/*.test.ts'] } }),
  defineProject({ test: { name: 'store', root: 'packages/store', include: ['test/**/*.test.ts'] } }),
  defineProject({ test: { name: 'api', root: 'packages/api', include: ['test/**/*.test.ts'] } }),
  defineProject({ test: { name: 'client', root: 'packages/client', include: ['test/**/*.test.ts'] } }),
  defineProject({
    plugins: [react()],
    test: { name: 'web', root: 'apps/web', include: ['test/**/*.test.tsx'], environment: 'jsdom', setupFiles: ['test/setup.ts'] },
  }),
  defineProject({ test: { name: 'server', root: 'apps/server', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } }),
];

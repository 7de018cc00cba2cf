import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [
      // Only the twitter-text functions the weighted-length rules use, from the package's ES-module build.
      { find: /^twitter-text$/, replacement: fileURLToPath(new URL('./src/twitter-text.ts', import.meta.url)) },
      // twitter-text's ES5 polyfills (core-js 2): every browser of the build target (ES2022) has these natively.
      { find: /^core-js\/modules\/.*/, replacement: fileURLToPath(new URL('./src/no-polyfill.ts', import.meta.url)) },
    ],
  },
  build: {
    outDir: 'dist',
    manifest: true,
    sourcemap: true,
    target: 'es2022',
  },
  // `npm run dev -w @tweetstore/web` serves the app with hot reload and forwards /trpc (HTTP and WebSocket)
  // to a server started with `npm start` (port 3000).
  server: {
    proxy: { '/trpc': { target: 'http://127.0.0.1:3000', ws: true } },
  },
});

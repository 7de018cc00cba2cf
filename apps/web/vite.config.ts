import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w @tweetstore/web` serves the app with hot reload and forwards /trpc (HTTP and WebSocket)
// to a server started with `npm start` (port 3000).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    manifest: true,
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    proxy: { '/trpc': { target: 'http://127.0.0.1:3000', ws: true } },
  },
});

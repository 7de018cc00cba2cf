// Measures image uploads end to end on a throw-away server: N distinct 12-megapixel JPEGs (~3 MB each, so every one
// is processed: sniffed, hashed, decoded, re-encoded into 4 files) sent by C concurrent clients over HTTP. Prints
// uploads/s, latency percentiles, and the server's own event-loop delay and RSS (system.onStats, every second).
// Run: npx tsx scripts/measure-media.ts [N=24] [C=2]
import { randomBytes } from 'node:crypto';
import { closeClient, createClient } from '@tweetstore/client';
import sharp from 'sharp';
import { startServerProcess, tempDataDir } from '../apps/server/test/harness.ts';

const [n = 24, concurrency = 2] = process.argv.slice(2).map(Number);
const data = await tempDataDir();
const server = await startServerProcess(data.dir);
process.on('SIGINT', () => void server.kill('SIGTERM').then(() => data.remove()).then(() => process.exit(130)));
try {
  const anon = createClient({ url: server.url });
  const { token } = await anon.auth.register.mutate({ username: 'measure', password: 'measure-password-1' });
  const api = createClient({ url: server.url, token });
  let loopMax = 0;
  let rssMax = 0;
  const stats = api.system.onStats.subscribe(undefined, {
    onData: (s) => {
      loopMax = Math.max(loopMax, s.eventLoopDelayMs.max);
      rssMax = Math.max(rssMax, s.memory.rssBytes);
    },
  });

  process.stderr.write(`making ${n} photos of 4000×3000 … `);
  const photos = await Promise.all(
    Array.from({ length: n }, () =>
      sharp(randomBytes(400 * 300 * 3), { raw: { width: 400, height: 300, channels: 3 } }).resize(4000, 3000, { kernel: 'cubic' }).jpeg({ quality: 85 }).toBuffer(),
    ),
  );
  const mb = photos.reduce((sum, p) => sum + p.length, 0) / n / 1024 / 1024;
  process.stderr.write(`${mb.toFixed(1)} MB each\n`);
  await new Promise((r) => setTimeout(r, 1500)); // a quiet second of stats before
  loopMax = 0;

  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const photo = photos[next++]!;
        const form = new FormData();
        form.set('file', new Blob([new Uint8Array(photo)]), 'photo.jpg');
        const t0 = performance.now();
        await api.media.upload.mutate(form);
        latencies.push(performance.now() - t0);
        process.stderr.write(`\ruploaded ${latencies.length}/${n} (Ctrl-C stops)`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 1200)); // the last second's stats
  stats.unsubscribe();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(0);
  console.log(
    `\n${n} uploads of 12-megapixel JPEGs (${mb.toFixed(1)} MB), ${concurrency} at a time: ${(n / seconds).toFixed(2)} uploads/s, ` +
      `latency p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms; server event-loop delay max ${loopMax.toFixed(0)} ms, RSS max ${(rssMax / 1024 / 1024).toFixed(0)} MB`,
  );
  await Promise.all([closeClient(api), closeClient(anon)]);
} finally {
  await server.kill('SIGTERM');
  await data.remove();
}

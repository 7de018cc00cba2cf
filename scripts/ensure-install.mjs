// Runs before `npm start` and `npm test`: installs dependencies when node_modules is missing or older than the
// lockfile, and builds the web client when its build is missing or older than its sources, so one command does
// all set-up on a fresh clone (and before `npm test`, Chromium for the browser tests).
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (command) => execSync(command, { cwd: root, stdio: 'inherit' });
const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

const marker = join(root, 'node_modules/.package-lock.json');
if (!existsSync(marker) || mtime(join(root, 'package-lock.json')) > mtime(marker) + 1000) {
  console.log('tweetstore: installing dependencies (npm ci)…');
  run('npm ci --no-audit --no-fund');
}

/** Newest modification time of any file below `path`. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}
const sources = ['apps/web/src', 'apps/web/index.html', 'apps/web/vite.config.ts', 'apps/web/package.json', 'packages/core/src', 'packages/client/src/links.ts'];
const built = mtime(join(root, 'apps/web/dist/index.html'));
if (Math.max(...sources.map((s) => newest(join(root, s)))) > built) {
  console.log('tweetstore: building the web client…');
  run('npm run build -w @tweetstore/web');
}

// The browser tests (apps/web/e2e) drive the system's Chromium; only `npm test` needs it, not `npm start`.
if (process.env.npm_lifecycle_event === 'pretest') {
  try {
    run('bash scripts/ensure-chromium.sh');
  } catch {
    process.exit(1); // the script has said why
  }
}

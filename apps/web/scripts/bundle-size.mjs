// After `vite build`: the JavaScript a visitor downloads before the first page shows (the entry chunk and every
// chunk it imports statically), gzip-compressed, against the budget. Lazy routes (the dashboard) are listed apart.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const BUDGET_BYTES = 150 * 1024;
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const manifest = JSON.parse(readFileSync(`${dist}.vite/manifest.json`, 'utf8'));

const gz = (file) => gzipSync(readFileSync(dist + file), { level: 9 }).length;
const entry = Object.entries(manifest).find(([, chunk]) => chunk.isEntry);
const initial = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const dep of chunk.imports ?? []) visit(dep);
};
visit(entry[0]);
const lazy = Object.values(manifest).filter((c) => c.file.endsWith('.js') && !initial.has(c.file));

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let total = 0;
console.log('\ninitial JavaScript (gzip):');
for (const file of initial) {
  const size = gz(file);
  total += size;
  console.log(`  ${file.padEnd(44)} ${kb(size).padStart(9)}`);
}
console.log(`  ${'total'.padEnd(44)} ${kb(total).padStart(9)}   budget ${kb(BUDGET_BYTES)}`);
if (lazy.length) {
  console.log('loaded later, on demand (gzip):');
  for (const chunk of lazy) console.log(`  ${chunk.file.padEnd(44)} ${kb(gz(chunk.file)).padStart(9)}`);
}
if (total > BUDGET_BYTES) {
  console.error(`\nThe initial JavaScript is ${kb(total)} gzip, over the ${kb(BUDGET_BYTES)} budget.`);
  process.exit(1);
}

// The linear scan's texts (linear-scan.ts), run as its own process by the orchestrator: reads the published tweets
// of the data folder BENCH_SCAN_DIR through the store's port, writes them to BENCH_SCAN_OUT as JSON lines, and exits,
// taking whatever the opened store still does in the background with it.
import { loadTexts, writeTexts } from './linear-scan.ts';

const dir = process.env.BENCH_SCAN_DIR;
const out = process.env.BENCH_SCAN_OUT;
if (!dir || !out) throw new Error('BENCH_SCAN_DIR and BENCH_SCAN_OUT are required');
const texts = await loadTexts(dir);
await writeTexts(out, texts);
console.error(`scan-texts: ${texts.length} published texts written to ${out}`);
process.exit(0);

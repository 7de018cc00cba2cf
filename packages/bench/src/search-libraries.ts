// Why the embedded engine keeps its own posting lists rather than a search library: the same N seeded tweet texts
// indexed by MiniSearch 7.2.0 (a well-kept full-text library: radix tree of terms, per-document field data) and by
// the engine's SearchIndex, each in a fresh process, with the shared analyzer as the tokenizer of both; then heap
// after GC, build time, the time to save and load the index (what a restart pays), and the newest 20 matches of a
// common word (what `latest` asks: MiniSearch ranks by relevance, so it must find every match and sort by id).
//   node --expose-gc --import tsx packages/bench/src/search-libraries.ts [N=100000]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import { createRandom, documentTerms, tweetText } from '@tweetstore/store';
import { postingAt, postingsSize, SearchIndex, tweetTerms } from '@tweetstore/store-lowdb';

const N = Number(process.argv[2] ?? 100_000);
const side = process.argv[3] as 'minisearch' | 'engine' | undefined;
const gc = (globalThis as { gc?: () => void }).gc!;
/** The V8 heap and the typed arrays' buffers (the engine's postings live outside the heap). */
const heapMb = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
};
const ms = (t0: number) => Math.round(performance.now() - t0);

function texts(): { content: string; hashtags: string[]; mentions: string[] }[] {
  const rng = createRandom(4);
  return Array.from({ length: N }, () => {
    const t = tweetText(rng, ['ada', 'bob', 'cy']);
    return { content: t.content, hashtags: t.hashtags, mentions: t.mentions };
  });
}

function p99(samples: number[]): number {
  samples.sort((a, b) => a - b);
  return Math.round(samples[Math.floor(samples.length * 0.99)]! * 100) / 100;
}

function measure(which: 'minisearch' | 'engine'): Record<string, number | string> {
  const docs = texts();
  const before = heapMb();
  let t0 = performance.now();
  const out: Record<string, number | string> = { index: which, tweets: N };
  const latest: number[] = [];
  if (which === 'minisearch') {
    const index = new MiniSearch<{ id: number; content: string; hashtags: string[]; mentions: string[] }>({
      fields: ['content'],
      // the same terms as the engine: words and marks, analysed once per text
      extractField: (doc, field) => (field === 'id' ? String(doc.id) : JSON.stringify(documentTerms(doc.content, doc.hashtags, doc.mentions))),
      tokenize: (s) => {
        const d = JSON.parse(s) as { words: string[]; marks: string[] };
        return [...d.words, ...d.marks];
      },
      processTerm: (t) => t,
      searchOptions: { tokenize: (s) => s.split(' ') },
    });
    for (let i = 0; i < N; i++) index.add({ id: i, ...docs[i]! });
    out.buildMs = ms(t0);
    out.heapMb = Math.round(heapMb() - before);
    t0 = performance.now();
    const saved = JSON.stringify(index);
    out.saveMs = ms(t0);
    out.savedMb = Math.round(saved.length / 2 ** 20);
    t0 = performance.now();
    MiniSearch.loadJSON(saved, { fields: ['content'], tokenize: (s) => s.split(' '), processTerm: (t) => t });
    out.loadMs = ms(t0);
    for (let r = 0; r < 50; r++) {
      const q = performance.now();
      const found = index.search('coffee', { combineWith: 'AND' });
      found.map((x) => x.id as number).sort((a, b) => b - a).slice(0, 20);
      latest.push(performance.now() - q);
      out.matches = found.length;
    }
  } else {
    const index = new SearchIndex();
    for (let i = 0; i < N; i++) index.add(i, tweetTerms('ada', docs[i]!.content, docs[i]!.hashtags, docs[i]!.mentions));
    out.buildMs = ms(t0);
    out.heapMb = Math.round(heapMb() - before);
    out.saveMs = out.loadMs = 'checkpoint (bench restart row)';
    for (let r = 0; r < 50; r++) {
      const q = performance.now();
      const p = index.postings('coffee')!;
      const n = postingsSize(p);
      const page: number[] = [];
      for (let i = n - 1; i >= 0 && page.length < 20; i--) page.push(postingAt(p, i));
      latest.push(performance.now() - q);
      out.matches = n;
    }
  }
  out.latestP99Ms = p99(latest);
  out.texts = docs.length; // the texts stay alive to the end, so neither heap figure counts their collection
  return out;
}

if (side) {
  process.send!(measure(side));
} else {
  const rows: Record<string, number | string>[] = [];
  for (const which of ['engine', 'minisearch'] as const) {
    const child = fork(fileURLToPath(import.meta.url), [String(N), which], { execArgv: ['--expose-gc', '--max-old-space-size=16000', '--import', 'tsx'] });
    rows.push(await new Promise((resolve, reject) => child.once('message', (m) => resolve(m as Record<string, number | string>)).once('error', reject)));
    child.kill();
  }
  console.table(rows);
}

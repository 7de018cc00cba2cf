// Measures what a diff costs the event loop on the worst pairs of texts we could construct (each at most 10,000 UTF-16
// code units, the store's limit): `tweet.diff`'s diffTexts, and encodeDelta, which every edit and revert runs.
// In process: median and max of R runs per pair, after a warm-up. With --server, also end to end on a throw-away server:
// a tweet of 11 long random links (~9,800 units, weighted 263) rewritten with 11 others, its diff fetched anonymously
// R times one by one and R times as a batch of two, and the server's event-loop delay max (system.onStats).
// Run: npx tsx scripts/measure-diff.ts [R=15] [--server]
import { closeClient, createClient } from '@tweetstore/client';
import { applyDelta, diffTexts, encodeDelta } from '@tweetstore/core';
import { startServerProcess, tempDataDir } from '../apps/server/test/harness.ts';

const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 15);
const MAX = 10_000;

function randomText(seed: number, alphabet: readonly string[], units = MAX): string {
  let s = seed;
  let out = '';
  for (;;) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const next = alphabet[Math.floor((s / 2 ** 32) * alphabet.length)]!;
    if (out.length + next.length > units) return out;
    out += next;
  }
}
const ALNUM = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
const urls = (seed: number) =>
  Array.from({ length: 11 }, (_, i) => `https://example${i}.com/${randomText(seed + i, [...ALNUM, '-', '_', '/', '.'], 868)}x`).join(' ');
const WORDS = 'the quick brown fox jumps over lazy dog shipping timeline today loads twice fast keeps your place new posts'.split(' ');
const prose = (seed: number) => randomText(seed, WORDS.map((w) => `${w} `));
const everyNth = (text: string, n: number) => Array.from(text, (c, i) => (i % n === n >> 1 ? 'Z' : c)).join('');
const CJK = [...'日本語中文字漢字東京大阪北京上海我你他的是在有不了人'];
const EMOJI = ['👨‍👩‍👧', '👍🏽', '🇸🇪', '😀', '🎉', ' '];
const astral = String.fromCodePoint(...Array.from({ length: 4999 }, (_, i) => 0x20000 + i));

const pairs: [name: string, a: string, b: string][] = [
  ['11 long random links (the report)', urls(1), urls(100)],
  ['random letters', randomText(3, ALNUM), randomText(4, ALNUM)],
  ['random a/b', randomText(5, ['a', 'b']), randomText(6, ['a', 'b'])],
  ['random one-letter words', randomText(7, ['a ', 'b ', '. ']), randomText(8, ['a ', 'b ', '. '])],
  ['prose vs other prose', prose(9), prose(10)],
  ['prose, words shuffled', prose(9), prose(9).split(' ').reverse().join(' ')],
  ['prose, a letter every 50', prose(9), everyNth(prose(9), 50)],
  ['prose, a letter every 200', prose(9), everyNth(prose(9), 200)],
  ['prose, two edits far apart', prose(9), `X${prose(9).slice(1, 5000)}Y${prose(9).slice(5001)}`],
  ["'a.' shifted by one", 'a.'.repeat(5000), '.a'.repeat(5000)],
  ['runs swapped', 'a'.repeat(5000) + 'b'.repeat(5000), 'b'.repeat(5000) + 'a'.repeat(5000)],
  ['ends swapped', `x${'a'.repeat(9998)}y`, `y${'a'.repeat(9998)}x`],
  // the semantic cleanup slides an edit along a repeated run, rebuilding the edit at each step
  ['60 units inserted in a 4,800-unit run', `Q${'ab'.repeat(2400)}Z${'x'.repeat(100)}W`, `R${'ab'.repeat(2430)}Z${'x'.repeat(100)}V`],
  ['regional indicators shifted', '🇺🇸'.repeat(2500), `🇸${'🇺🇸'.repeat(2499)}🇺`],
  ['combining marks', `${'e\u0301'.repeat(2500)}x${'a\u0300'.repeat(2499)}`, `${'a\u0300'.repeat(2500)}y${'e\u0301'.repeat(2499)}`],
  ['emoji sequences', randomText(11, EMOJI), randomText(12, EMOJI)],
  ['5,000 astral code points shifted', astral, `x${astral.slice(2)}y`],
  ['random CJK', randomText(13, CJK), randomText(14, CJK)],
  ['CJK, a character every 50', randomText(13, CJK), everyNth(randomText(13, CJK), 50)],
  ['empty vs 10,000 letters', '', randomText(15, ALNUM)],
  ['100 vs 10,000 letters', randomText(16, ALNUM, 100), randomText(17, ALNUM)],
  // encodeDelta's own worst: a differing middle just inside its 32x32 rule, so the diff search runs
  ['2 vs 512 in 10,000 (delta rule edge)', `${'k'.repeat(4000)}Q!${'k'.repeat(4000)}`, `${'k'.repeat(4000)}${randomText(18, ALNUM, 512)}${'k'.repeat(4000)}`],
  ['32 vs 32 in 10,000 (delta rule edge)', `${'k'.repeat(4900)}${randomText(19, ALNUM, 32)}${'k'.repeat(4900)}`, `${'k'.repeat(4900)}${randomText(20, ALNUM, 32)}${'k'.repeat(4900)}`],
];

/** Wall time (median, max) and CPU time (median, max) of R runs: on a shared machine the wall time also counts waiting
 * for a core, the CPU time only the work (and garbage collection, on any thread). */
function time(f: () => void): { median: number; max: number; cpu: number; cpuMax: number } {
  const [wall, cpu]: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    const [t0, c0] = [performance.now(), process.cpuUsage()];
    f();
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  const mid = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1]!;
  return { median: mid(wall), max: Math.max(...wall), cpu: mid(cpu), cpuMax: Math.max(...cpu) };
}

for (const [, a, b] of pairs) diffTexts(a, b), encodeDelta(a, b); // warm-up: compile before measuring
let [worstDiff, worstDiffCpu, worstDelta, worstDeltaCpu] = [0, 0, 0, 0];
console.log(`${'pair'.padEnd(38)} ${'diffTexts wall median/max, CPU median/max'.padEnd(40)} granularity  encodeDelta (same)`);
for (const [name, a, b] of pairs) {
  const diff = diffTexts(a, b);
  const from = diff.ops.filter(([op]) => op !== 1).map(([, t]) => t).join('');
  const to = diff.ops.filter(([op]) => op !== -1).map(([, t]) => t).join('');
  if (from !== a || to !== b || applyDelta(a, encodeDelta(a, b)) !== b) throw new Error(`${name}: not exact`);
  const d = time(() => diffTexts(a, b));
  const e = time(() => encodeDelta(a, b));
  [worstDiff, worstDiffCpu] = [Math.max(worstDiff, d.median), Math.max(worstDiffCpu, d.cpu)];
  [worstDelta, worstDeltaCpu] = [Math.max(worstDelta, e.median), Math.max(worstDeltaCpu, e.cpu)];
  const ms = (t: ReturnType<typeof time>) => `${t.median.toFixed(2)}/${t.max.toFixed(1)}, ${t.cpu.toFixed(1)}/${t.cpuMax.toFixed(1)} ms`;
  console.log(`${name.padEnd(38)} ${ms(d).padEnd(40)} ${diff.granularity.padEnd(12)} ${ms(e)}`);
}
console.log(
  `worst pair's median of ${runs} runs: diffTexts ${worstDiff.toFixed(2)} ms wall, ${worstDiffCpu.toFixed(1)} ms CPU; ` +
    `encodeDelta ${worstDelta.toFixed(2)} ms wall, ${worstDeltaCpu.toFixed(1)} ms CPU`,
);

if (process.argv.includes('--server')) {
  const data = await tempDataDir();
  const server = await startServerProcess(data.dir);
  try {
    const anon = createClient({ url: server.url });
    const { token } = await anon.auth.register.mutate({ username: 'measure', password: 'measure-password-1' });
    const api = createClient({ url: server.url, token });
    const tweet = await api.tweet.create.mutate({ content: urls(1) });
    await api.tweet.edit.mutate({ id: tweet.id, content: urls(100) });
    let loopMax = 0;
    const stats = api.system.onStats.subscribe(undefined, { onData: (s) => void (loopMax = Math.max(loopMax, s.eventLoopDelayMs.max)) });
    const second = () => new Promise((r) => setTimeout(r, 1200));
    const input = { id: tweet.id, from: 1, to: 2 };
    await anon.tweet.diff.query(input); // warm-up: the server compiles the diff code on its first call
    await second(); // a quiet second of stats before
    loopMax = 0;
    // the floor on this machine: as many batches reading the tweet and its versions (the same texts), no diff
    for (let i = 0; i < runs; i++) await Promise.all([anon.tweet.get.query({ id: tweet.id }), anon.tweet.versions.query({ id: tweet.id })]);
    await second();
    const floor = loopMax;
    loopMax = 0;
    let granularity = '';
    for (let i = 0; i < runs; i++) granularity = (await anon.tweet.diff.query(input)).granularity;
    await second();
    const single = loopMax;
    loopMax = 0;
    for (let i = 0; i < runs; i++) await Promise.all([anon.tweet.diff.query(input), anon.tweet.diff.query({ ...input, from: 2, to: 1 })]);
    await second();
    stats.unsubscribe();
    console.log(
      `server, ${tweet.content.length}-unit tweet of 11 links rewritten (${granularity}): event-loop delay max ${single.toFixed(1)} ms over ` +
        `${runs} anonymous diffs, ${loopMax.toFixed(1)} ms over ${runs} batches of two (${floor.toFixed(1)} ms over ${runs} batches reading the tweet and its versions)`,
    );
    await Promise.all([closeClient(api), closeClient(anon)]);
  } finally {
    await server.kill('SIGTERM');
    await data.remove();
  }
}

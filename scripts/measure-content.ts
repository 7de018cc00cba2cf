// Measures what checking a tweet's text costs (core's contentSchema: what the API runs for every create and edit, and
// its checkContent what the web composer runs on every keystroke) on the worst shapes we know, each filled to
// MAX_CONTENT_CODE_UNITS, next to twitter-text's own extractors on the same text (what parsing ran before), then on
// random texts made of URL-like pieces. With --http, also sends HTTP batches of 10 creates of a few of those (and of
// "hi") to a throw-away server and reads its event-loop delay (system.onStats).
// Run: npx tsx scripts/measure-content.ts [--fuzz=N] [--http [--batches=N]]
import { contentSchema, MAX_CONTENT_CODE_UNITS, parseContent } from '@tweetstore/core';
import fc from 'fast-check';
import twitterText from 'twitter-text';

const args = process.argv.slice(2);
const fuzzRuns = Number(args.find((a) => a.startsWith('--fuzz='))?.slice(7) ?? 300);
const batches = Number(args.find((a) => a.startsWith('--batches='))?.slice(10) ?? 20);

const fill = (unit: string) => unit.repeat(Math.ceil(MAX_CONTENT_CODE_UNITS / unit.length)).slice(0, MAX_CONTENT_CODE_UNITS);
const SHAPES: Record<string, string> = Object.fromEntries(
  [
    'a.', 'aa.', 'a-', 'a.a-.', 'a.b-', 'a_.', 'q_y.co.', 'x_y.com.', 'ab.co.', '.a.co', 'a.com', 'e.co ', 'e.co,', 'x.co/', 'a.co/',
    'www.', 'é.', 'ü.', '字.', 'ﾟ.', '字.中国', 'http://', 'https://a', 'http://a.', '#', '#a', '#1', '_#', '@', '@a', 'RT@', 'x@', '$',
    '$a ', ':', '/', '.', '!?,;', '(', 'a', 'a ', '字', '😀', '👨\u200D', '🏴\u{E0067}', '\u200B', '1\uFE0F\u20E3', 'a.b #c @d e.co/ 字😀 ',
  ].map((unit) => [unit, fill(unit)]),
);
SHAPES['http://a.co/ + ('] = `http://a.co/${fill('(')}`.slice(0, MAX_CONTENT_CODE_UNITS);
SHAPES['http://a.co/ + ((a'] = `http://a.co/${fill('((a')}`.slice(0, MAX_CONTENT_CODE_UNITS);
SHAPES['http://a.co/? + !'] = `http://a.co/?${fill('!')}`.slice(0, MAX_CONTENT_CODE_UNITS);
SHAPES['#1…1'] = `#${fill('1')}`.slice(0, MAX_CONTENT_CODE_UNITS);

/** CPU milliseconds of one synchronous call (the process's, so a busy machine does not inflate it): the median of
 * `runs`, after one call to warm up. */
function time(run: () => unknown, runs = 5): number {
  run();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    run();
    const { user, system } = process.cpuUsage(before);
    ms.push((user + system) / 1000);
  }
  return ms.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const plain = (text: string) => {
  twitterText.extractUrlsWithIndices(text);
  twitterText.extractHashtagsWithIndices(text);
  twitterText.extractMentions(text);
};

console.log(`CPU ms per call, median of 5\nshape (filled to ${MAX_CONTENT_CODE_UNITS} code units)   contentSchema   parseContent   twitter-text's extractors`);
const rows = Object.entries(SHAPES).map(([name, text]) => ({ name, check: time(() => contentSchema.safeParse(text)), parse: time(() => parseContent(text)), plain: time(() => plain(text), 1) }));
for (const r of rows.sort((a, b) => b.check - a.check)) {
  console.log(`${JSON.stringify(r.name).padEnd(40)} ${r.check.toFixed(2).padStart(13)} ${r.parse.toFixed(2).padStart(14)} ${r.plain.toFixed(2).padStart(27)}`);
}

const piece = fc.constantFrom(
  'a', 'b', '7', 'é', '字', '😀', '.', '.', '-', '_', '/', ':', '?', '#', '@', '(', ')', '!', ' ', ',', '\u200D', '\uFE0F',
  'com', 'co', 'jp', 'xn--p1ai', '中国', 'http://', 'https://', 'www.', '.com', 'e.co ', 'x.co/',
);
let worst = { ms: 0, recipe: '' };
for (const units of fc.sample(fc.array(piece, { minLength: 1, maxLength: 6 }), fuzzRuns)) {
  const text = fill(units.join(''));
  const ms = time(() => contentSchema.safeParse(text), 3);
  if (ms > worst.ms) worst = { ms, recipe: units.join('') };
}
console.log(`\nfuzz: ${fuzzRuns} texts, each a random unit of 1-6 pieces repeated to ${MAX_CONTENT_CODE_UNITS} code units; slowest contentSchema ${worst.ms.toFixed(2)} ms on ${JSON.stringify(worst.recipe)}`);

if (args.includes('--http')) await measureHttp({ hi: 'hi', 'a × 10000': fill('a'), 'a. × 5000': fill('a.'), '字. × 5000': fill('字.'), 'e.co  × 2000': fill('e.co ') });

async function measureHttp(contents: Record<string, string>): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const { closeClient, createClient } = await import('@tweetstore/client');
  const { startServerProcess, tempDataDir } = await import('../apps/server/test/harness.ts');
  const data = await tempDataDir();
  const server = await startServerProcess(data.dir, { TWEETSTORE_RATE_LIMITS: 'off' });
  /** The server process's CPU time so far (Linux: utime + stime in /proc/<pid>/stat, clock ticks of 10 ms). */
  const serverCpuMs = () => {
    const fields = readFileSync(`/proc/${server.process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  try {
    const anon = createClient({ url: server.url });
    const { token } = await anon.auth.register.mutate({ username: 'measure', password: 'measure-password-1' });
    const api = createClient({ url: server.url, token });
    console.log(`\nHTTP batches of 10 tweet.create calls (one request each), ${batches} one after another: the server's CPU per batch, and its largest event-loop delay`);
    for (const [name, content] of Object.entries(contents)) {
      let loopMax = 0;
      const stats = api.system.onStats.subscribe(undefined, { onData: (s) => void (loopMax = Math.max(loopMax, s.eventLoopDelayMs.max)) });
      await new Promise((r) => setTimeout(r, 1500)); // a quiet second of stats before
      loopMax = 0;
      const cpuBefore = serverCpuMs();
      let refused = 0;
      for (let i = 0; i < batches; i++) {
        // Ten mutations in one tick: httpBatchLink sends them as one request.
        const answers = await Promise.allSettled(Array.from({ length: 10 }, () => api.tweet.create.mutate({ content })));
        refused += answers.filter((a) => a.status === 'rejected').length;
      }
      const cpu = (serverCpuMs() - cpuBefore) / batches;
      await new Promise((r) => setTimeout(r, 1200)); // the last second's stats
      stats.unsubscribe();
      console.log(`${name.padEnd(14)} ${refused}/${batches * 10} refused; server CPU ${cpu.toFixed(1)} ms per batch; event-loop delay max ${loopMax.toFixed(0)} ms`);
    }
    await Promise.all([closeClient(api), closeClient(anon)]);
  } finally {
    await server.kill('SIGTERM');
    await data.remove();
  }
}

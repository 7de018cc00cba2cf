// The PostgreSQL rows' path, run as `npm run bench` runs it, through a tiny workload so that it cannot rot: the
// orchestrator seeds a database through the engine, copies it for each stage, runs the one-INSERT baseline, the
// full-text search baseline (pg-fts, queried by the generator itself), one instance (a search too) and two instances (WebSocket, and HTTP split over both instances) on this machine's PostgreSQL and Redis,
// prints the PostgreSQL block, and drops every database it made. No figure is judged, only that each row answered.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbUrl, ensureServices } from '../src/postgres.ts';
import type { StoreLevel } from '../src/postgres-report.ts';
import type { RowResult } from '../src/report.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('the PostgreSQL rows of npm run bench', () => {
  let results: string;
  beforeAll(async () => {
    // PostgreSQL or Redis down: started here, or the test fails naming the command that starts it
    await ensureServices();
    results = await mkdtemp(path.join(tmpdir(), 'tweetstore-bench-pg-test-'));
  });
  afterAll(() => rm(results, { recursive: true, force: true }));

  it('runs the baseline and the engine with 1 and 2 instances, and drops its databases', { timeout: 300_000 }, async () => {
    const args = [
      '--import',
      'tsx',
      MAIN,
      '--quick',
      '--postgres-size=300',
      // a warm-up first: on a machine busy with other work a just-started server answered nothing in a 0.5 s window
      '--duration=1',
      '--warmup=1',
      `--results=${results}`,
      '--only=(pg-baseline|pg-insert-only|postgres-1|postgres-2) create ws|postgres-2 get http|pg-baseline get ws|postgres-2 fanout|pg-store|(pg-fts|postgres-1) search one-word',
      // the fan-out row's subscribers spread over both instances, few of them here
      '--fanout-subs=40',
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, stderr.slice(-3000)).toBe(0);

    const json = JSON.parse(await readFile(path.join(results, 'latest.json'), 'utf8')) as { rows: RowResult[]; stages: { database?: string }[]; storeLevel: StoreLevel };
    // the fan-out: creates on one instance, subscribers on both, every create delivered to every subscriber once
    const fanout = json.rows.filter((r) => r.scenario === 'fanout');
    expect(fanout.length).toBeGreaterThan(0);
    expect(fanout[0]).toMatchObject({ target: 'postgres-2', errors: 0, fanout: { subscribers: 40, rate: 20 } });
    expect(fanout[0]!.fanout!.expected).toBeGreaterThan(0);
    json.rows = json.rows.filter((r) => r.scenario !== 'fanout');
    const rows = json.rows.map((r) => `${r.target} ${r.scenario} ${r.transport}`);
    expect(rows).toEqual([
      'pg-baseline get ws',
      'pg-baseline create ws',
      'pg-fts search one-word sql',
      'pg-insert-only create ws',
      'postgres-1 search one-word ws',
      'postgres-1 create ws',
      'postgres-2 get http',
      'postgres-2 create ws',
    ]);
    for (const r of json.rows) {
      expect(r.errors, `${r.target} ${r.scenario} ${r.transport}: ${r.errorSamples.join('; ')}`).toBe(0);
      expect(r.stored).toBeGreaterThanOrEqual(300);
    }
    // each target answered in its windows, and its database's backends were found and read (no figure is judged)
    for (const target of ['pg-baseline', 'pg-fts', 'pg-insert-only', 'postgres-1', 'postgres-2']) {
      const answered = json.rows.filter((r) => r.target === target && r.opsPerSec > 0);
      expect(answered.length, `${target} answered nothing in its windows`).toBeGreaterThan(0);
      expect(answered.every((r) => r.dbCpuUsPerOp !== null && r.dbXactsPerOp !== null)).toBe(true);
    }
    // pg-fts has no server: the generator queries the database itself
    expect(json.rows.map((r) => r.instances)).toEqual([1, 1, 0, 1, 1, 1, 2, 2]);
    // the same query through the engine and in PostgreSQL's own full-text search, side by side, with what each found
    const [fts, engine] = ['pg-fts', 'postgres-1'].map((target) => json.rows.find((r) => r.target === target && r.scenario === 'search one-word')!);
    expect(fts!.search!.matches).toBeGreaterThan(0);
    expect(engine!.search!.matches).toBeGreaterThan(0);
    expect(fts!.search!.firstPage).toHaveLength(20);
    expect(engine!.search!.firstPage).toHaveLength(20);
    expect(stdout).toContain('Search and trends rows (issue 15 point 7)');
    expect(stdout).toMatch(/postgres-1 +search one-word +300 +coffee .* \d+\.\d× +- +[=≠] pg-fts/);
    expect(stdout).toContain('PostgreSQL rows (issue 14 point 7)');
    expect(stdout).toMatch(/(PASS|FAIL) {2}PostgreSQL engine create over ws at 300 ≥ 0\.8× the same server whose create is one durable INSERT/);
    expect(stdout).toMatch(/PASS {2}40 subscribers across 2 instances at 20 creates\/s: every event delivered to every subscriber, once/);
    expect(stdout).toMatch(/info {2}PostgreSQL engine create over ws at 300 ≥ 0\.8× a tRPC server doing only one durable INSERT per create/);
    // the engine at its port against one INSERT per create, and one that also makes the text findable: all answered at
    // 1, 8 and 64 callers
    expect(json.storeLevel.results.map((r) => `${r.callers} ${r.kind}`)).toEqual(
      [1, 8, 64].flatMap((n) => [`${n} engine`, `${n} baseline`, `${n} search-baseline`]),
    );
    for (const r of json.storeLevel.results) expect(r.opsPerSec, `${r.callers} ${r.kind}`).toBeGreaterThan(0);
    expect(stdout).toContain('PostgreSQL engine at its port (pg-store.ts, at 300 tweets)');
    expect(stdout).toMatch(/(PASS|FAIL) {2}PostgreSQL engine create at its port, 64 callers, at 300 ≥ 0\.8× one durable INSERT per create through the same pool/);
    expect(stdout).toMatch(/info {2}PostgreSQL engine create at its port, 64 callers, against one durable INSERT with its tsvector in a GIN index \(not a target\): [\d,]+ \/ [\d,]+ creates\/s = [\d.]+×/);

    // every database the run made is gone (the seeded one included)
    const made = json.stages.flatMap((s) => (s.database ? [s.database] : []));
    expect(made).toHaveLength(5);
    const run = made[0]!.replace(/_baseline$/, '');
    const sql = postgres(dbUrl('postgres'), { max: 1, onnotice: () => {} });
    try {
      const left = await sql<{ datname: string }[]>`select datname from pg_database where datname like ${`${run}%`}`;
      expect(left).toEqual([]);
    } finally {
      await sql.end();
    }
  });
});

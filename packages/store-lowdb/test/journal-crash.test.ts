// Crash safety with a real process: a child appends and prints each acknowledged seq; we SIGKILL it mid-stream
// and reopen. SIGKILL keeps the page cache, so this proves ack-after-write and recovery, not fdatasync itself.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { openJournal, type JournalRecord } from '../src/journal/index.ts';

const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const journalModule = pathToFileURL(join(packageRoot, 'src/journal/index.ts')).href;
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Shared by the child (as source text) and the check, so payloads can be verified per seq. */
const payloadOf = (seq: number) => JSON.stringify({ type: 'Liked', seq, pad: 'x'.repeat((seq * 7) % 300) });

const childSource = `
import { openJournal } from ${JSON.stringify(journalModule)};
const payloadOf = ${payloadOf.toString()};
const quiet = { info() {}, warn() {}, error() {} };
const journal = await openJournal({ dir: process.argv[2], segmentBytes: 16 * 1024, logger: quiet });
let seq = journal.lastSeq;
const inFlight = new Set();
for (;;) {
  while (inFlight.size < 64) {
    const mine = ++seq;
    const ack = journal.append(mine, payloadOf(mine)).then(() => {
      process.stdout.write(mine + '\\n');
      inFlight.delete(ack);
    });
    inFlight.add(ack);
  }
  await Promise.race(inFlight);
}
`;

/** Runs the child until it has acknowledged `acks` seqs, SIGKILLs it, and returns every seq it acknowledged. */
async function runAndKill(script: string, dir: string, acks: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: number[] = [];
  let partial = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) acked.push(Number(line));
    if (acked.length >= acks) child.kill('SIGKILL');
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  expect(signal, `child exited by itself (code ${code}): ${stderr}`).toBe('SIGKILL');
  return acked;
}

it('keeps every acknowledged record across 5 SIGKILLs mid-append', { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tweetstore-journal-crash-'));
  dirs.push(dir);
  const script = join(dir, 'child.mjs');
  await writeFile(script, childSource);
  const journalDir = join(dir, 'journal');
  const allAcked: number[] = [];
  for (let round = 0; round < 5; round++) {
    const acked = await runAndKill(script, journalDir, 500 + Math.floor(Math.random() * 3_000));
    expect(acked.length).toBeGreaterThan(0);
    allAcked.push(...acked);

    const journal = await openJournal({ dir: journalDir, segmentBytes: 16 * 1024, logger: { info() {}, warn() {}, error() {} } });
    const records: JournalRecord[] = [];
    for await (const record of journal.read(0)) records.push(record);
    await journal.close();
    expect(journal.lastSeq).toBeGreaterThanOrEqual(Math.max(...allAcked));
    expect(records.map((record) => record.seq)).toEqual(Array.from({ length: journal.lastSeq }, (_, index) => index + 1));
    for (const record of records) expect(record.payload).toBe(payloadOf(record.seq));
    expect(new Set(records.map((record) => record.seq))).toSatisfy((present: Set<number>) => allAcked.every((seq) => present.has(seq)));
  }
});

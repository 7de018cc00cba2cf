// `npm run hostile`: tweetstore tried as an attacker would, on a fresh server of its own (default settings, the bench's
// probe preloaded at 1 ms resolution), one request at a time so that each one's effect on the event loop is its own:
//   1. the hostile-input corpus of the tests (apps/server/test/hostile/corpus.ts), over HTTP and WebSocket;
//   2. random input to every procedure (fast-check), over HTTP and WebSocket;
//   3. every limit of API.md pushed past, each from its own address (the server trusts 127.0.0.1 as a proxy);
//   4. the same secrets the visibility tests use, looked for in every read and replay anyone else can make;
//   5. slow and idle sockets: uploads that declare 100 MiB and send slowly, and idle connections.
// It prints one table and a summary (inputs, requests, 5xx, crashes, leaks, the longest event-loop delay one request
// caused), and writes the same as JSON to packages/bench/results/. Ctrl-C stops it and its server.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import WebSocket from 'ws';
import { envelope } from '../../../apps/server/test/hostile/arbitraries.ts';
import { asExpected, hostileCases, type HostileCase, type Outcome, type Target } from '../../../apps/server/test/hostile/corpus.ts';
import { killAll, startServer, type ServerChild } from './proc.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const SERVER_MAIN = here('../../../apps/server/src/main.ts');
const RESULTS = here('../results/');
const FUZZ_RUNS = Number(process.env.HOSTILE_FUZZ_RUNS ?? 1_000);

interface Row {
  phase: string;
  group: string;
  inputs: number;
  requests: number;
  expected: number;
  fiveHundreds: number;
  worstLoopMs: number;
  worstInput: string;
  notes: string[];
}

const rows: Row[] = [];
let server: ServerChild;
let requests = 0;
let progressTotal = 0;
let progressDone = 0;

/** A count on the terminal (not in a log): how far the run is, and how to stop it. */
function progress(label: string): void {
  progressDone++;
  if (!process.stderr.isTTY) return;
  if (progressDone % 25 === 0 || progressDone === progressTotal) {
    process.stderr.write(`\r  ${progressDone}/${progressTotal} ${label.padEnd(40).slice(0, 40)} (Ctrl-C stops)`);
  }
}

function row(phase: string, group: string): Row {
  const r: Row = { phase, group, inputs: 0, requests: 0, expected: 0, fiveHundreds: 0, worstLoopMs: 0, worstInput: '', notes: [] };
  rows.push(r);
  return r;
}

/** Runs `work` alone on the server and returns the longest event-loop delay it caused (ms, 1 ms resolution). */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; loopMs: number }> {
  await server.probeReset();
  const value = await work();
  await new Promise((r) => setTimeout(r, 5)); // a stall that starts just after the answer is this input's too
  const stats = await server.probeRead();
  if (!stats) throw new Error('the server stopped answering its probe (crashed or stalled over 30 s)');
  return { value, loopMs: stats.maxMs };
}

function note(r: Row, name: string, loopMs: number): void {
  if (loopMs > r.worstLoopMs) {
    r.worstLoopMs = loopMs;
    r.worstInput = name;
  }
}

// --- 1. the corpus -------------------------------------------------------------------------------------------------
async function corpus(target: Target): Promise<void> {
  const cases = hostileCases(target);
  const byGroup = new Map<string, HostileCase[]>();
  for (const c of cases) byGroup.set(c.group, [...(byGroup.get(c.group) ?? []), c]);
  let n = 0;
  for (const [group, list] of byGroup) {
    const r = row('corpus', group);
    for (const c of list) {
      // each case from an address of its own: per-address limits (sign-ups: 10 an hour) must not answer for it
      n++;
      const from: Target = { ...target, headers: { 'x-forwarded-for': `198.19.${n >> 8}.${n & 255}` } };
      const { value: outcome, loopMs } = await measured(() => c.run(from));
      r.inputs++;
      r.requests++;
      requests++;
      if (asExpected(c, outcome)) r.expected++;
      else r.notes.push(`${c.name}: ${outcome.status} ${outcome.code}`);
      if (outcome.status >= 500 && outcome.status < 600) r.fiveHundreds++;
      note(r, c.name, loopMs);
      progress(group);
    }
  }
}

// --- 2. random input ---------------------------------------------------------------------------------------------------
async function fuzz(target: Target, procedures: { path: string; type: string }[]): Promise<void> {
  const r = row('random', `every procedure × ${FUZZ_RUNS} inputs, HTTP and WebSocket`);
  const samples = fc.sample(fc.tuple(fc.constantFrom(...procedures), envelope, fc.boolean(), fc.boolean()), { numRuns: FUZZ_RUNS, seed: 13 });
  const socket = new WebSocket(`${target.url.replace(/^http/, 'ws')}/trpc`, { headers: { authorization: `Bearer ${target.token}` } });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let id = 0;
  for (const [{ path, type }, input, overWs, signedIn] of samples) {
    const name = `${path} ${JSON.stringify(input).slice(0, 80)}`;
    const { value: status, loopMs } = await measured(async () => {
      if (overWs && type !== 'subscription') {
        const callId = ++id;
        socket.send(JSON.stringify({ id: callId, method: type, params: { path, input } }));
        const reply = await new Promise<{ error?: { json?: { data?: { httpStatus?: number } } } }>((resolve) => {
          const onMessage = (data: WebSocket.RawData) => {
            const m = JSON.parse(data.toString()) as { id?: number | null; error?: { json?: { data?: { httpStatus?: number } } } };
            if (m.id === callId || m.id === null) {
              socket.off('message', onMessage);
              resolve(m);
            }
          };
          socket.on('message', onMessage);
        });
        return reply.error?.json?.data?.httpStatus ?? 200;
      }
      const headers: Record<string, string> = signedIn ? { authorization: `Bearer ${target.token}` } : {};
      const encoded = JSON.stringify(input);
      const response =
        type === 'mutation'
          ? await fetch(`${target.url}/trpc/${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: encoded })
          : await fetch(`${target.url}/trpc/${path}?input=${encodeURIComponent(encoded)}`, { headers });
      await response.arrayBuffer();
      return response.status;
    });
    r.inputs++;
    r.requests++;
    requests++;
    if (status < 500) r.expected++;
    else {
      r.fiveHundreds++;
      r.notes.push(`${status}: ${name}`);
    }
    note(r, name, loopMs);
    progress('random input');
  }
  socket.close();
}

// --- 3. limits ---------------------------------------------------------------------------------------------------
interface Answer {
  status: number;
  retryAfter: string | null;
  retryAfterMs: number | null;
}

async function trpc(target: Target, path: string, json: unknown, from: string, token?: string, method: 'GET' | 'POST' = 'POST'): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-forwarded-for': from };
  if (token) headers.authorization = `Bearer ${token}`;
  const url = method === 'GET' ? `${target.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json }))}` : `${target.url}/trpc/${path}`;
  const response = await fetch(url, { method, headers, body: method === 'POST' ? JSON.stringify({ json }) : undefined });
  const body = (await response.json()) as { error?: { json?: { data?: { retryAfterMs?: number } } }; result?: { data?: { json?: unknown } } };
  requests++;
  return { status: response.status, retryAfter: response.headers.get('retry-after'), retryAfterMs: body.error?.json?.data?.retryAfterMs ?? null };
}

/** Sends until refused (at most `max`); the row records how many passed and whether the refusal said how long to wait. */
async function pushPast(name: string, max: number, send: (i: number) => Promise<Answer>, allowed: number): Promise<void> {
  const r = row('limits', name);
  let passed = 0;
  let refusal: Answer | null = null;
  await server.probeReset();
  for (let i = 0; i < max && !refusal; i++) {
    const answer = await send(i);
    r.requests++;
    r.inputs++;
    if (answer.status >= 500) r.fiveHundreds++;
    if (answer.status === 429) refusal = answer;
    else if (answer.status < 400) passed++;
    progress(name);
  }
  const stats = await server.probeRead();
  note(r, `${name} (the whole push)`, stats?.maxMs ?? Infinity);
  const typed = refusal !== null && refusal.retryAfterMs !== null && refusal.retryAfterMs > 0 && refusal.retryAfter === String(Math.ceil(refusal.retryAfterMs / 1000));
  if (passed === allowed && typed) r.expected = r.inputs;
  r.notes.push(`${passed} let through, then ${refusal ? `429, retryAfterMs ${refusal.retryAfterMs}, Retry-After ${refusal.retryAfter}` : 'never refused'}`);
}

async function register(target: Target, username: string, from: string): Promise<string> {
  const response = await fetch(`${target.url}/trpc/auth.register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ json: { username, password: 'hostile-password' } }),
  });
  requests++;
  return ((await response.json()) as { result: { data: { json: { token: string } } } }).result.data.json.token;
}

async function limits(target: Target): Promise<void> {
  await pushPast('auth.register: 10 per hour per address', 20, (i) => trpc(target, 'auth.register', { username: `signup${i}`, password: 'hostile-password' }, '198.18.0.1'), 10);
  await register(target, 'victim', '198.18.0.2');
  await pushPast('failed auth.login: 10 per 15 min per username', 20, (i) => trpc(target, 'auth.login', { username: 'victim', password: `guess-${i}` }, '198.18.0.3'), 0);
  const writer = await register(target, 'writer', '198.18.0.4');
  await pushPast('writes: 300 per 5 min per account', 400, (i) => trpc(target, 'tweet.create', { content: `post ${i}` }, `198.18.1.${i % 250}`, writer), 300);
  const fan = await register(target, 'fan', '198.18.0.5');
  await pushPast('engage: 1,000 per 5 min per account', 1_200, (i) => trpc(target, 'tweet.engage', { id: target.tweetId, action: i % 2 ? 'unlike' : 'like' }, `198.18.2.${i % 250}`, fan), 1_000);
  await pushPast('every call: 7,500 per 5 min per address', 8_000, () => trpc(target, 'system.health', undefined, '198.18.0.6', undefined, 'GET'), 7_500);
  // parallel guesses at once: the first 10 are checked, the rest refused before any password is
  const guesses = row('limits', 'failed auth.login: 25 wrong + the right password in one batch');
  await register(target, 'batched', '198.18.0.7');
  const batch = await Promise.all([...Array.from({ length: 25 }, (_, i) => trpc(target, 'auth.login', { username: 'batched', password: `wrong-${i}` }, '198.18.0.8')), trpc(target, 'auth.login', { username: 'batched', password: 'hostile-password' }, '198.18.0.8')]);
  guesses.inputs = guesses.requests = batch.length;
  const checked = batch.filter((a) => a.status === 401).length;
  const rightOne = batch.at(-1)!.status;
  guesses.expected = checked <= 10 && rightOne === 429 ? batch.length : 0;
  guesses.notes.push(`${checked} checked (401), ${batch.filter((a) => a.status === 429).length} refused (429); the right password: ${rightOne}`);
  // subscriptions per socket
  const subs = row('limits', 'subscriptions: 100 per WebSocket');
  const socket = new WebSocket(`${target.url.replace(/^http/, 'ws')}/trpc`);
  await new Promise((resolve) => socket.once('open', resolve));
  const replies: { id: number; result?: { type: string }; error?: { json: { data: { code: string; retryAfterMs?: number } } } }[] = [];
  socket.on('message', (d) => replies.push(JSON.parse(d.toString())));
  await server.probeReset();
  for (let i = 1; i <= 150; i++) socket.send(JSON.stringify({ id: i, method: 'subscription', params: { path: 'tweet.onChange', input: { json: {} } } }));
  while (replies.length < 150) await new Promise((r) => setTimeout(r, 20));
  note(subs, '150 subscriptions on one socket', (await server.probeRead())?.maxMs ?? Infinity);
  const started = replies.filter((m) => m.result?.type === 'started').length;
  const refused = replies.filter((m) => m.error?.json.data.code === 'TOO_MANY_REQUESTS' && (m.error.json.data.retryAfterMs ?? 0) > 0).length;
  subs.inputs = subs.requests = 150;
  requests += 150;
  subs.expected = started === 100 && refused === 50 ? 150 : 0;
  subs.notes.push(`${started} started, ${refused} refused with TOO_MANY_REQUESTS`);
  socket.close();
}

// --- 4. leaks ----------------------------------------------------------------------------------------------------
async function leaks(target: Target): Promise<{ reads: number; leaks: string[] }> {
  const r = row('visibility', 'secrets of drafts, pre-publication versions and archived tweets');
  const author = await register(target, 'secretive', '198.18.0.9');
  const other = await register(target, 'curious', '198.18.0.10');
  const call = async (path: string, json: unknown, token?: string, type: 'query' | 'mutation' = 'query') => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const response =
      type === 'query'
        ? await fetch(`${target.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json }))}`, { headers })
        : await fetch(`${target.url}/trpc/${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ json }) });
    requests++;
    return response.text();
  };
  const idOf = (text: string) => (JSON.parse(text) as { result: { data: { json: { id: string } } } }).result.data.json.id;
  const draft = idOf(await call('tweet.create', { content: 'LEAK-DRAFT-SECRET', draft: true }, author, 'mutation'));
  const prepub = idOf(await call('tweet.create', { content: 'LEAK-PREPUB-SECRET', draft: true }, author, 'mutation'));
  await call('tweet.edit', { id: prepub, content: 'now public' }, author, 'mutation');
  await call('tweet.publish', { id: prepub }, author, 'mutation');
  const archived = idOf(await call('tweet.create', { content: 'LEAK-ARCHIVED-SECRET' }, author, 'mutation'));
  await call('tweet.engage', { id: archived, action: 'like' }, other, 'mutation');
  await call('tweet.archive', { id: archived }, author, 'mutation');
  const secrets = /LEAK-(DRAFT|PREPUB|ARCHIVED)-SECRET/;
  const found: string[] = [];
  let reads = 0;
  for (const [who, token] of [
    ['anonymous', undefined],
    ['another user', other],
  ] as const) {
    const texts: [string, string][] = [];
    for (const id of [draft, prepub, archived]) {
      texts.push([`get ${id}`, await call('tweet.get', { id }, token)]);
      texts.push([`versions ${id}`, await call('tweet.versions', { id }, token)]);
      texts.push([`thread ${id}`, await call('tweet.thread', { id }, token)]);
      for (const [from, to] of [[1, 1], [1, 2], [2, 1], [1, 3]]) texts.push([`diff ${id} ${from}-${to}`, await call('tweet.diff', { id, from, to }, token)]);
    }
    texts.push(['list', await call('tweet.list', { limit: 100 }, token)]);
    texts.push(['list includeArchived', await call('tweet.list', { limit: 100, includeArchived: true }, token)]);
    texts.push(['stats', await call('system.stats', undefined, token)]);
    // both subscriptions, replayed from the start of the stream
    const storeId = /"\d+@([^"]+)"/.exec(await new Promise<string>((resolve) => {
      const s = new WebSocket(`${target.url.replace(/^http/, 'ws')}/trpc`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      s.once('open', () => s.send(JSON.stringify({ id: 1, method: 'subscription', params: { path: 'tweet.onChange', input: { json: {} }, lastEventId: '0@x' } })));
      s.on('message', (d) => {
        const text = d.toString();
        if (text.includes('"reset"') || text.includes('@')) {
          s.close();
          resolve(text);
        }
      });
    }))?.[1];
    for (const [path, input] of [
      ['tweet.onChange', {}],
      ['tweet.onEngagement', { ids: [draft, prepub, archived] }],
    ] as const) {
      texts.push([
        `${path} replayed from 0@storeId`,
        await new Promise<string>((resolve) => {
          const s = new WebSocket(`${target.url.replace(/^http/, 'ws')}/trpc`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
          let all = '';
          s.once('open', () => s.send(JSON.stringify({ id: 1, method: 'subscription', params: { path, input: { json: input }, lastEventId: `0@${storeId}` } })));
          s.on('message', (d) => (all += d.toString()));
          setTimeout(() => {
            s.close();
            resolve(all);
          }, 1_500);
        }),
      ]);
    }
    for (const [read, text] of texts) {
      reads++;
      requests++;
      if (secrets.test(text)) found.push(`${who}: ${read}: ${secrets.exec(text)![0]}`);
    }
  }
  r.inputs = r.requests = reads;
  r.expected = reads - found.length;
  r.notes.push(...found);
  return { reads, leaks: found };
}

// --- 5. slow and idle sockets ----------------------------------------------------------------------------------------
async function slowSockets(target: Target): Promise<{ rssBeforeMb: number; rssDuringMb: number }> {
  const r = row('sockets', '20 uploads declaring 100 MiB, sending 1 KB a second; 200 idle connections');
  const before = (await server.probeRead())!.rssBytes;
  await server.probeReset();
  const held: { destroy(): void }[] = [];
  for (let i = 0; i < 20; i++) {
    const token = await register(target, `uploader${i}`, `198.18.3.${i}`);
    const req = request(new URL('/trpc/media.upload', target.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(100 * 1024 * 1024), 'x-forwarded-for': `198.18.3.${i}` },
    });
    req.on('error', () => undefined);
    req.write('--x\r\ncontent-disposition: form-data; name="file"; filename="a.mp4"\r\ncontent-type: video/mp4\r\n\r\n');
    const timer = setInterval(() => req.write(Buffer.alloc(1024)), 1_000);
    held.push({ destroy: () => (clearInterval(timer), req.destroy()) });
  }
  const idle: Socket[] = [];
  for (let i = 0; i < 200; i++) {
    const { hostname, port } = new URL(target.url);
    const s = connect(Number(port), hostname);
    s.on('error', () => undefined);
    idle.push(s);
  }
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  // everyone else is still served, promptly
  const t0 = performance.now();
  const health = await fetch(`${target.url}/healthz`);
  const healthMs = performance.now() - t0;
  const during = (await server.probeRead())!;
  for (const h of held) h.destroy();
  for (const s of idle) s.destroy();
  r.inputs = r.requests = 220;
  requests += 221;
  r.expected = health.status === 200 ? 220 : 0;
  note(r, 'slow uploads and idle sockets', during.maxMs);
  r.notes.push(`RSS ${Math.round(before / 2 ** 20)} MB before, ${Math.round(during.rssBytes / 2 ** 20)} MB with 20 × 100 MiB declared; /healthz answered ${health.status} in ${healthMs.toFixed(1)} ms meanwhile`);
  return { rssBeforeMb: before / 2 ** 20, rssDuringMb: during.rssBytes / 2 ** 20 };
}

/** The costliest valid work one request can ask for: batches of 50 diffs of the longest versions, and of 50 creates. */
async function costlyBatches(target: Target): Promise<void> {
  const r = row('costly', 'batches of 50: diffs of two 9,800-unit versions, creates of 9,800 units');
  let seed = 7;
  const random = (n: number) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[(seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % 36]).join('');
  // 11 long random links: weighted length 263 (a link weighs 23 whatever its length), 9,800 code units
  const links = () => Array.from({ length: 11 }, (_, i) => `https://x${i}.com/${random(870)}`).join(' ');
  const author = await register(target, 'costly', '198.18.5.1');
  const post = async (path: string, json: unknown) => {
    const response = await fetch(`${target.url}/trpc/${path}`, { method: 'POST', headers: { authorization: `Bearer ${author}`, 'content-type': 'application/json', 'x-forwarded-for': '198.18.5.1' }, body: JSON.stringify({ json }) });
    requests++;
    return (await response.json()) as { result?: { data: { json: { id: string } } } };
  };
  const id = (await post('tweet.create', { content: links() })).result!.data.json.id;
  await post('tweet.edit', { id, content: links() });
  const diffs = `${target.url}/trpc/${Array(50).fill('tweet.diff').join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [i, { json: { id, from: 1, to: 2 } }]))))}`;
  const { value: diffStatus, loopMs: diffLoop } = await measured(async () => (await fetch(diffs, { headers: { 'x-forwarded-for': '198.18.5.2' } })).status);
  note(r, 'a batch of 50 diffs between two 9,800-unit versions (HTTP)', diffLoop);
  const creates = Array.from({ length: 50 }, () => ({ json: { content: links() } }));
  const { value: createStatus, loopMs: createLoop } = await measured(async () => {
    const response = await fetch(`${target.url}/trpc/${Array(50).fill('tweet.create').join(',')}?batch=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${author}`, 'content-type': 'application/json', 'x-forwarded-for': '198.18.5.1' },
      body: JSON.stringify(Object.fromEntries(creates.map((c, i) => [i, c]))),
    });
    await response.arrayBuffer();
    return response.status;
  });
  note(r, 'a batch of 50 creates of 9,800 units each (HTTP)', createLoop);
  requests += 2;
  r.inputs = r.requests = 2;
  r.expected = (diffStatus === 200 ? 1 : 0) + (createStatus === 200 ? 1 : 0);
  r.notes.push(`50 diffs: ${diffStatus}, loop max ${diffLoop.toFixed(1)} ms; 50 creates: ${createStatus}, loop max ${createLoop.toFixed(1)} ms`);
}

/** Thousands of requests in one write, on one connection: started a turn apart, so nobody else waits for them. */
async function floods(target: Target): Promise<void> {
  const r = row('costly', 'floods in one write: 5,000 pipelined HTTP requests, 5,000 WebSocket frames');
  const N = 5_000;
  const from = '198.18.6.1';
  const { hostname, port } = new URL(target.url);
  const { loopMs: httpLoop } = await measured(
    () =>
      new Promise<void>((resolve) => {
        const s = connect(Number(port), hostname, () => s.write(`GET /trpc/system.health HTTP/1.1\r\nhost: x\r\nx-forwarded-for: ${from}\r\n\r\n`.repeat(N)));
        let seen = 0;
        s.on('data', (d: Buffer) => {
          seen += d.toString().split('HTTP/1.1 ').length - 1;
          if (seen >= N) s.destroy();
        });
        s.on('close', () => resolve());
      }),
  );
  note(r, `${N} pipelined HTTP requests in one write`, httpLoop);
  const socket = new WebSocket(`${target.url.replace(/^http/, 'ws')}/trpc`, { headers: { 'x-forwarded-for': '198.18.6.2' } });
  await new Promise((resolve) => socket.once('open', resolve));
  let replies = 0;
  socket.on('message', () => replies++);
  const { loopMs: wsLoop } = await measured(async () => {
    for (let i = 1; i <= N; i++) socket.send(JSON.stringify({ id: i, method: 'query', params: { path: 'system.health' } }));
    while (replies < N) await new Promise((res) => setTimeout(res, 10));
  });
  note(r, `${N} WebSocket frames back to back`, wsLoop);
  socket.close();
  r.inputs = 2;
  r.requests = 2 * N;
  requests += 2 * N;
  r.expected = replies >= N ? 2 : 1;
  r.notes.push(`pipelined: loop max ${httpLoop.toFixed(1)} ms; frames: ${replies} replies, loop max ${wsLoop.toFixed(1)} ms`);
}

/** A socket that never reads while events flow: what the server queues for it is bounded, and given back. */
async function nonReader(target: Target): Promise<string> {
  const r = row('sockets', 'a WebSocket that never reads: 50 subscriptions, 3,000 events');
  const writers = await Promise.all(Array.from({ length: 10 }, (_, i) => register(target, `flood${i}`, `198.18.4.${i}`)));
  const rss = async () => (await server.probeRead())!.rssBytes / 2 ** 20;
  const before = await rss();
  const socket = new WebSocket(`${target.url.replace(/^http/, 'ws')}/trpc`);
  await new Promise((resolve) => socket.once('open', resolve));
  let started = 0;
  socket.on('message', (d) => (started += d.toString().includes('"started"') ? 1 : 0));
  for (let i = 1; i <= 50; i++) socket.send(JSON.stringify({ id: i, method: 'subscription', params: { path: 'tweet.onChange', input: { json: {} } } }));
  while (started < 50) await new Promise((res) => setTimeout(res, 20));
  (socket as unknown as { _socket: { pause(): void } })._socket.pause();
  let peak = before;
  await server.probeReset();
  // long tweets (a URL weighs 23 whatever its length), as the issue's measurement had them
  const url = `https://example.com/${'a'.repeat(900)}`;
  for (let i = 0; i < 3_000; i++) {
    await trpc(target, 'tweet.create', { content: `${url} ${i}` }, `198.18.4.${i % 10}`, writers[i % 10]);
    if (i % 100 === 0) peak = Math.max(peak, await rss());
    progress('a socket that never reads');
  }
  note(r, '3,000 creates with a non-reading subscriber', (await server.probeRead())?.maxMs ?? Infinity);
  peak = Math.max(peak, await rss());
  socket.terminate();
  await new Promise((res) => setTimeout(res, 3_000));
  const after = await rss();
  r.inputs = r.requests = 3_050;
  r.expected = r.inputs;
  const line = `RSS ${Math.round(before)} MB before, at most ${Math.round(peak)} MB while 3,000 events flowed, ${Math.round(after)} MB 3 s after the client went away`;
  r.notes.push(line);
  return line;
}

// --- the run -----------------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const started = Date.now();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tweetstore-hostile-'));
  process.on('SIGINT', () => {
    process.stderr.write('\nstopping…\n');
    void killAll().then(() => rm(dataDir, { recursive: true, force: true })).finally(() => process.exit(130));
  });
  console.log('tweetstore hostile run: a fresh server with default settings (limits on), 127.0.0.1 trusted as a proxy so each limit is pushed from its own address');
  server = await startServer('tweetstore', SERVER_MAIN, {
    PORT: '0',
    TWEETSTORE_HOST: '127.0.0.1',
    TWEETSTORE_DATA_DIR: dataDir,
    TWEETSTORE_TRUSTED_PROXIES: '127.0.0.1',
    LOG_LEVEL: 'warn',
    BENCH_PROBE_RESOLUTION_MS: '1',
  });
  const token = await register({ url: server.url } as Target, 'hostile', '198.18.0.100');
  const create = async (content: string, draft: boolean) => {
    const response = await fetch(`${server.url}/trpc/tweet.create`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ json: { content, draft } }) });
    return ((await response.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;
  };
  const target: Target = { url: server.url, token, tweetId: await create('a published tweet to aim at', false), draftId: await create('a draft to aim at', true) };
  const { appRouter } = await import('@tweetstore/api');
  const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>).map(([p, d]) => ({ path: p, type: d._def.type }));
  progressTotal = hostileCases(target).length + FUZZ_RUNS + 13_000;
  console.log(`corpus: ${hostileCases(target).length} hostile requests; random: ${FUZZ_RUNS} inputs over ${procedures.length} procedures; then the limits, the visibility secrets and slow sockets`);

  await corpus(target);
  await fuzz(target, procedures);
  await costlyBatches(target);
  await floods(target);
  await limits(target);
  const { reads, leaks: found } = await leaks(target);
  const sockets = await slowSockets(target);
  await nonReader(target);
  if (process.stderr.isTTY) process.stderr.write('\n');

  const alive = (await fetch(`${server.url}/readyz`).then((r) => r.status, () => 0)) === 200;
  const serverErrors = server.output().split('\n').filter((l) => l.startsWith('{') && (JSON.parse(l) as { level: number }).level >= 50);
  await server.stop();
  const exitCode = server.child.exitCode;
  await rm(dataDir, { recursive: true, force: true });

  const width = Math.max(...rows.map((r) => r.group.length));
  const lines = [
    `${'phase'.padEnd(10)}  ${'what'.padEnd(width)}  ${'inputs'.padStart(6)}  ${'as expected'.padStart(11)}  ${'5xx'.padStart(3)}  ${'loop max ms'.padStart(11)}  worst input`,
    `${''.padEnd(10)}  ${''.padEnd(width)}  ${''.padStart(6)}  ${''.padStart(11)}  ${''.padStart(3)}  ${'(1 ms res.)'.padStart(11)}  (corpus, random, costly: per request, one at a time; limits, sockets: over the whole phase)`,
    ...rows.map(
      (r) =>
        `${r.phase.padEnd(10)}  ${r.group.padEnd(width)}  ${String(r.inputs).padStart(6)}  ${String(r.expected).padStart(11)}  ${String(r.fiveHundreds).padStart(3)}  ${r.worstLoopMs.toFixed(1).padStart(11)}  ${r.worstInput.slice(0, 70)}`,
    ),
  ];
  // one request at a time (corpus, random input): the delay each caused; the pushes past limits and the socket
  // phase are thousands of requests back to back, whose loop max includes garbage collection between them
  const single = rows.filter((r) => r.phase === 'corpus' || r.phase === 'random' || r.phase === 'costly');
  const worst = single.reduce((a, b) => (b.worstLoopMs > a.worstLoopMs ? b : a));
  const sustained = rows.filter((r) => !single.includes(r)).reduce((a, b) => (b.worstLoopMs > a.worstLoopMs ? b : a));
  const inputs = rows.reduce((s, r) => s + r.inputs, 0);
  const summary = {
    hostileInputs: inputs,
    requests,
    fiveHundreds: rows.reduce((s, r) => s + r.fiveHundreds, 0),
    notAsExpected: rows.reduce((s, r) => s + (r.inputs - r.expected), 0),
    crashes: alive && exitCode === 0 ? 0 : 1,
    serverErrorLogLines: serverErrors.length,
    leaks: found.length,
    visibilityReads: reads,
    longestLoopDelayMs: Math.round(worst.worstLoopMs * 10) / 10,
    longestLoopDelayBy: `${worst.group}: ${worst.worstInput}`,
    longestLoopDelayUnderSustainedLoadMs: Math.round(sustained.worstLoopMs * 10) / 10,
    longestLoopDelayUnderSustainedLoadBy: sustained.group,
    rssWithSlowUploadsMb: Math.round(sockets.rssDuringMb),
    rssBeforeSlowUploadsMb: Math.round(sockets.rssBeforeMb),
    seconds: Math.round((Date.now() - started) / 1000),
  };
  console.log(lines.join('\n'));
  for (const r of rows) for (const n of r.notes.slice(0, 5)) console.log(`  ${r.group}: ${n}`);
  console.log(
    `\n${summary.hostileInputs} hostile inputs, ${summary.requests} requests in ${summary.seconds} s: ${summary.fiveHundreds} answered 5xx, ${summary.notAsExpected} not as expected, ` +
      `${summary.crashes} crashes, ${summary.serverErrorLogLines} server-fault log lines, ${summary.leaks} leaks in ${summary.visibilityReads} reads and replays by others; ` +
      `longest event-loop delay one request caused: ${summary.longestLoopDelayMs} ms (${summary.longestLoopDelayBy}); ` +
      `under thousands of requests back to back: ${summary.longestLoopDelayUnderSustainedLoadMs} ms (${summary.longestLoopDelayUnderSustainedLoadBy})`,
  );
  await mkdir(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `hostile-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify({ summary, rows }, null, 2));
  console.log(`written to ${path.relative(process.cwd(), file)}`);
  if (summary.fiveHundreds > 0 || summary.crashes > 0 || summary.leaks > 0) process.exitCode = 1;
}

main().catch(async (error: unknown) => {
  console.error(error);
  await killAll();
  process.exit(1);
});

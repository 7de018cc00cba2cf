// Hostile input, as data: every request here is one a client may send and the server must answer with a typed 4xx
// error, changing nothing. The hostile-input tests run it against the real server and check each answer; the
// measurement (`npm run hostile`) runs the same list one request at a time and records the event-loop delay each
// caused. Cases are made for a running server from a few facts about it (a signed-in token, tweets that exist).
import { request } from 'node:http';
import { connect } from 'node:net';
import WebSocket from 'ws';

export interface Target {
  url: string;
  /** a valid session token of a signed-in user */
  token: string;
  /** a published tweet of that user, and a draft of theirs */
  tweetId: string;
  draftId: string;
  /** Sent with every request (e.g. an X-Forwarded-For per case, so per-address limits do not mix cases up). */
  headers?: Record<string, string>;
}

export interface Outcome {
  /** HTTP status (for a WebSocket reply: the error's data.httpStatus) */
  status: number;
  /** the tRPC error code, when the answer is a tRPC error */
  code: string | null;
  message: string;
}

export interface HostileCase {
  group: string;
  name: string;
  /** the tRPC codes an answer may have (any of them) */
  expect: string[];
  run(target: Target): Promise<Outcome>;
}

type Json = unknown;
const enc = (value: Json) => encodeURIComponent(JSON.stringify(value));
const sj = (json: Json, meta?: Json) => (meta === undefined ? { json } : { json, meta });

/** The error code and message of a tRPC answer (single or batched: the first error). */
function tRPCError(body: string): { code: string | null; message: string } {
  try {
    const parsed = JSON.parse(body) as unknown;
    const items = Array.isArray(parsed) ? parsed : [parsed];
    for (const item of items as { error?: { json?: { message?: string; data?: { code?: string } } } }[]) {
      const error = item?.error?.json;
      if (error) return { code: error.data?.code ?? null, message: error.message ?? '' };
    }
  } catch {
    // not JSON: no tRPC code
  }
  return { code: null, message: body.slice(0, 200) };
}

async function http(target: Target, path: string, init: RequestInit & { auth?: boolean } = {}): Promise<Outcome> {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(target.headers ?? {})) headers.set(name, value);
  if (init.auth) headers.set('authorization', `Bearer ${target.token}`);
  const response = await fetch(`${target.url}${path}`, { ...init, headers });
  const body = await response.text();
  return { status: response.status, ...tRPCError(body) };
}

const get = (group: string, name: string, expect: string[], path: (t: Target) => string, init: RequestInit & { auth?: boolean } = {}): HostileCase => ({
  group,
  name,
  expect,
  run: (t) => http(t, path(t), init),
});
const post = (group: string, name: string, expect: string[], path: string, body: (t: Target) => string | Uint8Array, init: RequestInit & { auth?: boolean } = {}): HostileCase => ({
  group,
  name,
  expect,
  run: (t) => http(t, path, { method: 'POST', headers: { 'content-type': 'application/json', ...(init.headers as object) }, body: body(t), auth: init.auth ?? true }),
});

/** Bytes written straight to a TCP socket (what no HTTP client library would send), and the answer's status. */
const raw = (group: string, name: string, expect: string[], bytes: string): HostileCase => ({
  group,
  name,
  expect,
  run: (t) =>
    new Promise<Outcome>((resolve, reject) => {
      const { hostname, port } = new URL(t.url);
      const socket = connect(Number(port), hostname, () => socket.end(Buffer.from(bytes, 'latin1')));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => {
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
        resolve({ status, ...tRPCError(text.slice(text.indexOf('\r\n\r\n') + 4)) });
      });
      socket.on('error', reject);
    }),
});

/** One raw WebSocket, one frame, the first reply (or the close code, as status 1000+). */
const ws = (group: string, name: string, expect: string[], frame: (t: Target) => string, token = false): HostileCase => ({
  group,
  name,
  expect,
  run: (t) =>
    new Promise<Outcome>((resolve, reject) => {
      const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/trpc`, { headers: { ...t.headers, ...(token ? { authorization: `Bearer ${t.token}` } : {}) } });
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`${name}: no reply within 10 s`));
      }, 10_000);
      socket.once('open', () => socket.send(frame(t)));
      socket.once('message', (data) => {
        clearTimeout(timer);
        const reply = JSON.parse(data.toString()) as { error?: { json?: { message?: string; data?: { code?: string; httpStatus?: number } } } };
        socket.close();
        const error = reply.error?.json;
        resolve({ status: error?.data?.httpStatus ?? 200, code: error?.data?.code ?? null, message: error?.message ?? '' });
      });
      socket.once('close', (code) => {
        clearTimeout(timer);
        resolve({ status: code, code: null, message: `closed ${code}` });
      });
      socket.once('error', reject);
    }),
});

// --- the procedures and the inputs that must be refused --------------------------------------------------------

const LONE = '\uD800';
const ZWJ_BOMB = '👨‍👩‍👧‍👦'.repeat(2_000);

/** Bad inputs for each procedure (json of the superjson envelope), with a short name. */
function badInputs(t: Target): [string, string, 'query' | 'mutation', Json][] {
  const long = (n: number, unit = 'a') => unit.repeat(n);
  const cases: [string, string, 'query' | 'mutation', Json][] = [];
  const add = (path: string, type: 'query' | 'mutation', name: string, json: Json) => cases.push([path, name, type, json]);
  for (const [name, content] of [
    ['empty', ''],
    ['spaces only', '   \n\t  '],
    ['invisible only (U+200B U+2060 U+FEFF)', '\u200B\u2060\uFEFF'],
    ['braille blank and hangul fillers', '\u2800\u3164\u115F\u1160\uFFA0'],
    ['NUL only', '\u0000\u0000'],
    ['281 weighted characters', long(281)],
    ['141 emoji (282 weighted)', '😀'.repeat(141)],
    ['141 CJK characters (282 weighted)', '字'.repeat(141)],
    ['10,001 code units', long(10_001)],
    ['a lone surrogate', `hi ${LONE}`],
    ['U+FFFE', 'hi \uFFFE'],
    ['a ZWJ family bomb', ZWJ_BOMB],
    ['a.×5000 (URL extractor worst case)', 'a.'.repeat(5_000)],
    ['2,000 hashtags', '#a '.repeat(2_000)],
    ['3,000 mentions', '@a'.repeat(3_000)],
    ['a number', 42],
    ['an object', { text: 'hi' }],
    ['null', null],
  ] as const) {
    add('tweet.create', 'mutation', `content: ${name}`, { content });
    add('tweet.edit', 'mutation', `content: ${name}`, { id: t.tweetId, content });
  }
  add('tweet.create', 'mutation', 'five media ids', { content: 'hi', mediaIds: Array(5).fill('a'.repeat(64)) });
  add('tweet.create', 'mutation', 'media id not a sha256', { content: 'hi', mediaIds: ['../../etc/passwd'] });
  add('tweet.create', 'mutation', "another user's unknown media", { content: 'hi', mediaIds: ['b'.repeat(64)] });
  add('tweet.create', 'mutation', 'reply to a draft id not ours', { content: 'hi', replyToId: '01JZZZZZZZZZZZZZZZZZZZZZZZ' });
  add('tweet.create', 'mutation', 'idempotency key of 129 characters', { content: 'hi', idempotencyKey: long(129) });
  add('tweet.create', 'mutation', 'draft as a string', { content: 'hi', draft: 'yes' });
  add('tweet.create', 'mutation', 'authorId smuggled, content missing', { authorId: 'someone' });
  for (const [name, id] of [
    ['empty id', ''],
    ['id with a slash', '../..'],
    ['lowercase id', '01jzzzzzzzzzzzzzzzzzzzzzzz'],
    ['id of 10,000 characters', long(10_000, 'Z')],
    ['id as a number', 1],
    ['id with a lone surrogate', `01JZZZZZZZZZZZZZZZZZZZZZZ${LONE}`],
    ['unknown id', '01JZZZZZZZZZZZZZZZZZZZZZZZ'],
  ] as const) {
    for (const path of ['tweet.get', 'tweet.versions', 'tweet.thread'] as const) add(path, 'query', name, { id });
    for (const path of ['tweet.publish', 'tweet.archive', 'tweet.restore'] as const) add(path, 'mutation', name, { id });
    add('tweet.engage', 'mutation', name, { id, action: 'like' });
  }
  add('tweet.engage', 'mutation', 'unknown action', { id: t.tweetId, action: 'boost' });
  add('tweet.engage', 'mutation', 'action with a NUL', { id: t.tweetId, action: 'like\u0000' });
  add('tweet.engage', 'mutation', 'like a draft', { id: t.draftId, action: 'like' });
  add('tweet.publish', 'mutation', 'publish a published tweet', { id: t.tweetId });
  add('tweet.restore', 'mutation', 'restore a published tweet', { id: t.tweetId });
  for (const [name, json] of [
    ['version 0', { id: t.tweetId, from: 0, to: 1 }],
    ['negative version', { id: t.tweetId, from: -1, to: 1 }],
    ['fractional version', { id: t.tweetId, from: 1.5, to: 1 }],
    ['version past the last', { id: t.tweetId, from: 1, to: 99 }],
    ['version 10^12', { id: t.tweetId, from: 1, to: 1e12 }],
    ['versions as strings', { id: t.tweetId, from: '1', to: '1' }],
    ['versions of a draft not ours (unknown)', { id: '01JZZZZZZZZZZZZZZZZZZZZZZZ', from: 1, to: 1 }],
  ] as const) {
    add('tweet.diff', 'query', name, json);
  }
  add('tweet.revert', 'mutation', 'revert to version 0', { id: t.tweetId, toVersion: 0 });
  add('tweet.revert', 'mutation', 'revert to a version past the last', { id: t.tweetId, toVersion: 50 });
  add('tweet.edit', 'mutation', 'stale expectedVersion', { id: t.tweetId, content: 'changed', expectedVersion: 99 });
  const paging = [
    ['limit 0', { limit: 0 }],
    ['limit 101', { limit: 101 }],
    ['limit 1e9', { limit: 1e9 }],
    ['cursor of garbage', { cursor: 'not-a-cursor' }],
    ['cursor of 10,000 characters', { cursor: long(10_000) }],
    ['cursor that decodes to a path', { cursor: Buffer.from('v1:../../etc').toString('base64url') }],
  ] as const;
  for (const [name, json] of [...paging, ['authorId not an id', { authorId: 'x' }], ['includeArchived as a string', { includeArchived: 'true' }]] as const) {
    add('tweet.list', 'query', name, json);
  }
  for (const [name, json] of paging) add('tweet.thread', 'query', name, { id: t.tweetId, ...json });
  for (const [name, json] of [...paging, ['top cursor with a huge offset', { sort: 'top', cursor: Buffer.from('t1:1e300').toString('base64url') }]] as const) {
    add('tweet.search', 'query', name, { q: 'hostile', ...json });
  }
  for (const [name, q] of [
    ['empty query', ''],
    ['query of 257 characters', long(257)],
    ['query of 10,000 characters', long(10_000)],
    ['query with a lone surrogate', `word${LONE}`],
    ['query as a number', 42],
    ['query of only exclusions', '-a -b -"c d" -#e -@f -from:g'],
    ['query of only quotes', '""""""'],
    ['query of 128 one-letter words', Array(128).fill('a').join(' ')],
    ['query of 32 phrases', Array(32).fill('"a b"').join(' ')],
    ['query of regex and tsquery metacharacters only', ".*+?^${}()|[]\\ %&!<->:*'"],
  ] as const) {
    add('tweet.search', 'query', name, { q });
  }
  add('tweet.search', 'query', 'unknown sort', { q: 'a', sort: 'best' });
  for (const [name, hashtag] of [
    ['hashtag with a space', 'two words'],
    ['hashtag of 101 characters', long(101)],
    ['hashtag with a NUL', 'tag\u0000'],
    ['hashtag as an array', ['a']],
  ] as const) {
    add('tweet.list', 'query', name, { hashtag });
  }
  for (const path of ['trends.hashtags', 'trends.tweets'] as const) {
    for (const [name, json] of [['limit 0', { limit: 0 }], ['limit 51', { limit: 51 }], ['limit as a string', { limit: '5' }], ['limit NaN', { limit: 'NaN' }]] as const) add(path, 'query', name, json);
  }
  for (const [name, json] of [
    ['username with a space', { username: 'a b', password: 'long-enough-1' }],
    ['username of 16 characters', { username: long(16), password: 'long-enough-1' }],
    ['username with a Cyrillic a', { username: 'аdmin', password: 'long-enough-1' }],
    ['username with a NUL', { username: 'ad\u0000min', password: 'long-enough-1' }],
    ['password of 7 characters', { username: 'newuser1', password: 'short12' }],
    ['password of 257 characters', { username: 'newuser1', password: long(257) }],
    ['password with a lone surrogate', { username: 'newuser1', password: `long-enough-1${LONE}` }],
    ['display name of 51 characters', { username: 'newuser1', password: 'long-enough-1', displayName: long(51) }],
    ['display name of spaces', { username: 'newuser1', password: 'long-enough-1', displayName: '   ' }],
    ['display name of invisible characters', { username: 'newuser1', password: 'long-enough-1', displayName: '\u200B\u200B' }],
  ] as const) {
    add('auth.register', 'mutation', name, json);
  }
  add('auth.login', 'mutation', 'empty username', { username: '', password: 'x' });
  add('auth.login', 'mutation', 'password of 10,000 characters', { username: 'someone', password: long(10_000) });
  add('auth.login', 'mutation', 'wrong password', { username: 'hostile', password: 'not-the-password' });
  add('user.get', 'query', 'username with a slash', { username: '../admin' });
  add('media.get', 'query', 'media id of 63 hex', { id: 'a'.repeat(63) });
  add('media.get', 'query', 'media id in upper case', { id: 'A'.repeat(64) });
  add('media.setAlt', 'mutation', 'alt of 1,001 characters', { id: 'a'.repeat(64), alt: long(1_001) });
  add('media.setAlt', 'mutation', 'alt on media not ours', { id: 'a'.repeat(64), alt: 'mine now' });
  return cases;
}

function callCase(path: string, name: string, type: 'query' | 'mutation', json: Json, expect: string[] = ['BAD_REQUEST', 'NOT_FOUND', 'UNAUTHORIZED', 'FORBIDDEN', 'PRECONDITION_FAILED', 'CONFLICT']): HostileCase[] {
  const input = sj(json);
  return [
    type === 'query'
      ? get(`input: ${path}`, `${name} (HTTP)`, expect, () => `/trpc/${path}?input=${enc(input)}`, { auth: true })
      : post(`input: ${path}`, `${name} (HTTP)`, expect, `/trpc/${path}`, () => JSON.stringify(input)),
    ws(`input: ${path}`, `${name} (WebSocket)`, expect, () => JSON.stringify({ id: 1, jsonrpc: '2.0', method: type, params: { path, input } }), true),
  ];
}

/** Every hostile case, for one running server. */
export function hostileCases(t: Target): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const [path, name, type, json] of badInputs(t)) cases.push(...callCase(path, name, type, json));

  // the request itself: paths, methods, content types, bodies
  const body = 'transport';
  cases.push(
    get(body, 'procedure path with malformed percent-encoding', ['BAD_REQUEST'], () => '/trpc/%E0%A4%A'),
    get(body, 'procedure path of a lone %', ['BAD_REQUEST', 'NOT_FOUND'], () => '/trpc/%'),
    get(body, 'unknown procedure', ['NOT_FOUND'], () => '/trpc/tweet.delete'),
    get(body, 'procedure path into the prototype', ['NOT_FOUND'], () => '/trpc/__proto__.constructor'),
    get(body, 'procedure path of 8,000 characters', ['NOT_FOUND'], () => `/trpc/${'a'.repeat(8_000)}`),
    get(body, 'a mutation by GET', ['METHOD_NOT_SUPPORTED'], () => `/trpc/tweet.create?input=${enc(sj({ content: 'x' }))}`, { auth: true }),
    get(body, 'a subscription over HTTP (WebSocket only)', ['METHOD_NOT_SUPPORTED'], () => `/trpc/tweet.onChange?input=${enc(sj({}))}`),
    get(body, 'query input that is not JSON', ['BAD_REQUEST', 'PARSE_ERROR'], () => `/trpc/tweet.get?input=%7B`),
    get(body, 'query input of malformed percent-encoding', ['BAD_REQUEST', 'PARSE_ERROR'], () => `/trpc/tweet.get?input=%E0%A4%A`),
    get(body, 'a batch of 51 queries', ['BAD_REQUEST'], () => `/trpc/${Array(51).fill('system.health').join(',')}?batch=1&input=${enc({})}`),
    get(body, 'a batch whose inputs name no call', ['BAD_REQUEST'], () => `/trpc/tweet.get,tweet.get?batch=1&input=${enc({ 7: sj({ id: 'x' }) })}`),
    post(body, 'a body that is not JSON', ['BAD_REQUEST', 'PARSE_ERROR'], '/trpc/tweet.create', () => '{"json":'),
    post(body, 'an empty body', ['BAD_REQUEST', 'PARSE_ERROR'], '/trpc/tweet.create', () => ''),
    post(body, 'the JSON literal null', ['BAD_REQUEST'], '/trpc/tweet.create', () => 'null'),
    post(body, 'a body of 2 MiB', ['PAYLOAD_TOO_LARGE'], '/trpc/tweet.create', () => JSON.stringify(sj({ content: 'x'.repeat(2 * 1024 * 1024) }))),
    post(body, 'a body of 500,000 nested arrays', ['BAD_REQUEST'], '/trpc/tweet.create', () => `${'['.repeat(500_000)}${']'.repeat(500_000)}`),
    post(body, 'a body of 100,000 nested objects', ['BAD_REQUEST'], '/trpc/tweet.create', () => `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`),
    post(body, 'an object of 80,000 keys', ['BAD_REQUEST'], '/trpc/tweet.create', () => JSON.stringify(sj(Object.fromEntries(Array.from({ length: 80_000 }, (_, i) => [`k${i}`, 1]))))),
    post(body, 'an array of 200,000 numbers', ['BAD_REQUEST'], '/trpc/tweet.create', () => JSON.stringify(sj({ content: 'x', mediaIds: Array(200_000).fill(1) }))),
    post(body, 'text/plain', ['UNSUPPORTED_MEDIA_TYPE', 'BAD_REQUEST'], '/trpc/tweet.create', () => JSON.stringify(sj({ content: 'x' })), { headers: { 'content-type': 'text/plain' } }),
    post(body, 'a batch of 51 creates', ['BAD_REQUEST'], `/trpc/${Array(51).fill('tweet.create').join(',')}?batch=1`, () => JSON.stringify(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [i, sj({ content: `batched ${i}` })])))),
    post(body, "a batch of 10 creates of 'a.'×5000", ['BAD_REQUEST'], `/trpc/${Array(10).fill('tweet.create').join(',')}?batch=1`, () => JSON.stringify(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i, sj({ content: 'a.'.repeat(5_000) })])))),
    post(body, "a batch of 50 creates of '字.'×5000", ['BAD_REQUEST'], `/trpc/${Array(50).fill('tweet.create').join(',')}?batch=1`, () => JSON.stringify(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [i, sj({ content: '字.'.repeat(5_000) })])))),
    get(body, 'a batch of 50 diffs with versions that do not exist', ['NOT_FOUND'], (t) => `/trpc/${Array(50).fill('tweet.diff').join(',')}?batch=1&input=${enc(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [i, sj({ id: t.tweetId, from: 1, to: 2 + i })])))}`),
    post(body, 'a batch of 1,000 creates', ['BAD_REQUEST'], `/trpc/${Array(1_000).fill('tweet.create').join(',')}?batch=1`, () => JSON.stringify(Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [i, sj({ content: `batched ${i}` })])))),
    post(body, 'an upload that is not multipart', ['BAD_REQUEST'], '/trpc/media.upload', () => 'not a form', { headers: { 'content-type': 'text/plain' } }),
    post(body, 'an upload with a boundary that never comes', ['BAD_REQUEST'], '/trpc/media.upload', () => '--x\r\ncontent-disposition: form-data; name="file"\r\n\r\nabc', { headers: { 'content-type': 'multipart/form-data; boundary=y' } }),
    {
      group: body,
      name: 'an upload declaring 200 MiB, then sending nothing',
      expect: ['PAYLOAD_TOO_LARGE'],
      run: (t) =>
        new Promise<Outcome>((resolve, reject) => {
          const url = new URL('/trpc/media.upload', t.url);
          const req = request(url, {
            method: 'POST',
            headers: { authorization: `Bearer ${t.token}`, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(200 * 1024 * 1024) },
          });
          req.on('response', (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, ...tRPCError(text) }));
          });
          req.on('error', reject);
          req.flushHeaders();
        }),
    },
  );

  // superjson's envelope: annotations that would build something other than plain JSON, and prototype keys
  const meta = 'superjson';
  for (const [name, input] of [
    ['a bigint of 1,000,000 digits', sj({ id: '1'.repeat(1_000_000) }, { values: { id: ['bigint'] }, v: 1 })],
    ['a RegExp', sj({ id: '(a+)+$' }, { values: { id: ['regexp'] }, v: 1 })],
    ['a Map', sj({ id: [['a', 1]] }, { values: { id: ['map'] }, v: 1 })],
    ['a Set of 10,000', sj({ id: Array(10_000).fill(1) }, { values: { id: ['set'] }, v: 1 })],
    ['a class instance', sj({ id: {} }, { values: { id: [['class', 'Object']] }, v: 1 })],
    ['a custom type', sj({ id: 'x' }, { values: { id: [['custom', 'Buffer']] }, v: 1 })],
    ['an Error', sj({ id: { message: 'x' } }, { values: { id: ['Error'] }, v: 1 })],
    ['a Date', sj({ id: '2026-12-07T00:00:00.000Z' }, { values: { id: ['Date'] }, v: 1 })],
    ['an annotation at __proto__', sj({ id: 'x' }, { values: { '__proto__.polluted': ['undefined'] }, v: 1 })],
    ['an annotation at constructor.prototype', sj({ id: 'x' }, { values: { 'constructor.prototype.polluted': ['undefined'] }, v: 1 })],
    ['referential equalities making a cycle', sj({ id: 'x', a: {} }, { referentialEqualities: { a: ['a.b'] }, v: 1 })],
    ['meta that is a string', sj({ id: 'x' }, 'values')],
    ['envelope that is an array', [{ json: { id: 'x' } }]],
    ['envelope that is a string', 'x'],
    ['json with a __proto__ key', JSON.parse('{"json":{"id":"01JZZZZZZZZZZZZZZZZZZZZZZZ","__proto__":{"polluted":true}}}') as Json],
    ['json with a constructor key', sj({ id: '01JZZZZZZZZZZZZZZZZZZZZZZZ', constructor: { prototype: { polluted: true } } })],
  ] as const) {
    cases.push(get(meta, `${name} (HTTP)`, ['BAD_REQUEST', 'NOT_FOUND'], () => `/trpc/tweet.get?input=${enc(input)}`));
    cases.push(ws(meta, `${name} (WebSocket)`, ['BAD_REQUEST', 'NOT_FOUND', 'PARSE_ERROR'], () => JSON.stringify({ id: 1, method: 'query', params: { path: 'tweet.get', input } })));
  }

  // who is calling: cookies and tokens that are not sessions
  const auth = 'cookies and tokens';
  const create = (name: string, headers: Record<string, string>) =>
    post(auth, name, ['UNAUTHORIZED', 'BAD_REQUEST'], '/trpc/tweet.create', () => JSON.stringify(sj({ content: 'who am I' })), { auth: false, headers });
  cases.push(
    create('session cookie of a lone %', { cookie: 'tweetstore_session=%' }),
    create('session cookie of malformed UTF-8', { cookie: 'tweetstore_session=%E0%A4%A' }),
    create('session cookie of 6,000 characters', { cookie: `tweetstore_session=${'a'.repeat(6_000)}` }),
    create('500 cookies', { cookie: Array.from({ length: 500 }, (_, i) => `c${i}=${i}`).join('; ') }),
    create('an empty bearer token', { authorization: 'Bearer ' }),
    create('a bearer token of 6,000 characters', { authorization: `Bearer ${'a'.repeat(6_000)}` }),
    create('a bearer token of Latin-1 bytes', { authorization: 'Bearer \u00e9\u00ff\u00a0' }),
    raw(auth, 'a bearer token with a NUL (raw HTTP)', ['BAD_REQUEST'], 'POST /trpc/tweet.create HTTP/1.1\r\nhost: x\r\nauthorization: Bearer a\u0000b\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}'),
    raw(auth, 'a header line without a colon (raw HTTP)', ['BAD_REQUEST'], 'GET /trpc/system.health HTTP/1.1\r\nhost: x\r\nnonsense\r\n\r\n'),
    raw(auth, 'headers of 20 KB (raw HTTP)', ['BAD_REQUEST'], `GET /trpc/system.health HTTP/1.1\r\nhost: x\r\nx-junk: ${'a'.repeat(20_000)}\r\n\r\n`),
    create('Basic authorization', { authorization: 'Basic YWRtaW46YWRtaW4=' }),
    create('a forged token', { authorization: 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
    get(auth, 'malformed cookie on a query', ['UNAUTHORIZED', 'NOT_FOUND'], (t) => `/trpc/tweet.get?input=${enc(sj({ id: t.draftId }))}`, { headers: { cookie: 'tweetstore_session=%' } }),
    {
      group: auth,
      name: 'malformed cookie on the WebSocket upgrade',
      expect: ['UNAUTHORIZED'],
      run: (t) =>
        new Promise<Outcome>((resolve, reject) => {
          const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/trpc`, { headers: { cookie: 'tweetstore_session=%E0%A4%A' } });
          socket.once('open', () => socket.send(JSON.stringify({ id: 1, method: 'mutation', params: { path: 'tweet.create', input: sj({ content: 'x' }) } })));
          socket.once('message', (data) => {
            const error = (JSON.parse(data.toString()) as { error?: { json: { message: string; data: { code: string; httpStatus: number } } } }).error?.json;
            socket.close();
            resolve({ status: error?.data.httpStatus ?? 200, code: error?.data.code ?? null, message: error?.message ?? '' });
          });
          socket.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, code: null, message: 'upgrade refused' }));
          socket.once('error', reject);
        }),
    },
    create('a malformed cookie on a media upload', { cookie: 'tweetstore_session=%', 'content-type': 'multipart/form-data; boundary=x' }),
  );
  // the upload endpoint reads cookies too
  cases.push(post(auth, 'a malformed cookie on media.upload', ['UNAUTHORIZED'], '/trpc/media.upload', () => 'x', { auth: false, headers: { cookie: 'tweetstore_session=%', 'content-type': 'multipart/form-data; boundary=x' } }));

  // WebSocket frames
  const frames = 'WebSocket frames';
  for (const [name, frame, expect] of [
    ['a call without an input', JSON.stringify({ id: 1, method: 'query', params: { path: 'tweet.get' } }), ['BAD_REQUEST']],
    ['not JSON', 'not json at all', ['PARSE_ERROR']],
    ['a JSON string', '"hello"', ['PARSE_ERROR']],
    ['a message without an id', JSON.stringify({ method: 'query', params: { path: 'system.health' } }), ['PARSE_ERROR']],
    ['an id that is an object', JSON.stringify({ id: {}, method: 'query', params: { path: 'system.health' } }), ['PARSE_ERROR']],
    ['an unknown method', JSON.stringify({ id: 1, method: 'delete', params: { path: 'x' } }), ['PARSE_ERROR']],
    ['params without a path', JSON.stringify({ id: 1, method: 'query', params: {} }), ['PARSE_ERROR']],
    ['jsonrpc 1.0', JSON.stringify({ id: 1, jsonrpc: '1.0', method: 'query', params: { path: 'system.health' } }), ['PARSE_ERROR']],
    ['lastEventId that is a number', JSON.stringify({ id: 1, method: 'subscription', params: { path: 'tweet.onChange', input: sj({}), lastEventId: 42 } }), ['PARSE_ERROR', 'BAD_REQUEST']],
    ['onEngagement of 101 ids', JSON.stringify({ id: 1, method: 'subscription', params: { path: 'tweet.onEngagement', input: sj({ ids: Array(101).fill('01JZZZZZZZZZZZZZZZZZZZZZZZ') }) } }), ['BAD_REQUEST']],
    ['onEngagement of no ids', JSON.stringify({ id: 1, method: 'subscription', params: { path: 'tweet.onEngagement', input: sj({ ids: [] }) } }), ['BAD_REQUEST']],
    ['onChange with a lastEventId of 10,000 characters', JSON.stringify({ id: 1, method: 'subscription', params: { path: 'tweet.onChange', input: sj({ lastEventId: 'a'.repeat(10_000) }) } }), ['BAD_REQUEST']],
    ['a query sent as a subscription', JSON.stringify({ id: 1, method: 'subscription', params: { path: 'system.health' } }), ['NOT_FOUND']],
    ['a subscription sent as a query', JSON.stringify({ id: 1, method: 'query', params: { path: 'tweet.onChange', input: sj({}) } }), ['NOT_FOUND']],
    ['a batch of 51', JSON.stringify(Array.from({ length: 51 }, (_, i) => ({ id: i, method: 'query', params: { path: 'system.health' } }))), ['BAD_REQUEST']],
    ['500,000 nested arrays', `${'['.repeat(500_000)}${']'.repeat(500_000)}`, ['BAD_REQUEST']],
    ['an object of 80,000 keys', JSON.stringify(Object.fromEntries(Array.from({ length: 80_000 }, (_, i) => [`k${i}`, 1]))), ['BAD_REQUEST']],
  ] as const) {
    cases.push(ws(frames, name, [...expect], () => frame));
  }
  cases.push(ws(frames, 'a frame of 2 MiB (closed with 1009)', ['CLOSED_1009'], () => 'x'.repeat(2 * 1024 * 1024)));
  return cases;
}

/** Whether an outcome is what the case expects: a 4xx with one of its codes (or the close code it names). */
export function asExpected(c: HostileCase, outcome: Outcome): boolean {
  if (c.expect.includes('CLOSED_1009')) return outcome.status === 1009;
  return outcome.status >= 400 && outcome.status < 500 && outcome.code !== null && c.expect.includes(outcome.code);
}

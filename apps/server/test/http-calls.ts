// tRPC calls as plain HTTP requests, the way a client without our typed links makes them, answered with what a
// client sees of a limit (status, Retry-After, the error's code and retryAfterMs).
import { expect } from 'vitest';

export const sj = (json: unknown) => ({ json });

export interface Answer {
  status: number;
  retryAfter: string | null;
  code: string | null;
  retryAfterMs: number | null;
  body: string;
}

export async function call(server: { url: string }, path: string, json: unknown, options: { from?: string; token?: string; method?: 'GET' | 'POST' } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.from) headers['x-forwarded-for'] = options.from;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const method = options.method ?? 'POST';
  const url = method === 'GET' ? `${server.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(sj(json)))}` : `${server.url}/trpc/${path}`;
  const response = await fetch(url, { method, headers, body: method === 'POST' ? JSON.stringify(sj(json)) : undefined });
  const body = await response.text();
  const error = (JSON.parse(body) as { error?: { json: { data: { code: string; retryAfterMs?: number } } } }).error?.json.data;
  return { status: response.status, retryAfter: response.headers.get('retry-after'), code: error?.code ?? null, retryAfterMs: error?.retryAfterMs ?? null, body };
}

/** The refusal API.md promises past a limit: 429, TOO_MANY_REQUESTS, retryAfterMs, and Retry-After in seconds. */
export function expectRefused(refused: Answer): void {
  expect(refused.status, refused.body).toBe(429);
  expect(refused.code).toBe('TOO_MANY_REQUESTS');
  expect(refused.retryAfterMs).toBeGreaterThan(0);
  expect(refused.retryAfter).toBe(String(Math.ceil(refused.retryAfterMs! / 1000)));
}

/** Makes `n` calls that must pass, then one that must be refused as API.md says; returns the refusal. */
export async function reach(n: number, make: (i: number) => Promise<Answer>): Promise<Answer> {
  for (let i = 0; i < n; i++) {
    const ok = await make(i);
    expect(ok.status, ok.body).toBe(200);
  }
  const refused = await make(n);
  expectRefused(refused);
  return refused;
}

/** Signs up `username` and gives its session token. */
export async function register(server: { url: string }, username: string, from?: string): Promise<string> {
  const answer = await call(server, 'auth.register', { username, password: 'limits-password' }, from ? { from } : {});
  expect(answer.status, answer.body).toBe(200);
  return (JSON.parse(answer.body) as { result: { data: { json: { token: string } } } }).result.data.json.token;
}

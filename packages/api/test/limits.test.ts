// API.md's "Limits" through the router: each limit reached, answered TOO_MANY_REQUESTS with retryAfterMs, changing
// nothing, and lifted when its window has passed. The limiter store is the memory one on the test's manual clock.
import { afterEach, describe, expect, it } from 'vitest';
import { png } from '../../media/test/fixtures.ts';
import { codeOf, openTestApi, type TestApi } from './setup.ts';

let t: TestApi;
afterEach(() => t.close());

const MINUTE = 60_000;

/** The error a call fails with, with its code, retryAfterMs and message (fails the test if it succeeds). */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; retryAfterMs: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code: string; message: string; cause?: { details?: { retryAfterMs?: number } } };
    return { code: e.code, retryAfterMs: e.cause?.details?.retryAfterMs ?? -1, message: e.message };
  }
  throw new Error('expected the call to be refused, but it succeeded');
}

describe('per-account limits', () => {
  it('limits writes per account across create, edit, publish, archive and restore', async () => {
    t = await openTestApi(undefined, { writes: { points: 5, windowMs: MINUTE } });
    const ada = await t.user('ada');
    const bob = await t.user('bob');
    const draft = await ada.api.tweet.create({ content: 'a draft', draft: true });
    await ada.api.tweet.edit({ id: draft.id, content: 'a draft, edited' });
    await ada.api.tweet.publish({ id: draft.id });
    await ada.api.tweet.archive({ id: draft.id });
    await ada.api.tweet.restore({ id: draft.id });
    const refused = await refusal(ada.api.tweet.create({ content: 'one too many' }));
    expect(refused).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(MINUTE + MINUTE / 10);
    expect(refused.message).toMatch(/try again in \d+ s/);
    // nothing was written, and another account is not held by ada's limit
    expect((await t.anonymous.tweet.list({ authorId: ada.id })).items.map((x) => x.content)).toEqual(['a draft, edited']);
    await bob.api.tweet.create({ content: 'bob is fine' });
    t.clock.advance(refused.retryAfterMs);
    await ada.api.tweet.create({ content: 'after the wait' });
  });

  it('limits engagement per account, and counts a view once per viewer per tweet within the view window', async () => {
    t = await openTestApi(undefined, { engage: { points: 30, windowMs: 5 * MINUTE }, viewWindowMs: 10 * MINUTE });
    const ada = await t.user('ada');
    const bob = await t.user('bob');
    const tweet = await ada.api.tweet.create({ content: 'look at me' });
    for (let i = 0; i < 20; i++) await bob.api.tweet.engage({ id: tweet.id, action: 'view' });
    await ada.api.tweet.engage({ id: tweet.id, action: 'view' });
    expect((await t.anonymous.tweet.get({ id: tweet.id })).engagement.views).toBe(2);
    // like/unlike churn runs into the engagement limit
    const churn = [];
    for (let i = 0; i < 12; i++) churn.push(await bob.api.tweet.engage({ id: tweet.id, action: i % 2 ? 'unlike' : 'like' }).then(() => 'ok', (e: { code: string }) => e.code));
    expect(churn.slice(0, 10)).toEqual(Array(10).fill('ok'));
    expect(churn.slice(10)).toEqual(['TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
    // a view is remembered at least the view window (and at most twice it): then it counts again
    t.clock.advance(2 * 10 * MINUTE + 1);
    await ada.api.tweet.engage({ id: tweet.id, action: 'view' });
    await bob.api.tweet.engage({ id: tweet.id, action: 'view' });
    expect((await t.anonymous.tweet.get({ id: tweet.id })).engagement.views).toBe(4);
  });

  it('limits uploads per account, and how many are in flight at once', async () => {
    t = await openTestApi(undefined, { uploads: { points: 3, windowMs: 5 * MINUTE }, uploadsAtOnce: 1 });
    const ada = await t.user('ada');
    const form = async (width: number) => {
      const f = new FormData();
      f.set('file', new Blob([new Uint8Array(await png(width, 8))], { type: 'image/png' }), 'a.png');
      return f;
    };
    const [one, two] = await Promise.allSettled([ada.api.media.upload(await form(8)), ada.api.media.upload(await form(9))]);
    expect(one.status).toBe('fulfilled');
    expect(two).toMatchObject({ status: 'rejected', reason: { code: 'TOO_MANY_REQUESTS' } });
    await ada.api.media.upload(await form(10));
    expect(await codeOf(ada.api.media.upload(await form(11)))).toBe('TOO_MANY_REQUESTS');
  });
});

describe('per-address limits', () => {
  it('limits sign-ups per client address, creating nobody past the limit', async () => {
    t = await openTestApi(undefined, { register: { points: 3, windowMs: 60 * MINUTE } });
    const from = (address: string) => t.as(null, undefined, address);
    for (let i = 0; i < 3; i++) await from('203.0.113.7').auth.register({ username: `user${i}`, password: 'correct horse battery' });
    const refused = await refusal(from('203.0.113.7').auth.register({ username: 'user3', password: 'correct horse battery' }));
    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    expect(await codeOf(t.anonymous.user.get({ username: 'user3' }))).toBe('NOT_FOUND');
    await from('203.0.113.8').auth.register({ username: 'user3', password: 'correct horse battery' });
  });

  it('limits every call per client address, signed in or not, and not in-process callers', async () => {
    t = await openTestApi(undefined, { calls: { points: 4, windowMs: MINUTE } });
    const ada = await t.user('ada');
    const remote = t.as(ada.token, undefined, '198.51.100.1');
    await remote.auth.me();
    await remote.tweet.create({ content: 'one' });
    await t.as(null, undefined, '198.51.100.1').tweet.list({});
    await remote.system.health();
    expect(await codeOf(remote.tweet.list({}))).toBe('TOO_MANY_REQUESTS');
    expect(await codeOf(t.as(null, undefined, '198.51.100.1').auth.me())).toBe('TOO_MANY_REQUESTS');
    await t.as(null, undefined, '198.51.100.2').tweet.list({});
    for (let i = 0; i < 10; i++) await ada.api.tweet.list({});
  });
});

describe('password guessing', () => {
  // openTestApi's login limit: 3 failures per username per minute (15 per address)
  it('counts an attempt before the password is checked: parallel guesses cannot pass the limit', async () => {
    t = await openTestApi();
    await t.user('target');
    const guess = (password: string) => t.as(null, undefined, '192.0.2.1').auth.login({ username: 'target', password }).then(() => 'in', (e: { code: string }) => e.code);
    const results = await Promise.all(Array.from({ length: 15 }, (_, i) => guess(`wrong-${i}`)));
    expect(results.filter((r) => r === 'UNAUTHORIZED')).toHaveLength(3);
    expect(results.filter((r) => r === 'TOO_MANY_REQUESTS')).toHaveLength(12);
    // a batch of wrong guesses with the right password among them does not let the right one in either
    const batch = await Promise.all([...Array.from({ length: 5 }, (_, i) => guess(`more-${i}`)), guess('correct horse battery')]);
    expect(batch).toEqual(Array(6).fill('TOO_MANY_REQUESTS'));
  });

  it('keeps strangers out of an account under attack, but lets its owner in from a known place or a live session', async () => {
    t = await openTestApi();
    const owner = await t.user('victim');
    const login = (address: string, password: string, token: string | null = null) =>
      t.as(token, undefined, address).auth.login({ username: 'victim', password }).then((r) => r.user.username, (e: { code: string }) => e.code);
    // the owner signed in once from home
    expect(await login('192.0.2.10', 'correct horse battery')).toBe('victim');
    // an attacker elsewhere uses up the account's failures
    for (let i = 0; i < 3; i++) expect(await login('198.51.100.66', `guess-${i}`)).toBe('UNAUTHORIZED');
    expect(await login('198.51.100.66', 'guess-4')).toBe('TOO_MANY_REQUESTS');
    // a stranger (or the owner on a new network, with no session) is held...
    expect(await login('203.0.113.5', 'correct horse battery')).toBe('TOO_MANY_REQUESTS');
    // ...but the owner gets in from home, and with a session still valid from anywhere
    expect(await login('192.0.2.10', 'correct horse battery')).toBe('victim');
    expect(await login('203.0.113.5', 'correct horse battery', owner.token)).toBe('victim');
    // and a known place that starts guessing is held by its own limit
    for (let i = 0; i < 3; i++) expect(await login('192.0.2.10', `typo-${i}`)).toBe('UNAUTHORIZED');
    expect(await login('192.0.2.10', 'correct horse battery')).toBe('TOO_MANY_REQUESTS');
  });
});

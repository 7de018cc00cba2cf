// TOO_MANY_REQUESTS in the web client, against real limits (small ones, each test its own): what the reader sees (how
// long to wait, counted down), what waits with it, and what is asked again by itself after the server's wait.
// Tests that move through a wait freeze Date and move it on by hand (the limits and the countdown both read it);
// timers stay real, so the page runs as it does in a browser.
import { createCaller, createContext, createLimits, defaultLimits, memoryLimiterStore, TooManyRequests, type LimitsConfig, type RateLimitName } from '@tweetstore/api';
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../src/App.tsx';
import { HomePage } from '../src/pages/HomePage.tsx';
import { QUIET_RETRY_WAIT_MS } from '../src/providers.tsx';
import { openApi, type ApiHarness } from './harness.tsx';

const MINUTE = 60_000;
/** Each test waits out a few real seconds (the countdown's ticks, a short window), and hashes passwords. */
const SLOW = { timeout: 30_000 };
const START = Date.UTC(2026, 11, 7, 12, 0, 0);

let api: ApiHarness;
afterEach(async () => {
  await api.close();
  vi.useRealTimers();
  delete (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver;
});

/** API.md's limits, but for `changes`; `charges` records every charge of the named limits as it is answered. */
function smallLimits(changes: Partial<LimitsConfig>, watch: RateLimitName[] = []) {
  const limits = createLimits(memoryLimiterStore(), { ...defaultLimits, ...changes });
  const charges: { name: RateLimitName; at: number; retryAfterMs: number | null }[] = [];
  const charge = limits.charge.bind(limits);
  limits.charge = async (name, key) => {
    if (!watch.includes(name)) return charge(name, key);
    try {
      await charge(name, key);
      charges.push({ name, at: performance.now(), retryAfterMs: null });
    } catch (error) {
      charges.push({ name, at: performance.now(), retryAfterMs: error instanceof TooManyRequests ? error.retryAfterMs : null });
      throw error;
    }
  };
  return { limits, charges };
}

/** Date stands still at START until the test moves it (timers keep running). */
function freezeDate() {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(START);
  return { moveTo: (ms: number) => act(() => vi.setSystemTime(START + ms)) };
}

/** Every alert the page shows from now on, by its text (to prove none was). */
function alertsShown(): string[] {
  const seen: string[] = [];
  new MutationObserver(() => {
    for (const alert of document.querySelectorAll('[role="alert"]')) if (!seen.includes(alert.textContent ?? '')) seen.push(alert.textContent ?? '');
  }).observe(document.body, { childList: true, characterData: true, subtree: true });
  return seen;
}

/** A caller at `address` that spends the `calls` limit of that address (`points` calls). */
async function spendCalls(address: string, points: number) {
  const visitor = createCaller(createContext(api.deps, { clientAddress: address }));
  for (let i = 0; i < points; i++) await visitor.system.health();
  return visitor;
}

/** How long the server tells `call`'s caller to wait right now (a refused call takes nothing from the limit). */
async function refusedFor(call: () => Promise<unknown>): Promise<number> {
  const error: unknown = await call().then(
    () => new Error('the call was not refused'),
    (e: unknown) => e,
  );
  const cause = (error as { cause?: unknown }).cause;
  if (!(cause instanceof TooManyRequests)) throw error;
  return cause.retryAfterMs;
}

describe('a refused action says how long to wait, waits, and works again after', SLOW, () => {
  it('a post past the write limit counts the wait down, with Post disabled, and posts once it is over', async () => {
    const date = freezeDate();
    api = await openApi({ limits: smallLimits({ writes: { points: 2, windowMs: MINUTE } }).limits });
    const alice = await api.signUp('alice');
    await alice.api.tweet.create({ content: 'one' });
    await alice.api.tweet.create({ content: 'two' });
    const wait = await refusedFor(() => alice.api.tweet.create({ content: 'not now' }));
    const seconds = Math.ceil(wait / 1000);

    api.render(<HomePage />, { token: alice.token });
    await userEvent.type(await screen.findByRole('textbox', { name: 'Post text' }), 'three');
    const post = screen.getByRole('button', { name: 'Post' });
    await userEvent.click(post);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(`Too many requests — try again in ${seconds} s`);
    expect(within(alert).getByRole('timer')).toHaveTextContent(`${seconds} s`);
    expect(post).toBeDisabled();

    date.moveTo(1_000);
    await waitFor(() => expect(alert).toHaveTextContent(`Too many requests — try again in ${seconds - 1} s`));
    date.moveTo(wait - 1_000);
    await waitFor(() => expect(alert).toHaveTextContent('Too many requests — try again in 1 s'));
    expect(post).toBeDisabled();

    date.moveTo(wait);
    // the alert and the button each follow the wait with a timer of their own: they may change a tick apart
    await waitFor(() => {
      expect(screen.queryByRole('alert')).not.toBeInTheDocument();
      expect(post).toBeEnabled();
    });
    expect(screen.getByRole('textbox', { name: 'Post text' })).toHaveValue('three');
    await userEvent.click(post);
    await waitFor(async () => expect((await alice.api.tweet.list({ authorId: alice.id })).items.map((t) => t.content)).toEqual(['three', 'two', 'one']));
  });

  it('a like past the engagement limit rolls back, says how long to wait, and likes once it is over', async () => {
    const date = freezeDate();
    api = await openApi({ limits: smallLimits({ engage: { points: 1, windowMs: MINUTE } }).limits });
    const alice = await api.signUp('alice');
    const bob = await api.signUp('bob');
    const liked = await bob.api.tweet.create({ content: 'liked before' });
    const post = await bob.api.tweet.create({ content: 'liked after the wait' });
    await alice.api.tweet.engage({ id: liked.id, action: 'like' });
    const wait = await refusedFor(() => alice.api.tweet.engage({ id: post.id, action: 'like' }));

    api.render(<HomePage />, { token: alice.token });
    const card = (await screen.findByText('liked after the wait')).closest('article')!;
    const like = within(card).getByRole('button', { name: 'Like' });
    await userEvent.click(like);

    const alert = await within(card).findByRole('alert');
    expect(alert).toHaveTextContent(`Could not like this post: Too many requests — try again in ${Math.ceil(wait / 1000)} s`);
    await waitFor(() => expect(within(card).getByTestId('like-count')).toHaveTextContent(/^0$/));
    expect(like).toHaveAttribute('aria-pressed', 'false');
    expect(like).toBeDisabled();
    expect(within(card).getByRole('button', { name: 'Retweet' })).toBeDisabled();

    date.moveTo(wait);
    await waitFor(() => {
      expect(within(card).queryByRole('alert')).not.toBeInTheDocument();
      expect(like).toBeEnabled();
    });
    await userEvent.click(like);
    await waitFor(async () => expect((await api.store.getEngagement(post.id, null)).likes).toBe(1));
    expect(like).toHaveAttribute('aria-pressed', 'true');
  });

  it('a timeline refused for a long wait shows the countdown at once, and loads when asked after it', async () => {
    const date = freezeDate();
    const address = '203.0.113.7';
    api = await openApi({ limits: smallLimits({ calls: { points: 20, windowMs: 5 * MINUTE } }).limits, clientAddress: address });
    const bob = await api.signUp('bob');
    await bob.api.tweet.create({ content: 'worth the wait' });
    const visitor = await spendCalls(address, 20);
    const wait = await refusedFor(() => visitor.system.health());
    expect(wait).toBeGreaterThan(QUIET_RETRY_WAIT_MS);

    api.render(<HomePage />);
    const timeline = screen.getByRole('region', { name: 'Timeline' });
    const alert = await within(timeline).findByRole('alert');
    expect(alert).toHaveTextContent(`Too many requests — try again in ${Math.ceil(wait / 1000)} s`);
    const tryAgain = within(alert).getByRole('button', { name: 'Try again' });
    expect(tryAgain).toBeDisabled();

    date.moveTo(wait);
    await waitFor(() => expect(tryAgain).toBeEnabled());
    expect(alert).toHaveTextContent('Too many requests — you can try again now');
    await userEvent.click(tryAgain);
    expect(await within(timeline).findByText('worth the wait')).toBeInTheDocument();
  });

  it('sign-in past the failed sign-in limit waits, then signs in', async () => {
    const date = freezeDate();
    api = await openApi({ limits: smallLimits({ loginFailures: { points: 2, windowMs: MINUTE } }).limits });
    await api.signUp('alice');
    const anonymous = createCaller(createContext(api.deps));
    for (let i = 0; i < 2; i++) await expect(anonymous.auth.login({ username: 'alice', password: 'not her password' })).rejects.toThrow();
    const wait = await refusedFor(() => anonymous.auth.login({ username: 'alice', password: 'not her password' }));

    api.render(<App />, { path: '/signin' });
    await userEvent.type(await screen.findByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'component-test-pw');
    const signIn = screen.getByRole('button', { name: 'Sign in' });
    await userEvent.click(signIn);
    expect(await screen.findByRole('alert')).toHaveTextContent(`Too many requests — try again in ${Math.ceil(wait / 1000)} s`);
    expect(signIn).toBeDisabled();

    date.moveTo(wait);
    await waitFor(() => expect(signIn).toBeEnabled());
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    await userEvent.click(signIn);
    // signing in remounts the page under the new session: find the account box afresh
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Account' })).getByText('@alice')).toBeInTheDocument());
  });
});

describe('what nobody saw fail is asked again after the wait', SLOW, () => {
  it('a timeline refused for a short wait loads once the wait is over, and shows no error', async () => {
    const address = '203.0.113.9';
    // A wait of ~4 s: TanStack's own delays (1 s, then 2 s more) would ask twice inside it and give up.
    const { limits, charges } = smallLimits({ calls: { points: 20, windowMs: 4_000 } }, ['calls']);
    api = await openApi({ limits, clientAddress: address });
    const bob = await api.signUp('bob');
    await bob.api.tweet.create({ content: 'worth the wait' });
    await spendCalls(address, 20);
    const alerts = alertsShown();

    api.render(<HomePage />);
    expect(await screen.findByText('worth the wait', undefined, { timeout: 15_000 })).toBeInTheDocument();
    expect(charges.some((c) => c.retryAfterMs !== null)).toBe(true);
    expect(alerts).toEqual([]);
  });


  it("a view refused for too many requests is counted after the server's wait, and shows no error", async () => {
    const engage = { points: 1, windowMs: 2_000 };
    const { limits, charges } = smallLimits({ engage }, ['engage']);
    api = await openApi({ limits });
    const observed: { callback: IntersectionObserverCallback; element: Element }[] = [];
    (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver = class {
      constructor(readonly callback: IntersectionObserverCallback) {}
      observe(element: Element) {
        observed.push({ callback: this.callback, element });
      }
      disconnect() {}
    };
    const alice = await api.signUp('alice');
    const bob = await api.signUp('bob');
    const post = await bob.api.tweet.create({ content: 'seen while liking too much' });
    api.render(<HomePage />, { token: alice.token });
    const card = await screen.findByRole('article', { name: 'Post by @bob' });
    await waitFor(() => expect(observed.some((o) => o.element === card)).toBe(true));

    // The like takes the last engagement of the window just before the card is seen.
    await alice.api.tweet.engage({ id: post.id, action: 'like' });
    act(() => observed.filter((o) => o.element === card).forEach((o) => o.callback([{ isIntersecting: true, target: card } as unknown as IntersectionObserverEntry], {} as IntersectionObserver)));
    await waitFor(() => expect(charges.length).toBeGreaterThanOrEqual(2));
    const refusal = charges[1]!;
    expect(refusal.retryAfterMs).toBeGreaterThan(0);

    await waitFor(async () => expect((await api.store.getEngagement(post.id, null)).views).toBe(1), { timeout: 10_000 });
    expect(charges.map((c) => c.retryAfterMs === null)).toEqual([true, false, true]);
    // asked again only once the server's wait was over (a timer never fires early; ms rounding aside)
    expect(charges[2]!.at - refusal.at).toBeGreaterThanOrEqual(refusal.retryAfterMs! - 5);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});

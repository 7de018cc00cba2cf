// The web app in a real Chromium against the real server: sessions, live timelines and counters, edit history,
// the dashboard, and a phone-sized screen. Every test also fails on any console error (see harness.ts).
import { expect } from 'vitest';
import { closeClient, createClient } from '@tweetstore/client';
import { eventually, PASSWORD, test, uniqueName } from './harness.ts';

const SESSION_COOKIE = 'tweetstore_session';

type Box = { x: number; y: number; width: number; height: number };
/** Whether two boxes on the page share any area. */
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test('signs up, stays signed in across a reload, signs out and signs in again', async ({ web }) => {
  const ada = await web.visitor('ada');
  const { page, context } = ada;
  const username = uniqueName('ada');
  await ada.signUp(username);

  await page.reload();
  await ada.signedInAs(username);
  const session = (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);
  expect(session, 'the session cookie').toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  expect(await page.evaluate(() => document.cookie), 'scripts cannot read the session').not.toContain(SESSION_COOKIE);

  const account = page.getByRole('region', { name: 'Account' });
  await account.getByRole('button', { name: 'Sign out', exact: true }).click();
  await account.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
  expect(await account.getByText(`@${username}`, { exact: true }).count()).toBe(0);
  await eventually(async () => (await context.cookies()).some((cookie) => cookie.name === SESSION_COOKIE), 'the cookie is cleared').toBe(false);
  await page.reload();
  await account.getByRole('link', { name: 'Sign in', exact: true }).waitFor();

  await ada.signIn(username);
  await page.reload();
  await ada.signedInAs(username);
});

test('a post arrives live for another user, and their like reaches the author live', async ({ web }) => {
  const ada = await web.visitor('ada');
  const bob = await web.visitor('bob');
  await ada.signUp(uniqueName('ada'));
  await ada.post(`Already there when bob arrives ${uniqueName('p')}`);
  await bob.signUp(uniqueName('bob'));
  await bob.page.getByRole('region', { name: 'Timeline' }).getByRole('article').first().waitFor();
  await eventually(() => bob.streams.listening('tweet.onChange'), "bob's timeline listens for new posts").toBe(true);

  const text = `Live from the e2e suite ${uniqueName('p')}`;
  const id = await ada.post(text);

  // Bob's timeline does not jump: the post waits behind a bar until he asks for it. The bar covers no post.
  const pill = bob.page.getByRole('button', { name: /\b1 new post\b/ });
  await pill.waitFor();
  const firstPost = bob.page.getByRole('region', { name: 'Timeline' }).getByRole('article').first();
  for (const part of [firstPost.locator('.tweet-name'), firstPost.locator('.tweet-text')]) {
    expect(overlap((await pill.boundingBox())!, (await part.boundingBox())!), `the pill over ${part}`).toBe(false);
  }
  await pill.click();
  const bobsCard = bob.tweet(id);
  await bobsCard.filter({ hasText: text }).waitFor();
  expect(await bobsCard.getAttribute('aria-label')).toBe(`Post by @${ada.username}`);

  const adasCount = ada.tweet(id).getByTestId('like-count');
  expect((await adasCount.textContent())?.trim()).toBe('0');
  await ada.page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  await eventually(() => ada.streams.listening('tweet.onEngagement', id), "ada's card listens for its engagement").toBe(true);

  const like = bobsCard.getByRole('button', { name: 'Like', exact: true });
  expect(await like.getAttribute('aria-pressed')).toBe('false');
  await like.click();
  await eventually(() => like.getAttribute('aria-pressed'), "bob's Like is pressed").toBe('true');
  await eventually(async () => (await bobsCard.getByTestId('like-count').textContent())?.trim(), "bob's count").toBe('1');

  await eventually(async () => (await adasCount.textContent())?.trim(), "ada's count, live").toBe('1');
  expect(await ada.page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), 'without a reload').toBe(true);
});

test('an edited post links to its history, which shows both versions and their differences', async ({ web }) => {
  const ada = await web.visitor('ada');
  const { page } = ada;
  await ada.signUp(uniqueName('ada'));
  const first = 'Meet me at the old harbour at noon';
  const second = 'Meet me at the new harbour at three';
  const id = await ada.post(first);

  const card = ada.tweet(id);
  await card.getByRole('button', { name: 'Edit', exact: true }).click();
  const editor = page.getByLabel('Edit post text', { exact: true });
  await editor.fill(second);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await card.filter({ hasText: second }).waitFor();
  await editor.waitFor({ state: 'detached' });

  await card.getByRole('link', { name: 'Edited', exact: true }).click();
  await page.waitForURL(`**/t/${id}/history`);
  const version1 = page.getByRole('listitem', { name: 'Version 1', exact: true });
  const version2 = page.getByRole('listitem', { name: 'Version 2', exact: true });
  await version1.filter({ hasText: first }).waitFor();
  await version2.filter({ hasText: second }).waitFor();

  const differences = page.getByRole('region', { name: 'Differences', exact: true });
  await differences.locator('del').first().waitFor();
  await differences.locator('ins').first().waitFor();
  const marked = async (tag: string) => (await differences.locator(tag).allTextContents()).map((text) => text.trim());
  expect(await marked('del'), 'shown as removed').toEqual(expect.arrayContaining(['old', 'noon']));
  expect(await marked('ins'), 'shown as added').toEqual(expect.arrayContaining(['new', 'three']));
  expect([...(await marked('del')), ...(await marked('ins'))].join(' '), 'the unchanged words are not marked').not.toMatch(/Meet|harbour/);
});

test('the dashboard shows live, non-zero traffic with its charts', async ({ web }) => {
  const ops = await web.visitor('ops');
  const { page } = ops;
  // What each chart's last drawing wrote on its canvas, with where: uPlot clears a canvas before each drawing.
  await page.addInitScript(() => {
    const drawn = new Map<HTMLCanvasElement, { text: string; left: number; right: number; y: number }[]>();
    (window as unknown as { chartTexts: () => unknown }).chartTexts = () => [...drawn.values()];
    const context = CanvasRenderingContext2D.prototype;
    const { clearRect, fillText } = context;
    context.clearRect = function (...args) {
      drawn.set(this.canvas, []);
      return clearRect.apply(this, args);
    };
    context.fillText = function (text, x, y, ...rest) {
      const width = this.measureText(text).width;
      const left = this.textAlign === 'center' ? x - width / 2 : this.textAlign === 'right' || this.textAlign === 'end' ? x - width : x;
      drawn.get(this.canvas)?.push({ text, left: left + this.getTransform().e, right: left + width + this.getTransform().e, y: y + this.getTransform().f });
      return fillText.call(this, text, x, y, ...rest);
    };
  });
  await page.goto(`${web.url}/dashboard`);
  for (const heading of ['Requests per second', 'Latency', 'Error rate', 'Memory', 'Event-loop delay', 'Open sockets']) {
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
  }

  // Traffic from outside the page, through the typed client: a post with a like, then reads until the
  // dashboard has counted some.
  const api = createClient({ url: web.url });
  const { token } = await api.auth.register.mutate({ username: uniqueName('load'), password: PASSWORD });
  const me = createClient({ url: web.url, token });
  const content = `Moving fast ${uniqueName('p')}`;
  const tweet = await me.tweet.create.mutate({ content });
  await me.tweet.engage.mutate({ id: tweet.id, action: 'like' });
  let calling = true;
  const traffic = (async () => {
    while (calling) await Promise.all(Array.from({ length: 5 }, () => me.tweet.get.query({ id: tweet.id })));
  })();
  try {
    // The page's own calls make a few per second; a tight loop of reads makes many more.
    await eventually(async () => Number.parseFloat((await page.getByTestId('rps-value').textContent()) ?? ''), 'requests per second').toBeGreaterThanOrEqual(10);
  } finally {
    calling = false;
    await traffic;
    await Promise.all([closeClient(api), closeClient(me)]);
  }
  expect(Number.parseFloat((await page.getByTestId('rss-value').textContent()) ?? ''), 'memory').toBeGreaterThan(0);
  for (const value of ['p99-value', 'error-rate-value', 'sockets-value']) await page.getByTestId(value).waitFor();
  await page.getByRole('list', { name: 'Fastest-moving posts' }).getByRole('listitem').filter({ hasText: content }).waitFor();

  await eventually(
    () => page.locator('canvas').evaluateAll((canvases) => canvases.filter((c) => (c as HTMLCanvasElement).width > 0 && (c as HTMLCanvasElement).height > 0).length),
    'drawn charts',
  ).toBeGreaterThan(0);

  // The time axis: short labels ("14:05:30"), none touching the next.
  type Drawn = { text: string; left: number; right: number; y: number };
  const timeAxes = async () =>
    ((await page.evaluate(() => (window as unknown as { chartTexts: () => unknown }).chartTexts())) as Drawn[][])
      .map((texts) => texts.filter((t) => /\d:\d\d/.test(t.text)))
      .filter((labels) => labels.length > 0);
  await eventually(async () => (await timeAxes()).length, 'charts with a time axis').toBe(6);
  for (const labels of await timeAxes()) {
    expect(labels.length, labels.map((l) => l.text).join(' ')).toBeGreaterThanOrEqual(2);
    for (const label of labels) expect(label.text).toMatch(/^\d\d:\d\d:\d\d$/);
    const row = labels.filter((l) => l.y === labels[0]!.y).sort((a, b) => a.left - b.left);
    expect(row, 'one row of labels').toHaveLength(labels.length);
    for (let i = 1; i < row.length; i++) expect(row[i]!.left, `${row[i - 1]!.text} then ${row[i]!.text}`).toBeGreaterThan(row[i - 1]!.right);
  }
});

test('a keyboard meets a skip link first, and the composer before Sign out', async ({ web }) => {
  const ada = await web.visitor('ada');
  const { page } = ada;
  await ada.signUp(uniqueName('ada'));
  await page.getByLabel('Post text', { exact: true }).waitFor();
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') || document.activeElement?.textContent?.trim());

  await page.keyboard.press('Tab');
  expect(await focused(), 'the first stop').toBe('Skip to main content');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  expect(await focused(), 'the first stop after skipping').toBe('Post text');

  await page.reload();
  await page.getByLabel('Post text', { exact: true }).waitFor();
  const stops: (string | undefined)[] = [];
  while (!['Post text', 'Sign out'].includes(stops.at(-1) ?? '') && stops.length < 50) {
    await page.keyboard.press('Tab');
    stops.push(await focused());
  }
  expect(stops.at(-1), `the first of the two in tab order (${stops.join(', ')})`).toBe('Post text');

  // The account box stays where it is seen, at the foot of the navigation column, clear of the links above it.
  const signOut = (await page.getByRole('button', { name: 'Sign out', exact: true }).boundingBox())!;
  const dashboard = (await page.getByRole('link', { name: 'Dashboard', exact: true }).boundingBox())!;
  expect(signOut.y, 'Sign out below the links').toBeGreaterThan(dashboard.y + dashboard.height);
  expect(signOut.y + signOut.height, 'Sign out on screen').toBeLessThanOrEqual(page.viewportSize()!.height);
});

test('in a German browser the English page writes its dates and times in English', async ({ web }) => {
  const ada = await web.visitor('ada', { locale: 'de-DE' });
  const { page } = ada;
  const username = uniqueName('ada');
  await ada.signUp(username);
  expect(await page.evaluate(() => navigator.language), "the browser's language").toBe('de-DE');
  const id = await ada.post('Guten Tag, in English please');
  const time = ada.tweet(id).locator('time');
  expect((await time.textContent())?.trim(), 'the time since posting').toMatch(/^(now|\d+ sec\. ago)$/);
  expect(await time.getAttribute('title'), 'the exact time').toMatch(/^\d{1,2}\/\d{1,2}\/\d{4}, \d{1,2}:\d{2}:\d{2}\s(AM|PM)$/);

  await page.goto(`${web.url}/@${username}`);
  const month = new Date().toLocaleDateString('en', { month: 'long', year: 'numeric' });
  await page.getByText(`Joined ${month}`).waitFor();
});

test('on a phone-sized screen the timeline is usable without sideways scrolling', async ({ web }) => {
  const width = 390;
  const phone = await web.visitor('phone', { viewport: { width, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const { page } = phone;
  await phone.signUp(uniqueName('pho'));

  // The composer and its buttons are on screen, not cut off at the sides.
  const composer = page.getByLabel('Post text', { exact: true });
  for (const control of [composer, page.getByRole('button', { name: 'Save draft', exact: true }), page.getByRole('button', { name: 'Post', exact: true })]) {
    await control.waitFor();
    const box = (await control.boundingBox())!;
    expect(box.x, `${control}`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${control}`).toBeLessThanOrEqual(width);
  }

  // Sign out sits in the bar at the top, beside the links and clear of them.
  const signOut = (await page.getByRole('button', { name: 'Sign out', exact: true }).boundingBox())!;
  const links = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').all();
  for (const link of links) expect(overlap((await link.boundingBox())!, signOut), `${link} and Sign out`).toBe(false);
  expect(signOut.y, 'Sign out at the top').toBeLessThan(100);
  expect(signOut.x + signOut.width, 'Sign out on screen').toBeLessThanOrEqual(width);

  const id = await phone.post('Posting from a phone: does everything fit on a narrow screen? #mobile https://example.com/a/rather/long/path');
  const card = phone.tweet(id);
  for (const button of ['Like', 'Retweet']) expect(await card.getByRole('button', { name: button, exact: true }).isVisible(), button).toBe(true);
  // Reply opens the thread, so it may be a link rather than a button.
  const reply = card.getByRole('button', { name: 'Reply', exact: true }).or(card.getByRole('link', { name: 'Reply', exact: true }));
  expect(await reply.isVisible(), 'Reply').toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width').toBeLessThanOrEqual(width);
});

test('posting past the write limit says how long to wait, counting down, and posts once the wait is over', async ({ web }) => {
  // 2 posts per 10 s: the page's post is the third within a moment of two made by the typed client.
  const limited = await web.serverWith({ TWEETSTORE_LIMIT_WRITES: '2/10s' });
  const username = uniqueName('ada');
  const { token } = await createClient({ url: limited.url }).auth.register.mutate({ username, password: PASSWORD });
  const ada = await limited.visitor('ada');
  ada.expectConsoleErrors(/status of 429 \(Too Many Requests\)/);
  const { page } = ada;
  await ada.signIn(username);
  const composer = page.getByLabel('Post text', { exact: true });
  await composer.fill('A third post, past the limit');
  const me = createClient({ url: limited.url, token });
  try {
    for (const content of ['one', 'two']) await me.tweet.create.mutate({ content });
  } finally {
    await closeClient(me);
  }
  const post = page.getByRole('button', { name: 'Post', exact: true });
  await post.click();

  const alert = page.getByRole('alert').filter({ hasText: 'Too many requests' });
  const secondsLeft = async () => Number(/try again in (\d+) s/.exec((await alert.textContent()) ?? '')?.[1] ?? Number.NaN);
  await eventually(secondsLeft, 'the wait, in seconds').toBeGreaterThan(0);
  const first = await secondsLeft();
  expect(first, 'at most the window (10 s) and one of its slots').toBeLessThanOrEqual(11);
  expect(await post.isDisabled(), 'Post waits too').toBe(true);
  await ada.screenshot('rate-limited-post');
  await eventually(secondsLeft, 'the wait counts down').toBeLessThan(first);

  await alert.waitFor({ state: 'detached' });
  expect(await post.isEnabled(), 'Post is possible again').toBe(true);
  expect(await composer.inputValue(), 'the text was kept').toBe('A third post, past the limit');
  await post.click();
  await page.getByRole('region', { name: 'Timeline' }).getByRole('article').filter({ hasText: 'A third post, past the limit' }).waitFor();
});

test('a page reloaded past the per-address limit loads by itself after the wait, and is live again', async ({ web }) => {
  // Every call from one address (all of this test's come from 127.0.0.1): 60 in any 6 s.
  const limited = await web.serverWith({ TWEETSTORE_LIMIT_CALLS: '60/6s' });
  const ada = await limited.visitor('ada');
  ada.expectConsoleErrors(/status of 429 \(Too Many Requests\)/);
  const { page } = ada;
  await ada.signUp(uniqueName('ada'));
  const before = 'Posted before the limit';
  await ada.post(before);
  const api = createClient({ url: limited.url });
  const { token: bobsToken } = await api.auth.register.mutate({ username: uniqueName('bob'), password: PASSWORD });
  await closeClient(api);

  // Spend what is left of the address's calls, and reload at once: everything the page asks for is refused.
  const spender = createClient({ url: limited.url });
  try {
    for (let refused = false; !refused; ) {
      refused = await spender.system.health.query().then(
        () => false,
        (error: unknown) => (error as { data?: { code?: string } }).data?.code === 'TOO_MANY_REQUESTS',
      );
    }
  } finally {
    await closeClient(spender);
  }
  await page.reload();

  // The wait (at most ~6.6 s) is under what queries sit out quietly: the timeline comes back by itself.
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await timeline.getByRole('article').filter({ hasText: before }).waitFor();
  await eventually(() => ada.streams.failed('tweet.onChange'), 'the live timeline was refused').toBe(true);
  await eventually(() => ada.streams.listening('tweet.onChange'), 'and started again after the wait').toBe(true);
  expect(await page.getByRole('alert').count(), 'no error was shown').toBe(0);

  // Bob shares the address, so his post may have to wait for the window too.
  const bob = createClient({ url: limited.url, token: bobsToken });
  try {
    for (;;) {
      const wait = await bob.tweet.create.mutate({ content: 'Live again' }).then(
        () => 0,
        (error: unknown) => (error as { data?: { retryAfterMs?: number } }).data?.retryAfterMs ?? Promise.reject(error),
      );
      if (!wait) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  } finally {
    await closeClient(bob);
  }
  await page.getByRole('button', { name: /\b1 new post\b/ }).waitFor();
});

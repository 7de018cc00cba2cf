// Finding and tidying posts in a real Chromium against the real server: search with its tabs in the address,
// hashtag pages, Explore kept live, the whole conversation on a thread page, and archive/restore from a post's menu.
// Posts are made through the typed client where the test is not about making them. Every test also fails on any
// console error (see harness.ts).
import { expect } from 'vitest';
import { closeClient, createClient, type TweetstoreClient } from '@tweetstore/client';
import { eventually, PASSWORD, test, uniqueName, type Web } from './harness.ts';

/** A user of the typed client (a second person, or the same one posting from elsewhere). */
async function author(web: Web, prefix: string, clients: TweetstoreClient[]): Promise<{ username: string; api: TweetstoreClient }> {
  const username = uniqueName(prefix);
  const anonymous = createClient({ url: web.url });
  clients.push(anonymous);
  const { token } = await anonymous.auth.register.mutate({ username, password: PASSWORD });
  const api = createClient({ url: web.url, token });
  clients.push(api);
  return { username, api };
}

const closeAll = (clients: TweetstoreClient[]) => Promise.all(clients.map((c) => closeClient(c)));

test('searches from the navigation: results in the address, Latest and Top tabs with Back, paging, and a refused query', async ({ web }) => {
  const clients: TweetstoreClient[] = [];
  try {
    const word = uniqueName('kw').replace('_', '');
    const ada = await author(web, 'ada', clients);
    const fans = await Promise.all(['bob', 'cyd', 'dan'].map((p) => author(web, p, clients)));
    const popular = await ada.api.tweet.create.mutate({ content: `The ${word} everyone talks about` });
    for (const fan of fans) await fan.api.tweet.engage.mutate({ id: popular.id, action: 'like' });
    const ids = [popular.id];
    for (let i = 0; i < 24; i++) ids.push((await ada.api.tweet.create.mutate({ content: `${word} note number ${i}` })).id);

    const reader = await web.visitor('reader');
    const { page } = reader;
    await page.goto(web.url);
    const box = page.getByRole('navigation', { name: 'Main' }).getByRole('searchbox', { name: 'Search posts' });
    await box.fill(word);
    await box.press('Enter');
    await page.waitForURL(`**/search?q=${word}`);
    expect(await page.title()).toBe(`${word} · Search · tweetstore`);
    const latest = page.getByRole('region', { name: `Latest results for “${word}”` });
    await latest.getByRole('article').first().waitFor();
    expect(await latest.getByRole('article').first().getAttribute('data-tweet-id'), 'newest first').toBe(ids.at(-1));

    // Paged like the timeline: the oldest match arrives once the reader scrolls to the end.
    await eventually(async () => {
      await page.mouse.wheel(0, 4000);
      return latest.getByText('You are all caught up.').isVisible();
    }, 'the end of the results').toBe(true);
    await reader.tweet(popular.id).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));

    const tabs = page.getByRole('navigation', { name: 'Order of results' });
    await tabs.getByRole('link', { name: 'Top', exact: true }).click();
    await page.waitForURL(`**/search?q=${word}&sort=top`);
    const top = page.getByRole('region', { name: `Top results for “${word}”` });
    await eventually(() => top.getByRole('article').first().getAttribute('data-tweet-id'), 'the most liked first').toBe(popular.id);
    await page.mouse.move(0, 0);
    await reader.screenshot('search', { fullPage: false });

    await page.goBack();
    await page.waitForURL(`**/search?q=${word}`);
    await latest.getByRole('article').first().waitFor();
    expect(await tabs.getByRole('link', { name: 'Latest', exact: true }).getAttribute('aria-current')).toBe('page');
    expect(await box.inputValue()).toBe(word);

    await page.goto(`${web.url}/search?q=${encodeURIComponent('-x')}`);
    const refused = page.getByRole('alert').filter({ hasText: 'Nothing to search for' });
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/nothing to find/);
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
  } finally {
    await closeAll(clients);
  }
});

test('on a phone the bar has a Search link to a page with its own field, and nothing scrolls sideways', async ({ web }) => {
  const width = 390;
  const phone = await web.visitor('phone', { viewport: { width, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const { page } = phone;
  await phone.signUp(uniqueName('longname'));
  expect(await page.getByRole('searchbox').count(), 'no field in the bar').toBe(0);
  // The bar keeps its two rows (the brand and the account, then the links), which is what "N new posts" sits under.
  const bar = page.getByRole('navigation', { name: 'Main' });
  const barHeight = await bar.evaluate((nav) => [nav.getBoundingClientRect().height, parseFloat(getComputedStyle(nav).getPropertyValue('--phone-bar'))]);
  expect(barHeight[0], 'the bar\'s height').toBe(barHeight[1]);
  const brand = (await bar.getByRole('link', { name: 'tweetstore home' }).boundingBox())!;
  const account = (await page.getByRole('region', { name: 'Account' }).boundingBox())!;
  expect(brand.x + brand.width, 'the brand clear of the account box').toBeLessThanOrEqual(account.x);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search', exact: true }).click();
  await page.waitForURL('**/search');
  const field = page.getByRole('searchbox', { name: 'Search posts' });
  await field.fill('#phones');
  await field.press('Enter');
  await page.waitForURL(`**/search?q=${encodeURIComponent('#phones')}`);
  await page.getByText('No posts match “#phones”. Try fewer or other words.').waitFor();
  expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width').toBeLessThanOrEqual(width);
});

test('a hashtag in a post leads to its page, which lists the posts carrying it in any case', async ({ web }) => {
  const clients: TweetstoreClient[] = [];
  try {
    const tag = `Tag${uniqueName('t').replace('_', '')}`;
    const bob = await author(web, 'bob', clients);
    const older = await bob.api.tweet.create.mutate({ content: `Lunch by the river #${tag.toLowerCase()}` });
    await bob.api.tweet.create.mutate({ content: `No tag, just ${tag}` });
    const ada = await web.visitor('ada');
    const { page } = ada;
    await ada.signUp(uniqueName('ada'));
    const id = await ada.post(`Sunny afternoon #${tag}`);

    const link = ada.tweet(id).getByRole('link', { name: `#${tag}`, exact: true });
    expect(await link.getAttribute('href')).toBe(`/tag/${tag}`);
    await link.click();
    await page.waitForURL(`**/tag/${tag}`);
    await page.getByRole('heading', { name: `#${tag}`, exact: true }).waitFor();
    const list = page.getByRole('region', { name: `Posts with #${tag}` });
    await list.getByRole('article').nth(1).waitFor();
    const shown = await list.getByRole('article').evaluateAll((articles) => articles.map((a) => a.getAttribute('data-tweet-id')));
    expect(shown).toEqual([id, older.id]);
    expect(await page.title()).toBe(`#${tag} · tweetstore`);
    await page.mouse.move(0, 0);
    await ada.screenshot('tag');
  } finally {
    await closeAll(clients);
  }
});

test('Explore lists trending hashtags and posts, and both update live without a flicker', async ({ web }) => {
  const clients: TweetstoreClient[] = [];
  try {
    const tag = uniqueName('trend').replace('_', '');
    const later = uniqueName('late').replace('_', '');
    const people = await Promise.all(['ada', 'bob', 'cyd'].map((p) => author(web, p, clients)));
    for (const person of people) await person.api.tweet.create.mutate({ content: `Watching the game tonight #${tag}` });

    const reader = await web.visitor('reader');
    const { page } = reader;
    await page.goto(web.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Explore', exact: true }).click();
    await page.waitForURL('**/explore');
    expect(await page.title()).toBe('Explore · tweetstore');
    const hashtags = page.getByRole('region', { name: 'Trending hashtags' });
    const trend = hashtags.getByRole('link', { name: new RegExp(`#${tag}\\b`) });
    await trend.waitFor();
    expect(await trend.getAttribute('href')).toBe(`/tag/${tag}`);
    expect(await trend.textContent()).toMatch(/3 posts · \d+(\.\d)? per minute/);

    // From now on, note every time a list shown is emptied or replaced by placeholders (a flicker).
    await page.evaluate(() => {
      const flickers: string[] = [];
      (window as unknown as { flickers: string[] }).flickers = flickers;
      const watch = (name: string) => {
        const section = [...document.querySelectorAll('section')].find((s) => s.getAttribute('aria-labelledby') && s.querySelector('h2')?.textContent === name)!;
        const rows = () => section.querySelectorAll('li, article').length;
        new MutationObserver(() => {
          if (rows() === 0) flickers.push(`${name} emptied`);
        }).observe(section, { childList: true, subtree: true });
      };
      watch('Trending hashtags');
      watch('Trending posts');
    });
    await eventually(() => reader.streams.listening('tweet.onChange'), 'Explore listens for changes').toBe(true);

    // A post gets liked, and a new hashtag is used: both show without a reload.
    const liked = await people[0]!.api.tweet.create.mutate({ content: `Look at this view ${uniqueName('v')}` });
    for (const person of people) await person.api.tweet.engage.mutate({ id: liked.id, action: 'like' });
    for (const person of people.slice(0, 2)) await person.api.tweet.create.mutate({ content: `Anyone for #${later}?` });
    await hashtags.getByRole('link', { name: new RegExp(`#${later}\\b`) }).waitFor();
    const posts = page.getByRole('region', { name: 'Trending posts' });
    await posts.locator(`article[data-tweet-id="${liked.id}"]`).waitFor();
    expect(await page.evaluate(() => (window as unknown as { flickers: string[] }).flickers), 'no list blinked out').toEqual([]);
    await page.mouse.move(0, 0);
    await reader.screenshot('explore');
  } finally {
    await closeAll(clients);
  }
});

test('a thread page shows the whole conversation, replies to replies, and pages its replies', async ({ web }) => {
  const clients: TweetstoreClient[] = [];
  try {
    const [ada, bob, cyd] = await Promise.all(['ada', 'bob', 'cyd'].map((p) => author(web, p, clients)));
    const root = await ada!.api.tweet.create.mutate({ content: 'Which bridge in town is the oldest?' });
    const gone = await bob!.api.tweet.create.mutate({ content: 'A reply bob will archive', replyToId: root.id });
    const reply = await cyd!.api.tweet.create.mutate({ content: 'The stone one by the mill, I think', replyToId: gone.id });
    const post = await ada!.api.tweet.create.mutate({ content: 'The mill bridge? It was rebuilt in 1920.', replyToId: reply.id });
    await bob!.api.tweet.archive.mutate({ id: gone.id });
    const deep = await bob!.api.tweet.create.mutate({ content: 'Only its arches, the piers are older', replyToId: post.id });
    await cyd!.api.tweet.create.mutate({ content: 'Good to know!', replyToId: deep.id });
    for (let i = 0; i < 21; i++) await cyd!.api.tweet.create.mutate({ content: `More on bridges, part ${i + 1}`, replyToId: post.id });

    const reader = await web.visitor('reader', { viewport: { width: 1100, height: 1400 } });
    const { page } = reader;
    await page.goto(`${web.url}/t/${post.id}`);
    const conversation = page.getByRole('region', { name: 'Conversation' });
    await conversation.getByRole('article').nth(2).waitFor();
    const order = await conversation.getByRole('article').evaluateAll((articles) => articles.map((a) => a.getAttribute('data-tweet-id')));
    expect(order, 'root first, the archived reply left out').toEqual([root.id, reply.id, post.id]);
    await conversation.getByText('A post in this conversation is not available.').waitFor();
    expect(await conversation.textContent()).not.toContain('A reply bob will archive');
    expect(await reader.tweet(post.id).getByText(`Replying to @${cyd!.username}`).count()).toBe(1);
    expect(await page.title()).toBe(`Post by @${ada!.username} · tweetstore`);

    const replies = page.getByRole('region', { name: 'Replies' });
    const first = reader.tweet(deep.id);
    await first.getByText(`Replying to @${ada!.username}`).waitFor();
    expect((await first.getByTestId('reply-count').textContent())?.trim()).toBe('1');
    expect(await replies.getByRole('article').count(), 'one page of replies').toBe(20);
    // The page opens with the post at the top of the screen; the picture shows the conversation above it too.
    expect(await reader.tweet(post.id).evaluate((card) => Math.round(card.getBoundingClientRect().top)), 'the post at the top').toBeLessThan(20);
    await page.evaluate(() => window.scrollTo(0, 0));
    await reader.screenshot('thread', { fullPage: false });
    await page.getByRole('button', { name: 'Show more replies', exact: true }).click();
    await eventually(() => replies.getByRole('article').count(), 'the next page').toBe(22);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'focus on the first reply it brought').toBe(`Post by @${cyd!.username}`);

    // A reply to a reply: its own thread, one click away.
    await first.getByRole('link', { name: 'Show 1 reply', exact: true }).click();
    await page.waitForURL(`**/t/${deep.id}`);
    await page.getByRole('region', { name: 'Replies' }).getByText('Good to know!').waitFor();
    const chain = await page.getByRole('region', { name: 'Conversation' }).getByRole('article').count();
    expect(chain, 'root, reply, post, and this one').toBe(4);
  } finally {
    await closeAll(clients);
  }
});

test('the author archives a post from its menu, finds it under Archived on their profile, and restores it', async ({ web }) => {
  const ada = await web.visitor('ada');
  const { page } = ada;
  const username = uniqueName('ada');
  await ada.signUp(username);
  const kept = await ada.post('This one stays on the timeline');
  const id = await ada.post('A post I would rather put away for now');

  const card = ada.tweet(id);
  const more = card.getByRole('button', { name: 'More', exact: true });
  await more.focus();
  await page.keyboard.press('Enter');
  const archive = page.getByRole('menuitem', { name: 'Archive', exact: true });
  await eventually(() => archive.evaluate((item) => item === document.activeElement), 'the menu opens on its first item').toBe(true);
  await ada.screenshot('post-menu');
  await page.keyboard.press('Enter');
  await card.waitFor({ state: 'detached' });
  await ada.tweet(kept).waitFor();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profile', exact: true }).click();
  await page.waitForURL(`**/@${username}`);
  await ada.tweet(kept).waitFor();
  expect(await card.count(), 'not among the posts').toBe(0);
  await page.getByRole('navigation', { name: 'Your posts' }).getByRole('link', { name: 'Archived', exact: true }).click();
  await page.waitForURL(`**/@${username}/archived`);
  const archived = page.getByRole('region', { name: `Archived posts by @${username}` });
  await archived.locator(`article[data-tweet-id="${id}"]`).getByText('Archived', { exact: true }).waitFor();
  expect(await archived.getByRole('article').count()).toBe(1);
  expect(await page.title()).toBe(`Archived posts · @${username} · tweetstore`);
  await page.mouse.move(0, 0);
  await ada.screenshot('archived');

  await archived.getByRole('button', { name: 'Restore', exact: true }).click();
  await archived.getByText(/No archived posts/).waitFor();
  await page.goBack();
  await page.waitForURL(`**/@${username}`);
  await ada.tweet(id).waitFor();
});

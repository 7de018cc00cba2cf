import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthorPage } from '../src/pages/AuthorPage.tsx';
import { HomePage } from '../src/pages/HomePage.tsx';
import { ThreadPage } from '../src/pages/ThreadPage.tsx';
import { ESTIMATED_ROW_PX } from '../src/timeline/TweetFeed.tsx';
import { openApi, scrollWindowTo, type ApiHarness } from './harness.tsx';

let api: ApiHarness;
beforeEach(async () => {
  api = await openApi();
  // jsdom has no scrolling: keep the window's offset in scrollY and tell listeners, as a browser would.
  vi.spyOn(window, 'scrollTo').mockImplementation(((options: ScrollToOptions) => scrollWindowTo(options.top ?? 0)) as typeof window.scrollTo);
});
afterEach(async () => {
  await api.close();
  scrollWindowTo(0);
  vi.restoreAllMocks();
});

/** Live events reach a page only once its subscriptions run on the server. */
async function subscriptionsOpen(count: number) {
  await waitFor(async () => expect((await api.deps.telemetry.snapshot()).connections.subscriptions).toBeGreaterThanOrEqual(count));
}

const renderedIds = (region: HTMLElement) => within(region).queryAllByRole('article').map((a) => a.dataset.tweetId);

describe('home timeline', () => {
  it('renders the newest page first and loads the next page when scrolled to its end', async () => {
    const alice = await api.signUp('alice');
    // The store decides commands in the order they come, so these get ids in this order.
    const posted = (await Promise.all(Array.from({ length: 45 }, (_, i) => alice.api.tweet.create({ content: `post number ${i}` })))).map((t) => t.id);
    const newestFirst = posted.toReversed();
    api.render(<HomePage />, { token: alice.token });

    const timeline = await screen.findByRole('region', { name: 'Timeline' });
    await waitFor(() => expect(renderedIds(timeline).length).toBeGreaterThan(3));
    // Virtualised: only the rows near the screen exist, the newest first; page 2 has not been asked for.
    const first = renderedIds(timeline);
    expect(first).toEqual(newestFirst.slice(0, first.length));
    expect(first.length).toBeLessThan(20);
    expect(within(timeline).getByText('post number 44')).toBeInTheDocument();

    // Scroll to the end of the first page (20 rows): the second page loads and its rows follow in order.
    await act(async () => scrollWindowTo(20 * ESTIMATED_ROW_PX - window.innerHeight));
    await waitFor(() => expect(renderedIds(timeline)).toContain(newestFirst[20]));
    const after = renderedIds(timeline);
    const start = newestFirst.indexOf(after[0]!);
    expect(after).toEqual(newestFirst.slice(start, start + after.length));
    expect(screen.queryByText('You are all caught up.')).not.toBeInTheDocument();

    // And to the very end: the third (last) page, then the end of the list.
    await act(async () => scrollWindowTo(40 * ESTIMATED_ROW_PX - window.innerHeight));
    await waitFor(() => expect(renderedIds(timeline)).toContain(newestFirst[44]));
    await act(async () => scrollWindowTo(45 * ESTIMATED_ROW_PX - window.innerHeight));
    expect(await screen.findByText('You are all caught up.')).toBeInTheDocument();
  }, 20_000);

  it('holds a post by someone else behind "1 new post" and shows it at the top when asked', async () => {
    const alice = await api.signUp('alice');
    const bob = await api.signUp('bob');
    const old = await alice.api.tweet.create({ content: 'an older post' });
    api.render(<HomePage />, { token: alice.token });
    const timeline = await screen.findByRole('region', { name: 'Timeline' });
    await within(timeline).findByText('an older post');
    await subscriptionsOpen(2);

    const fresh = await bob.api.tweet.create({ content: 'fresh from bob' });
    const bar = await screen.findByRole('button', { name: '1 new post' });
    // Nothing moved: the new post is not in the list until the reader asks for it.
    expect(renderedIds(timeline)).toEqual([old.id]);

    await bob.api.tweet.create({ content: 'and another one' });
    await screen.findByRole('button', { name: '2 new posts' });
    await userEvent.click(screen.getByRole('button', { name: '2 new posts' }));
    await waitFor(() => expect(renderedIds(timeline)).toHaveLength(3));
    expect(renderedIds(timeline)[1]).toBe(fresh.id);
    expect(within(timeline).getAllByRole('article', { name: 'Post by @bob' })).toHaveLength(2);
    expect(bar).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /new posts?$/ })).not.toBeInTheDocument();
    // Focus goes to the newest post, for keyboard and screen reader users.
    expect(document.activeElement).toBe(within(timeline).getAllByRole('article')[0]);
  });

  it('applies an edit by the author to a post on screen at once', async () => {
    const alice = await api.signUp('alice');
    const bob = await api.signUp('bob');
    const post = await bob.api.tweet.create({ content: 'first words' });
    api.render(<HomePage />, { token: alice.token });
    const timeline = await screen.findByRole('region', { name: 'Timeline' });
    await within(timeline).findByText('first words');
    await subscriptionsOpen(2);
    await bob.api.tweet.edit({ id: post.id, content: 'better words' });
    expect(await within(timeline).findByText('better words')).toBeInTheDocument();
    expect(within(timeline).getByRole('link', { name: 'Edited' })).toHaveAttribute('href', `/t/${post.id}/history`);
  });

  it('drops a post its author archives from a reader\'s timeline at once, learning no more than its id', async () => {
    const bob = await api.signUp('bob');
    const post = await bob.api.tweet.create({ content: 'soon archived' });
    const stays = await bob.api.tweet.create({ content: 'stays' });
    api.render(<HomePage />);
    const timeline = await screen.findByRole('region', { name: 'Timeline' });
    await within(timeline).findByText('soon archived');
    await subscriptionsOpen(2);
    await bob.api.tweet.archive({ id: post.id });
    await waitFor(() => expect(renderedIds(timeline)).toEqual([stays.id]));
  });

  it('shows a loading state, then an empty timeline, to a signed-out visitor', async () => {
    api.render(<HomePage />);
    expect(screen.getByText('Loading posts')).toBeInTheDocument();
    expect(await screen.findByText('No posts yet. Be the first!')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/signin');
  });
});

describe('drafts', () => {
  it('shows the author their draft with a Publish button, and publishes it', async () => {
    const alice = await api.signUp('alice');
    api.render(<HomePage />, { token: alice.token });
    await userEvent.type(await screen.findByRole('textbox', { name: 'Post text' }), 'not ready yet');
    await userEvent.click(screen.getByRole('button', { name: 'Save draft' }));

    const card = await screen.findByRole('article', { name: 'Post by @alice' });
    expect(within(card).getByText('Draft')).toBeInTheDocument();
    const id = card.dataset.tweetId!;
    expect((await alice.api.tweet.get({ id })).state).toBe('draft');

    await userEvent.click(within(card).getByRole('button', { name: 'Publish' }));
    await waitFor(() => expect(within(card).queryByText('Draft')).not.toBeInTheDocument());
    expect(within(card).queryByRole('button', { name: 'Publish' })).not.toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Like' })).toBeInTheDocument();
    expect((await alice.api.tweet.get({ id })).state).toBe('published');
  });

  it('dates a draft published later by when it was published, not when it was drafted', async () => {
    const alice = await api.signUp('alice');
    const draft = await alice.api.tweet.create({ content: 'drafted, then published', draft: true });
    // The page's clock is the real one: let it move on so the two times differ.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const published = await alice.api.tweet.publish({ id: draft.id });
    expect(published.publishedAt!.getTime()).toBeGreaterThan(draft.createdAt.getTime());
    api.render(<ThreadPage id={draft.id} />);
    const card = await screen.findByRole('article', { name: 'Post by @alice' });
    expect(card.querySelector('.tweet-time time')).toHaveAttribute('datetime', published.publishedAt!.toISOString());
  });
});

describe('author page', () => {
  it('lists only that author\'s posts under "Posts by @username"', async () => {
    const alice = await api.signUp('alice');
    const bob = await api.signUp('bob');
    await alice.api.tweet.create({ content: 'by alice' });
    const b = await bob.api.tweet.create({ content: 'by bob' });
    api.render(<AuthorPage username="bob" />, { token: alice.token });
    const timeline = await screen.findByRole('region', { name: 'Posts by @bob' });
    await within(timeline).findByText('by bob');
    expect(renderedIds(timeline)).toEqual([b.id]);
  });

  it('says so when the account does not exist', async () => {
    api.render(<AuthorPage username="nobody" />);
    expect(await screen.findByRole('heading', { name: 'This account does not exist' })).toBeInTheDocument();
  });
});

describe('thread page', () => {
  it('shows the post and its replies, and a reply appears and is counted', async () => {
    const alice = await api.signUp('alice');
    const bob = await api.signUp('bob');
    const post = await alice.api.tweet.create({ content: 'the original' });
    await bob.api.tweet.create({ content: 'an early reply', replyToId: post.id });
    api.render(<ThreadPage id={post.id} />, { token: alice.token });

    const main = await screen.findByRole('article', { name: 'Post by @alice' });
    expect(within(main).getByText('the original')).toBeInTheDocument();
    const replies = await screen.findByRole('region', { name: 'Replies' });
    await within(replies).findByText('an early reply');
    expect(within(main).getByTestId('reply-count')).toHaveTextContent('1');

    await userEvent.type(screen.getByRole('textbox', { name: 'Reply text' }), 'my own reply');
    await userEvent.click(screen.getByRole('button', { name: 'Reply' }));
    await within(replies).findByText('my own reply');
    await waitFor(() => expect(within(main).getByTestId('reply-count')).toHaveTextContent('2'));
    expect((await alice.api.tweet.list({ replyToId: post.id })).items.map((t) => t.content)).toEqual(['my own reply', 'an early reply']);
  });

  it('says so when the post does not exist', async () => {
    api.render(<ThreadPage id="01ARZ3NDEKTSV4RRFFQ69G5FAV" />);
    expect(await screen.findByText(/This post does not exist/)).toBeInTheDocument();
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../src/App.tsx';
import { apiPerTest, articleIds } from './harness.tsx';

const harness = apiPerTest();

describe('hashtags', () => {
  it('links a hashtag in a post to its page, which lists the posts carrying it in any case, newest first', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const bob = await api.signUp('bob');
    const first = await ada.api.tweet.create({ content: 'Morning swim #Café' });
    await ada.api.tweet.create({ content: 'no tag here, café' });
    const second = await bob.api.tweet.create({ content: 'again #café and #other' });
    const user = userEvent.setup();
    const view = api.render(<App />);
    const timeline = await screen.findByRole('region', { name: 'Timeline' });
    const card = await within(timeline).findByText(/Morning swim/);
    const tag = within(card).getByRole('link', { name: '#Café' });
    expect(tag).toHaveAttribute('href', '/tag/Caf%C3%A9');

    await user.click(tag);
    expect(view.address()).toBe('/tag/Caf%C3%A9');
    expect(await screen.findByRole('heading', { name: '#Café' })).toBeInTheDocument();
    expect(document.title).toBe('#Café · tweetstore');
    const tagged = await screen.findByRole('region', { name: 'Posts with #Café' });
    await waitFor(() => expect(articleIds(tagged)).toEqual([second.id, first.id]));
  });

  it('shows a new post with the hashtag behind "1 new post", and drops one that is archived', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const old = await ada.api.tweet.create({ content: 'first #news' });
    api.render(<App />, { path: '/tag/news' });
    const tagged = await screen.findByRole('region', { name: 'Posts with #news' });
    await waitFor(() => expect(articleIds(tagged)).toEqual([old.id]));
    await api.subscriptionsOpen(1);

    await ada.api.tweet.create({ content: 'not tagged news' });
    const fresh = await ada.api.tweet.create({ content: 'second #NEWS' });
    // Events arrive in order: once this edit shows, the page has heard of both posts.
    await ada.api.tweet.edit({ id: old.id, content: 'first #news, edited' });
    await within(tagged).findByText(/edited/);
    expect(screen.getByRole('button', { name: /new posts?$/ })).toHaveAccessibleName('1 new post');
    await userEvent.click(screen.getByRole('button', { name: '1 new post' }));
    await waitFor(() => expect(articleIds(tagged)).toEqual([fresh.id, old.id]));
    expect(screen.queryByRole('button', { name: /new posts?$/ })).not.toBeInTheDocument();
    await ada.api.tweet.archive({ id: old.id });
    await waitFor(() => expect(articleIds(tagged)).toEqual([fresh.id]));
  });

  it('says an address that is not a hashtag is not one, without offering to try again', async () => {
    const api = harness();
    api.render(<App />, { path: '/tag/not-a-tag' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This is not a hashtag');
    expect(screen.queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
  });
});

describe('explore', () => {
  it('lists the trending hashtags with their uses and velocity, linking to their pages, and takes in new ones live', async () => {
    const api = harness();
    const users = await Promise.all(['ada', 'bob', 'cyd'].map((name) => api.signUp(name)));
    for (const u of users) await u.api.tweet.create({ content: `the match tonight #final` });
    await users[0]!.api.tweet.create({ content: 'also #final, once more' });
    const user = userEvent.setup();
    api.render(<App />);
    await user.click(screen.getByRole('link', { name: 'Explore' }));
    expect(document.title).toBe('Explore · tweetstore');

    const hashtags = await screen.findByRole('region', { name: 'Trending hashtags' });
    const final = await within(hashtags).findByRole('link', { name: /#final/ });
    expect(final).toHaveAttribute('href', '/tag/final');
    expect(final).toHaveTextContent(/^1#final4 posts · \d+(\.\d)? per minute$/);
    expect(within(hashtags).queryByRole('link', { name: /#derby/ })).not.toBeInTheDocument();

    await api.subscriptionsOpen(1);
    await users[1]!.api.tweet.create({ content: 'who is going to the #derby' });
    expect(await within(hashtags).findByRole('link', { name: /#derby/ }, { timeout: 5_000 })).toHaveAttribute('href', '/tag/derby');
  });

  it('lists the trending posts, and drops one its author archives', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const fans = await Promise.all(['bob', 'cyd'].map((name) => api.signUp(name)));
    const hot = await ada.api.tweet.create({ content: 'everyone likes this' });
    const warm = await ada.api.tweet.create({ content: 'some like this' });
    for (const fan of fans) await fan.api.tweet.engage({ id: hot.id, action: 'like' });
    await fans[0]!.api.tweet.engage({ id: warm.id, action: 'like' });
    api.render(<App />, { path: '/explore' });

    const posts = await screen.findByRole('region', { name: 'Trending posts' });
    await waitFor(() => expect(articleIds(posts)).toEqual([hot.id, warm.id]));
    await api.subscriptionsOpen(1);
    await ada.api.tweet.archive({ id: hot.id });
    await waitFor(() => expect(articleIds(posts)).toEqual([warm.id]), { timeout: 5_000 });
  });

  it('says when nothing is trending yet', async () => {
    const api = harness();
    api.render(<App />, { path: '/explore' });
    expect(await screen.findByText('No hashtags are trending yet.')).toBeInTheDocument();
    expect(await screen.findByText('No posts are trending yet.')).toBeInTheDocument();
  });
});

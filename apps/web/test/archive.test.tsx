import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../src/App.tsx';
import { apiPerTest, articleIds } from './harness.tsx';

const harness = apiPerTest();

describe('archive and restore', () => {
  it('archives a post from its menu: it leaves the timeline at once, waits under Archived, and Restore brings it back', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const kept = await ada.api.tweet.create({ content: 'this one stays' });
    const post = await ada.api.tweet.create({ content: 'this one goes' });
    const user = userEvent.setup();
    const view = api.render(<App />, { token: ada.token });
    const timeline = await screen.findByRole('region', { name: 'Timeline' });
    await waitFor(() => expect(articleIds(timeline)).toEqual([post.id, kept.id]));

    const card = within(timeline).getAllByRole('article')[0]!;
    await user.click(within(card).getByRole('button', { name: 'More' }));
    await user.click(screen.getByRole('menuitem', { name: 'Archive' }));
    await waitFor(() => expect(articleIds(timeline)).toEqual([kept.id]));
    expect((await ada.api.tweet.get({ id: post.id })).state).toBe('archived');
    // the card went with it: the page's live region says what happened, and where the post is now
    expect(screen.getByRole('status', { name: 'Announcements' })).toHaveTextContent('Post archived. Find it under Archived on your profile.');

    // Only on the author's own profile: a tab of the posts they archived.
    view.navigate('/@ada');
    const tabs = await screen.findByRole('navigation', { name: 'Your posts' });
    expect(within(tabs).getByRole('link', { name: 'Posts' })).toHaveAttribute('aria-current', 'page');
    const posts = await screen.findByRole('region', { name: 'Posts by @ada' });
    await waitFor(() => expect(articleIds(posts)).toEqual([kept.id]));
    await user.click(within(tabs).getByRole('link', { name: 'Archived' }));
    const archived = await screen.findByRole('region', { name: 'Archived posts by @ada' });
    await waitFor(() => expect(articleIds(archived)).toEqual([post.id]));
    expect(within(tabs).getByRole('link', { name: 'Archived' })).toHaveAttribute('aria-current', 'page');
    expect(document.title).toBe('Archived posts · @ada · tweetstore');
    const archivedCard = within(archived).getByRole('article');
    expect(archivedCard).toHaveTextContent('Archived');

    await user.click(within(archivedCard).getByRole('button', { name: 'Restore' }));
    await waitFor(() => expect(articleIds(archived)).toEqual([]));
    expect(screen.getByRole('status', { name: 'Announcements' })).toHaveTextContent('Post restored.');
    expect(await within(archived).findByText(/No archived posts/)).toBeInTheDocument();
    expect((await ada.api.tweet.get({ id: post.id })).state).toBe('published');
    view.navigate('/');
    const home = await screen.findByRole('region', { name: 'Timeline' });
    await waitFor(() => expect(articleIds(home)).toEqual([post.id, kept.id]));
  });

  it('restores from the menu of an archived post, too', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const post = await ada.api.tweet.create({ content: 'archived already' });
    await ada.api.tweet.archive({ id: post.id });
    const user = userEvent.setup();
    api.render(<App />, { token: ada.token, path: '/@ada/archived' });
    const archived = await screen.findByRole('region', { name: 'Archived posts by @ada' });
    const card = await within(archived).findByRole('article');
    await user.click(within(card).getByRole('button', { name: 'More' }));
    expect(screen.queryByRole('menuitem', { name: 'Archive' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('menuitem', { name: 'Restore' }));
    await waitFor(() => expect(articleIds(archived)).toEqual([]));
    expect((await ada.api.tweet.get({ id: post.id })).state).toBe('published');
  });

  it('lists archived posts found past pages of published ones', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const old = await ada.api.tweet.create({ content: 'archived long ago' });
    await ada.api.tweet.archive({ id: old.id });
    // More published posts after it than one page of the archived list holds.
    await Promise.all(Array.from({ length: 120 }, (_, i) => ada.api.tweet.create({ content: `later post ${i}` })));
    api.render(<App />, { token: ada.token, path: '/@ada/archived' });
    const archived = await screen.findByRole('region', { name: 'Archived posts by @ada' });
    await waitFor(() => expect(articleIds(archived)).toEqual([old.id]));
    expect(screen.queryByText(/No archived posts/)).not.toBeInTheDocument();
  });

  it('works from the keyboard: Enter opens the menu on its first item, Escape closes it back onto its button', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    await ada.api.tweet.create({ content: 'keyboard only' });
    const user = userEvent.setup();
    api.render(<App />, { token: ada.token });
    const card = await screen.findByRole('article', { name: 'Post by @ada' });
    const more = within(card).getByRole('button', { name: 'More' });
    expect(more).toHaveAttribute('aria-haspopup', 'menu');
    more.focus();
    await user.keyboard('{Enter}');
    const menu = await screen.findByRole('menu', { name: 'More' });
    expect(more).toHaveAttribute('aria-expanded', 'true');
    expect(document.activeElement).toBe(within(menu).getByRole('menuitem', { name: 'Archive' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(document.activeElement).toBe(more);
    await user.keyboard('{ArrowDown}');
    expect(await screen.findByRole('menu')).toBeInTheDocument();
    await user.click(document.body);
    await waitFor(() => expect(screen.queryByRole('menu')).not.toBeInTheDocument());
  });

  it('gives the menu and the Archived tab to the author alone', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const bob = await api.signUp('bob');
    await ada.api.tweet.create({ content: 'by ada' });
    const view = api.render(<App />, { token: bob.token, path: '/@ada' });
    const card = await screen.findByRole('article', { name: 'Post by @ada' });
    expect(within(card).queryByRole('button', { name: 'More' })).not.toBeInTheDocument();
    expect(screen.queryByRole('navigation', { name: 'Your posts' })).not.toBeInTheDocument();
    view.navigate('/@ada/archived');
    expect(await screen.findByText('Only @ada can see the posts they archived.')).toBeInTheDocument();
  });
});

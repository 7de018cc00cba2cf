import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../src/App.tsx';
import { ESTIMATED_ROW_PX } from '../src/timeline/TweetFeed.tsx';
import { apiPerTest, articleIds, scrollWindowTo } from './harness.tsx';

const harness = apiPerTest();

const results = () => screen.findByRole('region', { name: /results for/ });

describe('search', () => {
  it('searches from the box in the navigation: /search?q=…, matches newest first, the page named after the query', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const older = await ada.api.tweet.create({ content: 'Meet me at the harbour' });
    await ada.api.tweet.create({ content: 'Nothing to see here' });
    const newer = await ada.api.tweet.create({ content: 'The harbour lights are on' });
    const user = userEvent.setup();
    const view = api.render(<App />);

    const box = within(screen.getByRole('search', { name: 'Search posts' })).getByRole('searchbox', { name: 'Search posts' });
    await user.type(box, 'harbour lights{Enter}');
    expect(view.address()).toBe('/search?q=harbour+lights');
    expect(await screen.findByRole('heading', { name: 'Results for “harbour lights”' })).toBeInTheDocument();
    await waitFor(async () => expect(articleIds(await results())).toEqual([newer.id]));
    expect(document.title).toBe('harbour lights · Search · tweetstore');

    await user.clear(box);
    await user.type(box, 'harbour{Enter}');
    await waitFor(async () => expect(articleIds(await results())).toEqual([newer.id, older.id]));
    expect(view.address()).toBe('/search?q=harbour');
    // Going to an address (Back, a shared link) puts its query in the box.
    view.navigate('/search?q=lights');
    await waitFor(() => expect(box).toHaveValue('lights'));
    await waitFor(async () => expect(articleIds(await results())).toEqual([newer.id]));
  });

  it('has Latest and Top tabs in the address: Top puts the most engaged first', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const fans = await Promise.all(['bob', 'cyd', 'dan'].map((name) => api.signUp(name)));
    const popular = await ada.api.tweet.create({ content: 'coffee is the best drink' });
    const quiet = await ada.api.tweet.create({ content: 'coffee again today' });
    for (const fan of fans) await fan.api.tweet.engage({ id: popular.id, action: 'like' });
    const user = userEvent.setup();
    const view = api.render(<App />, { path: '/search?q=coffee' });

    const tabs = await screen.findByRole('navigation', { name: 'Order of results' });
    expect(within(tabs).getByRole('link', { name: 'Latest' })).toHaveAttribute('aria-current', 'page');
    await waitFor(async () => expect(articleIds(await results())).toEqual([quiet.id, popular.id]));

    await user.click(within(tabs).getByRole('link', { name: 'Top' }));
    expect(view.address()).toBe('/search?q=coffee&sort=top');
    expect(within(tabs).getByRole('link', { name: 'Top' })).toHaveAttribute('aria-current', 'page');
    await waitFor(async () => expect(articleIds(await screen.findByRole('region', { name: 'Top results for “coffee”' }))).toEqual([popular.id, quiet.id]));

    // A new search from the Top tab stays on Top.
    // (jsdom applies no media queries: the page's own box, for phones, is here too)
    await user.type(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('searchbox'), ' today{Enter}');
    expect(view.address()).toBe('/search?q=coffee+today&sort=top');
  });

  it('loads the next page of Top results as the reader scrolls to the end', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    await Promise.all(Array.from({ length: 30 }, (_, i) => ada.api.tweet.create({ content: `tea number ${i}` })));
    api.render(<App />, { path: '/search?q=tea&sort=top' });
    const list = await results();
    await waitFor(() => expect(articleIds(list).length).toBeGreaterThan(3));
    await act(async () => scrollWindowTo(30 * ESTIMATED_ROW_PX));
    expect(await within(list).findByText('You are all caught up.', {}, { timeout: 10_000 })).toBeInTheDocument();
    await act(async () => scrollWindowTo(0));
  });

  it('says when nothing matches', async () => {
    const api = harness();
    api.render(<App />, { path: '/search?q=zebra' });
    expect(await screen.findByText('No posts match “zebra”. Try fewer or other words.')).toBeInTheDocument();
  });

  it('says a query with nothing to find cannot be searched, without offering to try again', async () => {
    const api = harness();
    api.render(<App />, { path: '/search?q=-x' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Nothing to search for');
    expect(alert).toHaveTextContent(/nothing to find/);
    expect(screen.queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
  });

  it('takes a result its author archives out of the list at once', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const gone = await ada.api.tweet.create({ content: 'sunset photo' });
    const stays = await ada.api.tweet.create({ content: 'another sunset' });
    api.render(<App />, { path: '/search?q=sunset' });
    await waitFor(async () => expect(articleIds(await results())).toEqual([stays.id, gone.id]));
    await api.subscriptionsOpen(1);
    await ada.api.tweet.archive({ id: gone.id });
    await waitFor(async () => expect(articleIds(await results())).toEqual([stays.id]));
  });
});

import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HomePage } from '../src/pages/HomePage.tsx';
import { openApi, type ApiHarness } from './harness.tsx';

let api: ApiHarness;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
  delete (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver;
});

/** Alice looks at the home timeline, where Bob's post is. */
async function aliceSeesBobsPost() {
  const alice = await api.signUp('alice');
  const bob = await api.signUp('bob');
  const post = await bob.api.tweet.create({ content: 'a post worth liking' });
  api.render(<HomePage />, { token: alice.token });
  const card = await screen.findByRole('article', { name: 'Post by @bob' });
  return { alice, bob, post, card, like: within(card).getByRole('button', { name: 'Like' }), likes: within(card).getByTestId('like-count') };
}

const serverLikes = async (id: string) => (await api.store.getEngagement(id, null)).likes;

/** Every value the element's text takes, from now on (to prove what was never shown). */
function textHistory(element: HTMLElement): string[] {
  const seen = [element.textContent ?? ''];
  new MutationObserver(() => seen.push(element.textContent ?? '')).observe(element, { childList: true, characterData: true, subtree: true });
  return seen;
}

async function subscriptionsOpen(count: number) {
  await waitFor(async () => expect((await api.deps.telemetry.snapshot()).connections.subscriptions).toBeGreaterThanOrEqual(count));
}

describe('like and retweet', () => {
  it('shows a like at once, before the server has answered', async () => {
    const { post, like, likes } = await aliceSeesBobsPost();
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const engage = api.store.engage.bind(api.store);
    api.store.engage = async (command) => {
      await held;
      return engage(command);
    };

    await userEvent.click(like);
    await waitFor(() => expect(like).toHaveAttribute('aria-pressed', 'true'));
    expect(likes).toHaveTextContent(/^1$/);
    expect(await serverLikes(post.id)).toBe(0);

    answer();
    await waitFor(async () => expect(await serverLikes(post.id)).toBe(1));
    expect(like).toHaveAttribute('aria-pressed', 'true');
    expect(likes).toHaveTextContent(/^1$/);
  });

  it('rolls back when the server fails, and says so', async () => {
    const { post, like, likes } = await aliceSeesBobsPost();
    const shown = textHistory(likes);
    // The like fails, and so does the refetch after it: what shows 0 again is the rollback, not the refetch.
    api.failNextCalls(['tweet.engage', 'tweet.get']);

    await userEvent.click(like);
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not like this post');
    await waitFor(() => expect(likes).toHaveTextContent(/^0$/));
    expect(like).toHaveAttribute('aria-pressed', 'false');
    expect(shown).toContain('1'); // it was optimistic, then rolled back
    expect(await serverLikes(post.id)).toBe(0);
  });

  it('counts a double click as one like, and never shows 2', async () => {
    const { post, like, likes } = await aliceSeesBobsPost();
    const shown = textHistory(likes);

    await userEvent.dblClick(like);
    await waitFor(async () => expect(await serverLikes(post.id)).toBe(1));
    // Let the settle-time refetch land, then look again.
    await waitFor(() => expect(api.store.getEngagement(post.id, null)).resolves.toMatchObject({ likes: 1 }));
    await act(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(likes).toHaveTextContent(/^1$/);
    expect(like).toHaveAttribute('aria-pressed', 'true');
    expect(shown).not.toContain('2');
    expect(await serverLikes(post.id)).toBe(1);
  });

  it('retweets and un-retweets', async () => {
    const { post, card } = await aliceSeesBobsPost();
    const retweet = within(card).getByRole('button', { name: 'Retweet' });
    await userEvent.click(retweet);
    await waitFor(async () => expect((await api.store.getEngagement(post.id, null)).retweets).toBe(1));
    expect(within(card).getByTestId('retweet-count')).toHaveTextContent(/^1$/);
    expect(retweet).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(retweet);
    await waitFor(async () => expect((await api.store.getEngagement(post.id, null)).retweets).toBe(0));
    await waitFor(() => expect(retweet).toHaveAttribute('aria-pressed', 'false'));
    expect(within(card).getByTestId('retweet-count')).toHaveTextContent(/^0$/);
  });

  it('shows likes by others live', async () => {
    const { post, likes } = await aliceSeesBobsPost();
    await subscriptionsOpen(2);
    const carol = await api.signUp('carol');
    await carol.api.tweet.engage({ id: post.id, action: 'like' });
    await waitFor(() => expect(likes).toHaveTextContent(/^1$/));
  });
});

describe('views', () => {
  it('counts a view once when the card is seen, however often it is seen', async () => {
    const observed: { callback: IntersectionObserverCallback; element?: Element }[] = [];
    (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver = class {
      constructor(readonly callback: IntersectionObserverCallback) {}
      observe(element: Element) {
        observed.push({ callback: this.callback, element });
      }
      disconnect() {}
    };
    const { post, card } = await aliceSeesBobsPost();
    await subscriptionsOpen(2);
    await waitFor(() => expect(observed.some((o) => o.element === card)).toBe(true));
    const seen = (o: (typeof observed)[number]) => o.callback([{ isIntersecting: true, target: o.element } as IntersectionObserverEntry], {} as IntersectionObserver);
    act(() => observed.filter((o) => o.element === card).forEach(seen));
    act(() => observed.filter((o) => o.element === card).forEach(seen));

    await waitFor(() => expect(within(card).getByTestId('view-count')).toHaveTextContent(/^1$/));
    expect((await api.store.getEngagement(post.id, null)).views).toBe(1);
  });
});

describe('editing', () => {
  // The edit box holds the text too (a textarea's text content), so wait for it to close before reading the post.
  const editorClosed = (card: HTMLElement) =>
    waitFor(() => expect(within(card).queryByRole('textbox', { name: 'Edit post text' })).not.toBeInTheDocument());

  async function aliceSeesHerPost() {
    const alice = await api.signUp('alice');
    const post = await alice.api.tweet.create({ content: 'first draft of a thought' });
    api.render(<HomePage />, { token: alice.token });
    const card = await screen.findByRole('article', { name: 'Post by @alice' });
    return { alice, post, card };
  }

  it('edits in place, showing the edits and time left, then marks the post Edited', async () => {
    const { alice, post, card } = await aliceSeesHerPost();
    await userEvent.click(within(card).getByRole('button', { name: 'Edit' }));
    const box = within(card).getByRole('textbox', { name: 'Edit post text' });
    expect(box).toHaveValue('first draft of a thought');
    expect(within(card).getByText(/^5 edits left · (59|60) min left$/)).toBeInTheDocument();

    await userEvent.clear(box);
    await userEvent.type(box, 'a better thought');
    await userEvent.click(within(card).getByRole('button', { name: 'Save' }));
    await editorClosed(card);
    expect(within(card).getByText('a better thought', { selector: 'p' })).toBeInTheDocument();
    expect(within(card).getByRole('link', { name: 'Edited' })).toHaveAttribute('href', `/t/${post.id}/history`);
    expect(await alice.api.tweet.get({ id: post.id })).toMatchObject({ version: 2, content: 'a better thought' });
    await waitFor(() => expect(within(card).getByRole('button', { name: 'Edit' })).toHaveFocus());
  });

  it('shows a CONFLICT when the post changed meanwhile, and saves on top of the latest version after', async () => {
    const { alice, post, card } = await aliceSeesHerPost();
    await userEvent.click(within(card).getByRole('button', { name: 'Edit' }));
    const box = within(card).getByRole('textbox', { name: 'Edit post text' });
    await alice.api.tweet.edit({ id: post.id, content: 'changed in another tab' }); // version 2

    await userEvent.clear(box);
    await userEvent.type(box, 'my edit');
    await userEvent.click(within(card).getByRole('button', { name: 'Save' }));
    expect(await within(card).findByRole('alert')).toHaveTextContent(/Edit conflict/);
    expect(box).toHaveValue('my edit');
    expect((await alice.api.tweet.get({ id: post.id })).content).toBe('changed in another tab');

    await userEvent.click(within(card).getByRole('button', { name: 'Load latest' }));
    expect(await within(card).findByText(/Latest version \(2\): “changed in another tab”/)).toBeInTheDocument();
    await userEvent.click(within(card).getByRole('button', { name: 'Save' }));
    await editorClosed(card);
    expect(within(card).getByText('my edit', { selector: 'p' })).toBeInTheDocument();
    expect(await alice.api.tweet.get({ id: post.id })).toMatchObject({ version: 3, content: 'my edit' });
  });

  it('offers Edit only to the author', async () => {
    const { card } = await aliceSeesBobsPost();
    expect(within(card).queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
  });
});

import { MAX_CONTENT_CODE_UNITS, StorageUnavailable, weightedLength } from '@tweetstore/core';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
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
});

async function openComposer() {
  const alice = await api.signUp('alice');
  api.render(<HomePage />, { token: alice.token });
  const textbox = await screen.findByRole('textbox', { name: 'Post text' });
  // The counter's text rules load on demand; the counter speaks once they have.
  await screen.findByText('280 characters left');
  return { alice, textbox };
}

async function enter(textbox: HTMLElement, text: string) {
  await userEvent.click(textbox);
  await userEvent.paste(text);
}

/** The server makes the next tweet durable, but the answer is lost on the way back. */
function loseNextAnswer() {
  const createTweet = api.store.createTweet.bind(api.store);
  api.store.createTweet = async (command) => {
    api.store.createTweet = createTweet;
    await createTweet(command);
    throw new StorageUnavailable('the answer was lost');
  };
}

type Account = Awaited<ReturnType<ApiHarness['signUp']>>;
const postsBy = async (account: Account) => (await account.api.tweet.list({ authorId: account.id, limit: 100 })).items;

describe('character counter', () => {
  it.each([
    ['plain text', 'Hello, world', 12],
    ['an emoji with a skin tone', '👋🏽', 2],
    ['a URL, whatever its length', 'https://example.com/a/rather/long/path/that/is/well/over/twenty-three/characters', 23],
    ['CJK', '日本語のテキスト', 16],
  ])('counts %s as the server does', async (_what, text, weight) => {
    expect(weightedLength(text)).toBe(weight);
    const { textbox } = await openComposer();
    await enter(textbox, text);
    expect(await screen.findByText(`${280 - weight} characters left`)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Post' })).toBeEnabled();
  });

  it('shows the over-limit state and will not submit past 280', async () => {
    const { alice, textbox } = await openComposer();
    await enter(textbox, `${'a'.repeat(270)} 日本語`); // 271 + 6 weighted: 277
    expect(await screen.findByText('3 characters left')).toBeInTheDocument();
    await userEvent.paste('!!!!!!'); // 283
    expect(await screen.findByText('3 characters over the limit')).toBeInTheDocument();
    expect(textbox).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('button', { name: 'Post' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Save draft' })).toBeDisabled();
    fireEvent.submit(textbox.closest('form')!);
    await userEvent.keyboard('{Control>}{Enter}{/Control}');
    expect(await postsBy(alice)).toHaveLength(0);
  });
});

describe('text the server would refuse', () => {
  it('keeps Post disabled for text that shows nothing, with the server\'s reason, and posts nothing', async () => {
    const { alice, textbox } = await openComposer();
    await enter(textbox, '\u200B\u2800\u3164\u2060');
    expect(await screen.findByText('content must contain a visible character')).toBeInTheDocument();
    expect(textbox).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('button', { name: 'Post' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Save draft' })).toBeDisabled();
    await userEvent.keyboard('{Control>}{Enter}{/Control}');
    await enter(textbox, 'now visible');
    expect(screen.queryByText('content must contain a visible character')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Post' })).toBeEnabled();
    await userEvent.clear(textbox);
    expect((await postsBy(alice)).map((t) => t.content)).toEqual([]);
  });

  it('says nothing more than a disabled button for spaces alone', async () => {
    const { textbox } = await openComposer();
    await enter(textbox, '   ');
    expect(screen.getByRole('button', { name: 'Post' })).toBeDisabled();
    expect(textbox).not.toHaveAttribute('aria-invalid');
  });

  it('refuses control characters other than tab and line breaks', async () => {
    const { textbox } = await openComposer();
    await enter(textbox, 'ring \x07 the bell');
    expect(await screen.findByText('content must not contain control characters other than tab and line breaks')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Post' })).toBeDisabled();
  });

  it('counts long text that made the URL regex backtrack, and text full of URLs as far as it must', async () => {
    const { textbox } = await openComposer();
    fireEvent.change(textbox, { target: { value: 'a.'.repeat(5000) } });
    expect(await screen.findByText('9720 characters over the limit')).toBeInTheDocument();
    fireEvent.change(textbox, { target: { value: `${'a'.repeat(290)} ${'e.co '.repeat(1900)}` } });
    expect(await screen.findByText('at least 10 characters over the limit')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Post' })).toBeDisabled();
  });

  it('takes no more text than the server reads', async () => {
    const { textbox } = await openComposer();
    expect(textbox).toHaveAttribute('maxlength', String(MAX_CONTENT_CODE_UNITS));
  });
});

describe('posting', () => {
  it('posts once however quickly the Post button is clicked twice', async () => {
    const { alice, textbox } = await openComposer();
    await enter(textbox, 'only once');
    const post = screen.getByRole('button', { name: 'Post' });
    // Both clicks land before React renders again, so the button is not disabled yet for the second one.
    act(() => {
      post.click();
      post.click();
    });
    const timeline = screen.getByRole('region', { name: 'Timeline' });
    await within(timeline).findByText('only once');
    await waitFor(() => expect(textbox).toHaveValue(''));
    expect((await postsBy(alice)).map((t) => t.content)).toEqual(['only once']);
    expect(within(timeline).getAllByRole('article')).toHaveLength(1);
  });

  it('a retry after a lost answer does not post twice (the same idempotency key)', async () => {
    const { alice, textbox } = await openComposer();
    loseNextAnswer();
    await enter(textbox, 'sent in a storm');
    await userEvent.click(screen.getByRole('button', { name: 'Post' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('the answer was lost');
    expect(textbox).toHaveValue('sent in a storm');

    await userEvent.click(screen.getByRole('button', { name: 'Post' }));
    await waitFor(() => expect(textbox).toHaveValue(''));
    expect((await postsBy(alice)).map((t) => t.content)).toEqual(['sent in a storm']);
  });

  it('changing the text after a failure makes it a new request (a new key), not a retry of the old one', async () => {
    const { alice, textbox } = await openComposer();
    loseNextAnswer();
    await enter(textbox, 'first try');
    await userEvent.click(screen.getByRole('button', { name: 'Post' }));
    await screen.findByRole('alert');
    await enter(textbox, ', edited');
    await userEvent.click(screen.getByRole('button', { name: 'Post' }));
    await waitFor(() => expect(textbox).toHaveValue(''));
    // The first one did reach the server; the edited text is a post of its own, not swallowed by the old key.
    expect((await postsBy(alice)).map((t) => t.content)).toEqual(['first try, edited', 'first try']);
  });
});

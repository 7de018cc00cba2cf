import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ThreadPage } from '../src/pages/ThreadPage.tsx';
import { REPLIES_PAGE } from '../src/thread/useThread.ts';
import { apiPerTest, articleIds } from './harness.tsx';

const harness = apiPerTest();

describe('thread page', () => {
  it('shows the conversation: ancestors root first, the post, and its replies oldest first, each replying to @name', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const bob = await api.signUp('bob');
    const cyd = await api.signUp('cyd');
    const root = await ada.api.tweet.create({ content: 'the root' });
    const middle = await bob.api.tweet.create({ content: 'a reply to the root', replyToId: root.id });
    const post = await cyd.api.tweet.create({ content: 'the post itself', replyToId: middle.id });
    const first = await ada.api.tweet.create({ content: 'first reply', replyToId: post.id });
    const second = await bob.api.tweet.create({ content: 'second reply', replyToId: post.id });
    await cyd.api.tweet.create({ content: 'a reply to the first reply', replyToId: first.id });
    await ada.api.tweet.create({ content: 'another reply to the first reply', replyToId: first.id });

    api.render(<ThreadPage id={post.id} />);
    const conversation = await screen.findByRole('region', { name: 'Conversation' });
    await waitFor(() => expect(articleIds(conversation)).toEqual([root.id, middle.id, post.id]));
    const [rootCard, middleCard, postCard] = within(conversation).getAllByRole('article');
    expect(rootCard).not.toHaveTextContent('Replying to');
    expect(within(middleCard!).getByRole('link', { name: '@ada' })).toHaveAttribute('href', '/@ada');
    expect(middleCard).toHaveTextContent('Replying to @ada');
    expect(postCard).toHaveTextContent('Replying to @bob');
    expect(postCard).toHaveClass('tweet-focus');

    const replies = screen.getByRole('region', { name: 'Replies' });
    await waitFor(() => expect(articleIds(replies)).toEqual([first.id, second.id]));
    const [firstCard, secondCard] = within(replies).getAllByRole('article');
    expect(firstCard).toHaveTextContent('Replying to @cyd');
    expect(secondCard).toHaveTextContent('Replying to @cyd');
    // A reply with replies of its own shows how many, and leads to its own thread.
    expect(within(firstCard!).getByTestId('reply-count')).toHaveTextContent('2');
    expect(within(firstCard!).getByRole('link', { name: 'Show 2 replies' })).toHaveAttribute('href', `/t/${first.id}`);
    expect(within(secondCard!).queryByRole('link', { name: /^Show/ })).not.toBeInTheDocument();
    expect(within(secondCard!).getByRole('link', { name: /seconds? ago|now/ })).toHaveAttribute('href', `/t/${second.id}`);
    expect(screen.queryByRole('button', { name: 'Show more replies' })).not.toBeInTheDocument();
    expect(document.title).toBe('Post by @cyd · tweetstore');
  });

  it('pages the replies with "Show more replies", and puts focus on the first reply it brought', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const bob = await api.signUp('bob');
    const post = await ada.api.tweet.create({ content: 'so many replies' });
    const all: string[] = [];
    for (let i = 0; i < REPLIES_PAGE + 3; i++) all.push((await bob.api.tweet.create({ content: `reply ${i}`, replyToId: post.id })).id);

    api.render(<ThreadPage id={post.id} />);
    const replies = await screen.findByRole('region', { name: 'Replies' });
    await waitFor(() => expect(articleIds(replies)).toEqual(all.slice(0, REPLIES_PAGE)));
    await userEvent.click(screen.getByRole('button', { name: 'Show more replies' }));
    await waitFor(() => expect(articleIds(replies)).toEqual(all));
    expect(screen.queryByRole('button', { name: 'Show more replies' })).not.toBeInTheDocument();
    expect(document.activeElement).toHaveAttribute('data-tweet-id', all[REPLIES_PAGE]);
  });

  it('leaves out an archived ancestor for others, saying a post is not there, and shows it to its author', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const bob = await api.signUp('bob');
    const root = await ada.api.tweet.create({ content: 'the root' });
    const hidden = await bob.api.tweet.create({ content: 'archived in between', replyToId: root.id });
    const post = await ada.api.tweet.create({ content: 'replying to the archived one', replyToId: hidden.id });
    await bob.api.tweet.archive({ id: hidden.id });

    const view = api.render(<ThreadPage id={post.id} />, { token: ada.token });
    const conversation = await screen.findByRole('region', { name: 'Conversation' });
    await waitFor(() => expect(articleIds(conversation)).toEqual([root.id, post.id]));
    expect(within(conversation).getByText('A post in this conversation is not available.')).toBeInTheDocument();
    expect(conversation).not.toHaveTextContent('archived in between');
    // Its parent unknown, the post does not claim whom it replies to.
    expect(within(conversation).getAllByRole('article')[1]).not.toHaveTextContent('Replying to');
    view.unmount();

    api.render(<ThreadPage id={post.id} />, { token: bob.token });
    const asAuthor = await screen.findByRole('region', { name: 'Conversation' });
    await waitFor(() => expect(articleIds(asAuthor)).toEqual([root.id, hidden.id, post.id]));
    expect(within(asAuthor).getAllByRole('article')[1]).toHaveTextContent('Archived');
    expect(within(asAuthor).queryByText('A post in this conversation is not available.')).not.toBeInTheDocument();
  });

  it('adds a reply written elsewhere at the end, live, and counts it', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const bob = await api.signUp('bob');
    const post = await ada.api.tweet.create({ content: 'what do you think?' });
    const early = await bob.api.tweet.create({ content: 'an early reply', replyToId: post.id });
    api.render(<ThreadPage id={post.id} />);
    const replies = await screen.findByRole('region', { name: 'Replies' });
    await waitFor(() => expect(articleIds(replies)).toEqual([early.id]));
    await api.subscriptionsOpen(2);

    const late = await bob.api.tweet.create({ content: 'a late reply', replyToId: post.id });
    await waitFor(() => expect(articleIds(replies)).toEqual([early.id, late.id]));
    const postCard = within(screen.getByRole('region', { name: 'Conversation' })).getByRole('article');
    await waitFor(() => expect(within(postCard).getByTestId('reply-count')).toHaveTextContent('2'));
  });

  it('says when there are no replies yet', async () => {
    const api = harness();
    const ada = await api.signUp('ada');
    const post = await ada.api.tweet.create({ content: 'all alone' });
    api.render(<ThreadPage id={post.id} />);
    expect(await screen.findByText('No replies yet.')).toBeInTheDocument();
  });
});

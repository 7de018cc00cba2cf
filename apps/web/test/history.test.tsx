import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { HistoryPage } from '../src/pages/HistoryPage.tsx';
import { openApi, type ApiHarness } from './harness.tsx';

let api: ApiHarness;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

/** A tweet by `author` edited twice: v1 "the quick brown fox", v2 "the quick red fox", v3 "the slow red fox". */
async function editedTwice() {
  const author = await api.signUp('history_author');
  const tweet = await author.api.tweet.create({ content: 'the quick brown fox' });
  await author.api.tweet.edit({ id: tweet.id, content: 'the quick red fox' });
  await author.api.tweet.edit({ id: tweet.id, content: 'the slow red fox' });
  return { author, id: tweet.id };
}

const diffRegion = () => screen.getByRole('region', { name: 'Differences' });
const texts = (tag: 'del' | 'ins') => [...diffRegion().querySelectorAll(tag)].map((el) => el.textContent?.trim());

it('lists the versions oldest first and shows the latest change by default', async () => {
  const { author, id } = await editedTwice();
  api.render(<HistoryPage id={id} />, { token: author.token, path: `/t/${id}/history` });

  const items = await screen.findAllByRole('listitem', { name: /^Version \d+$/ });
  expect(items.map((li) => li.getAttribute('aria-label'))).toEqual(['Version 1', 'Version 2', 'Version 3']);
  expect(within(items[0]!).getByText('the quick brown fox')).toBeInTheDocument();
  expect(items[2]).toHaveAttribute('aria-current', 'true');
  expect(within(items[2]!).getByText('Current')).toBeInTheDocument();
  expect(screen.getByRole('link', { name: /back to the post/i })).toHaveAttribute('href', `/t/${id}`);

  await waitFor(() => expect(texts('del')).toEqual(['quick']));
  expect(texts('ins')).toEqual(['slow']);
  expect(screen.getByLabelText('Compare from')).toHaveValue('2');
  expect(screen.getByLabelText('Compare to')).toHaveValue('3');
});

it('compares any two versions chosen with the selects', async () => {
  const { author, id } = await editedTwice();
  api.render(<HistoryPage id={id} />, { token: author.token });
  const user = userEvent.setup();

  await user.selectOptions(await screen.findByLabelText('Compare from'), '1');
  await user.selectOptions(screen.getByLabelText('Compare to'), '3');
  await waitFor(() => expect(within(diffRegion()).getByText('From version 1 to version 3')).toBeInTheDocument());
  expect(texts('del')).toEqual(['quick brown']);
  expect(texts('ins')).toEqual(['slow red']);

  await user.selectOptions(screen.getByLabelText('Compare to'), '2');
  await waitFor(() => expect(within(diffRegion()).getByText('From version 1 to version 2')).toBeInTheDocument());
  expect(texts('del')).toEqual(['brown']);
  expect(texts('ins')).toEqual(['red']);
});

it('lets the author revert, appending a version with the old text', async () => {
  const { author, id } = await editedTwice();
  api.render(<HistoryPage id={id} />, { token: author.token });
  const user = userEvent.setup();

  await screen.findByRole('listitem', { name: 'Version 3' });
  expect(await screen.findByRole('button', { name: 'Revert to version 2' })).toBeInTheDocument();
  expect(screen.queryByRole('button', { name: 'Revert to version 3' })).not.toBeInTheDocument();
  await user.click(screen.getByRole('button', { name: 'Revert to version 1' }));

  const v4 = await screen.findByRole('listitem', { name: 'Version 4' });
  expect(within(v4).getByText('the quick brown fox')).toBeInTheDocument();
  expect(within(v4).getByText(/Reverted/)).toBeInTheDocument();
  expect(v4).toHaveAttribute('aria-current', 'true');
  expect((await author.api.tweet.get({ id })).content).toBe('the quick brown fox');
  // The diff follows the new latest change: version 3 -> 4.
  await waitFor(() => expect(within(diffRegion()).getByText('From version 3 to version 4')).toBeInTheDocument());
});

it('explains a conflict when the post changed since the page loaded', async () => {
  const { author, id } = await editedTwice();
  api.render(<HistoryPage id={id} />, { token: author.token });
  const revert = await screen.findByRole('button', { name: 'Revert to version 1' });

  // The page learns of edits live, so click in the same tick as the edit lands, before it can re-render.
  await author.api.tweet.edit({ id, content: 'an edit made elsewhere' });
  fireEvent.click(revert);

  const alert = await screen.findByRole('alert');
  expect(alert).toHaveTextContent(/changed while you were looking at it \(it is now at version 4\)/);
  expect(screen.getByRole('listitem', { name: 'Version 1' })).toContainElement(alert);
  expect(await screen.findByRole('listitem', { name: 'Version 4' })).toHaveTextContent('an edit made elsewhere');
  expect(screen.queryByRole('listitem', { name: 'Version 5' })).not.toBeInTheDocument();
});

it('says why a revert is refused once no edits are left', async () => {
  const { author, id } = await editedTwice();
  for (const content of ['third edit', 'fourth edit', 'fifth edit']) await author.api.tweet.edit({ id, content }); // the harness allows 5
  api.render(<HistoryPage id={id} />, { token: author.token });
  const user = userEvent.setup();

  expect(await screen.findByText(/No edits are left for this post/)).toBeInTheDocument();
  await user.click(await screen.findByRole('button', { name: 'Revert to version 1' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('This post can no longer be reverted: no edits left');
  expect(screen.queryByRole('listitem', { name: 'Version 7' })).not.toBeInTheDocument();
});

it('shows edits made elsewhere without a reload', async () => {
  const { author, id } = await editedTwice();
  api.render(<HistoryPage id={id} />);
  await screen.findByRole('listitem', { name: 'Version 3' });

  await author.api.tweet.edit({ id, content: 'the slow red fox jumps' });
  expect(await screen.findByRole('listitem', { name: 'Version 4' })).toHaveTextContent('the slow red fox jumps');
  await waitFor(() => expect(texts('ins')).toEqual(['jumps']));
});

it('shows no revert button to anyone but the author', async () => {
  const { id } = await editedTwice();
  const reader = await api.signUp('history_reader');
  api.render(<HistoryPage id={id} />, { token: reader.token });

  await screen.findByRole('listitem', { name: 'Version 3' });
  await waitFor(() => expect(texts('ins')).toEqual(['slow']));
  expect(screen.queryByRole('button', { name: /^Revert to version/ })).not.toBeInTheDocument();
});

it('shows a reader a post published after drafts from its published version on, numbered as the author sees them', async () => {
  const author = await api.signUp('history_author');
  const tweet = await author.api.tweet.create({ content: 'a SECRET first draft', draft: true });
  await author.api.tweet.edit({ id: tweet.id, content: 'the quick red fox' });
  await author.api.tweet.publish({ id: tweet.id });
  await author.api.tweet.edit({ id: tweet.id, content: 'the slow red fox' });
  const reader = await api.signUp('history_reader');
  api.render(<HistoryPage id={tweet.id} />, { token: reader.token });

  const items = await screen.findAllByRole('listitem', { name: /^Version \d+$/ });
  expect(items.map((li) => li.getAttribute('aria-label'))).toEqual(['Version 2', 'Version 3']);
  await waitFor(() => expect(texts('ins')).toEqual(['slow']));
  expect(screen.getByLabelText('Compare from')).toHaveValue('2');
  expect([...(screen.getByLabelText('Compare to') as HTMLSelectElement).options].map((o) => o.textContent)).toEqual(['Version 2', 'Version 3 (current)']);
  expect(screen.queryByRole('button', { name: 'Show changes in version 2' })).not.toBeInTheDocument();
  expect(document.body).not.toHaveTextContent('SECRET');
});

it('says when versions differ too much to compare letter by letter, and not for a small edit', async () => {
  let seed = 1;
  const random = (alphabet: string, units: number) =>
    Array.from({ length: units }, () => alphabet[(seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % alphabet.length]).join('');
  const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const link = () => `https://example.com/v/${random(alnum, 120)}`;
  const author = await api.signUp('rewriter');
  const tweet = await author.api.tweet.create({ content: `Watch ${link()} now` });
  await author.api.tweet.edit({ id: tweet.id, content: tweet.content.replace('now', 'today') });
  const other = link();
  await author.api.tweet.edit({ id: tweet.id, content: `Watch ${other} tonight` }); // another long link: words
  // 11 links of 400 random characters each: nothing to compare word by word
  await author.api.tweet.edit({ id: tweet.id, content: Array.from({ length: 11 }, (_, i) => `https://x${i}.com/${random(`${alnum}-/.`, 400)}x`).join(' ') });
  api.render(<HistoryPage id={tweet.id} />);
  const user = userEvent.setup();
  const note = () => within(diffRegion()).queryByText(/differ too much/);

  await waitFor(() => expect(within(diffRegion()).getByText('From version 3 to version 4')).toBeInTheDocument());
  expect(note()).toHaveTextContent('These versions differ too much to compare word by word; the changed part is shown as one replacement.');

  await user.selectOptions(screen.getByLabelText('Compare from'), '2');
  await user.selectOptions(screen.getByLabelText('Compare to'), '3');
  await waitFor(() => expect(within(diffRegion()).getByText('From version 2 to version 3')).toBeInTheDocument());
  expect(note()).toHaveTextContent('These versions differ too much to compare letter by letter; changes are shown word by word.');
  expect(texts('ins')).toContain(other.slice(-120)); // the link's id, whole

  await user.selectOptions(screen.getByLabelText('Compare from'), '1');
  await user.selectOptions(screen.getByLabelText('Compare to'), '2');
  await waitFor(() => expect(within(diffRegion()).getByText('From version 1 to version 2')).toBeInTheDocument());
  expect(note()).not.toBeInTheDocument();
  expect(texts('del')).toEqual(['now']);
  expect(texts('ins')).toEqual(['today']);
});

it('says so when the post does not exist', async () => {
  api.render(<HistoryPage id="01ARZ3NDEKTSV4RRFFQ69G5FAV" />);
  expect(await screen.findByText('This post does not exist or is not visible to you')).toBeInTheDocument();
});

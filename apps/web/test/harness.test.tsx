import { screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { App } from '../src/App.tsx';
import { openApi, type ApiHarness } from './harness.tsx';

let api: ApiHarness;
beforeEach(async () => {
  api = await openApi();
});
afterEach(async () => {
  await api.close();
});

it('renders the app against the real API, signed in or not', async () => {
  const { token } = await api.signUp('harness_user');
  api.render(<App />, { token });
  expect(await screen.findByText('@harness_user')).toBeInTheDocument();
  expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
});

it('shows the new session at once after signing in, without a reload', async () => {
  await api.signUp('returning');
  api.render(<App />, { path: '/signin' });
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('Username'), 'returning');
  await user.type(screen.getByLabelText('Password'), 'component-test-pw');
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  expect(await screen.findByRole('button', { name: 'Sign out' })).toBeInTheDocument();
});

it('routes every page address of the app', async () => {
  const { api: author } = await api.signUp('router_user');
  const tweet = await author.tweet.create({ content: 'routed post' });
  await author.tweet.edit({ id: tweet.id, content: 'routed post, edited' });
  const view = api.render(<App />, { path: '/@router_user' });
  expect(await screen.findByRole('region', { name: 'Posts by @router_user' })).toBeInTheDocument();
  view.navigate(`/t/${tweet.id}`);
  expect(await screen.findByText('routed post, edited')).toBeInTheDocument();
  view.navigate(`/t/${tweet.id}/history`);
  expect(await screen.findByRole('listitem', { name: 'Version 2' })).toBeInTheDocument();
  view.navigate('/signup');
  expect(await screen.findByRole('heading', { name: 'Create your account' })).toBeInTheDocument();
  view.navigate('/no/such/page');
  expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
});

// The dashboard names itself too (dashboard.test.tsx: its chart library needs a stand-in canvas).
it('names every page in the document title', async () => {
  const { api: author } = await api.signUp('titled');
  const tweet = await author.tweet.create({ content: 'a titled post' });
  const view = api.render(<App />, { path: '/' });
  await waitFor(() => expect(document.title).toBe('Home · tweetstore'));
  const titles: [string, string][] = [
    ['/@titled', '@titled · tweetstore'],
    [`/t/${tweet.id}`, 'Post by @titled · tweetstore'],
    [`/t/${tweet.id}/history`, 'Edit history of a post by @titled · tweetstore'],
    ['/signin', 'Sign in · tweetstore'],
    ['/signup', 'Sign up · tweetstore'],
    ['/no/such/page', 'Page not found · tweetstore'],
  ];
  for (const [path, title] of titles) {
    view.navigate(path);
    await waitFor(() => expect(document.title).toBe(title));
  }
});

it('forgets "username … is taken" once the username changes', async () => {
  await api.signUp('taken_name');
  api.render(<App />, { path: '/signup' });
  const user = userEvent.setup();
  const username = await screen.findByLabelText('Username');
  await user.type(username, 'taken_name');
  await user.type(screen.getByLabelText('Password'), 'component-test-pw');
  await user.click(screen.getByRole('button', { name: 'Sign up' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('username taken_name is taken');
  await user.type(username, '2');
  expect(screen.queryByRole('alert')).not.toBeInTheDocument();
});

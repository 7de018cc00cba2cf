import { screen } from '@testing-library/react';
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

import { screen } from '@testing-library/react';
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

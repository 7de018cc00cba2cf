import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => cleanup());

// The first render of a lazy part (the composer and its twitter-text rules) waits for Vite to transform its modules
// on demand, which on a busy two-core machine takes longer than Testing Library's 1 s default.
configure({ asyncUtilTimeout: 5_000 });

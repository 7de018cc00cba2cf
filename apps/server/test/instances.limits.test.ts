// Limits are shared by every instance (API.md, "Limits": "Defaults, shared by all instances"): writes spread over two
// instances on one Redis hit one account's limit together, and the limit holds on both.
import { describe, expect, it } from 'vitest';
import { isTRPCClientError } from '@tweetstore/client';
import { clusterForTests } from './instances/cluster.ts';

const cluster = clusterForTests(2, { TWEETSTORE_LIMIT_WRITES: '6/1h' });

describe('limits across instances', () => {
  it('counts one account’s writes on every instance against one limit', async () => {
    const { token } = await cluster.register(0, 'limited');
    const apis = [cluster.client(0, { token }), cluster.client(1, { token, transport: 'ws' })];
    const outcomes: string[] = [];
    for (let n = 0; n < 10; n++) {
      try {
        await apis[n % 2]!.tweet.create.mutate({ content: `write ${n}` });
        outcomes.push('ok');
      } catch (error) {
        outcomes.push(isTRPCClientError(error) ? String((error.data as { code?: string }).code) : 'other');
      }
    }
    expect(outcomes).toEqual([...Array(6).fill('ok'), ...Array(4).fill('TOO_MANY_REQUESTS')]);
    const mine = await apis[1]!.tweet.list.query({ limit: 100 });
    expect(mine.items).toHaveLength(6);
  });
});

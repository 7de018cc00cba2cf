// Compile-time proof that the client is typed end to end. `npm test` runs `tsc -b` over this file first: every
// line marked below as an expected error must be one, or the type check fails ("Unused directive").
import { describe, expectTypeOf, it } from 'vitest';
import type { Tweet, TweetVersion } from '@tweetstore/core';
import { createClient, type TweetstoreClient } from '../src/index.ts';

function typeChecks(api: TweetstoreClient) {
  // @ts-expect-error a misspelt procedure does not exist
  void api.tweet.craete.mutate({ content: 'x' });
  // @ts-expect-error content must be a string
  void api.tweet.create.mutate({ content: 42 });
  // @ts-expect-error a mutation has no .query
  void api.tweet.create.query({ content: 'x' });
  // @ts-expect-error engage takes one of the known actions
  void api.tweet.engage.mutate({ id: 'x', action: 'boost' });
  // @ts-expect-error the author is never an input
  void api.tweet.create.mutate({ content: 'x', author: 'someone' });
  // @ts-expect-error versions needs an id
  void api.tweet.versions.query({});

  expectTypeOf(api.tweet.create.mutate).returns.resolves.toEqualTypeOf<Tweet>();
  expectTypeOf(api.tweet.get.query).returns.resolves.toEqualTypeOf<Tweet>();
  expectTypeOf(api.tweet.versions.query).returns.resolves.toEqualTypeOf<{ items: TweetVersion[] }>();
  expectTypeOf(api.tweet.list.query).returns.resolves.toEqualTypeOf<{ items: Tweet[]; nextCursor: string | null }>();
  expectTypeOf<Awaited<ReturnType<typeof api.tweet.create.mutate>>['createdAt']>().toEqualTypeOf<Date>();
}

describe('typed client', () => {
  it('is created without touching the network until used', () => {
    const api = createClient({ url: 'http://127.0.0.1:9' });
    expectTypeOf(api).toEqualTypeOf<TweetstoreClient>();
    expectTypeOf(typeChecks).toBeFunction();
  });
});

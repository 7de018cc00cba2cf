export { createClient, closeClient, type ClientOptions, type TweetstoreClient } from './client.ts';
export { isTRPCClientError, TRPCClientError } from '@trpc/client';
export type { AppRouter, TweetChange, EngagementChange, Stats } from '@tweetstore/api';

// End-to-end types: AppRouter is imported as a type only; no server code reaches the bundle.
import type { AppRouter } from '@tweetstore/api';
import { createTRPCReact } from '@trpc/react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

export const trpc = createTRPCReact<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type Tweet = RouterOutputs['tweet']['get'];
export type Engagement = Tweet['engagement'];
export type User = Tweet['author'];
export type Stats = RouterOutputs['system']['stats'];
export type SecondStats = RouterOutputs['system']['statsHistory'][number];
export type Media = Tweet['media'][number];

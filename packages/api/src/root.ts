import { authRouter } from './routers/auth.ts';
import { mediaRouter } from './routers/media.ts';
import { systemRouter } from './routers/system.ts';
import { trendsRouter } from './routers/trends.ts';
import { tweetRouter } from './routers/tweet.ts';
import { userRouter } from './routers/user.ts';
import { createCallerFactory, router } from './trpc.ts';

export const appRouter = router({
  auth: authRouter,
  tweet: tweetRouter,
  media: mediaRouter,
  user: userRouter,
  system: systemRouter,
  trends: trendsRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);

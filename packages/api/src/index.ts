export { appRouter, createCaller, type AppRouter } from './root.ts';
export { createContext, defaultApiConfig, type ApiConfig, type ApiDeps, type Context, type RequestInfo, type SessionCookieWriter } from './context.ts';
export { createLoginLimiter, defaultLoginLimits, TooManyRequests, type LoginLimiter, type LoginLimitOptions } from './auth/limits.ts';
export { createTelemetry, type Stats, type Telemetry, type ProcedureStats, type TopTweet } from './telemetry.ts';
export { eventId, parseEventId } from './streams.ts';
export type { EngagementChange } from './routers/tweet.ts';
export { SharedChanges, type TweetChange, type TweetChangeType } from './shared-changes.ts';
export { hashSessionToken, viewerIdOf } from './auth/sessions.ts';

export { encodeMessage } from './wire.ts';
export { ReceivedUpload } from './routers/media.ts';
export { signedInUser } from './trpc.ts';

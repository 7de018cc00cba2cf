export { appRouter, createCaller, type AppRouter } from './root.ts';
export { createContext, defaultApiConfig, type ApiConfig, type ApiDeps, type Context, type SessionCookieWriter } from './context.ts';
export { createTelemetry, type Stats, type Telemetry, type ProcedureStats, type TopTweet } from './telemetry.ts';
export { eventId, parseEventId } from './streams.ts';
export type { TweetChange, EngagementChange, TweetChangeType } from './routers/tweet.ts';
export { hashSessionToken } from './auth/sessions.ts';

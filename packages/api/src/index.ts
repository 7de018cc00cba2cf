export { appRouter, createCaller, type AppRouter } from './root.ts';
export { createContext, defaultApiConfig, type ApiConfig, type ApiDeps, type Context, type RequestInfo, type SessionCookieWriter } from './context.ts';
export { createLimits, defaultLimits, rateLimited, type Limits, type LimitsConfig, type RateLimitName } from './limits/limits.ts';
export { memoryLimiterStore } from './limits/memory.ts';
export { insuredLimiterStore, type InsuredLimiterStore, type InsuredLimiterStoreOptions } from './limits/insured.ts';
export { counterSeconds, retryAfterMs, SLOTS, slotLength } from './limits/sliding-window.ts';
export { TooManyRequests } from './limits/too-many-requests.ts';
export type { Gate, LimiterStore, Once, RateLimiter, RateRule, Verdict } from './limits/port.ts';
export { createTelemetry, type SecondStats, type Stats, type StoreFigures, type Telemetry, type ProcedureStats, type TopTweet } from './telemetry.ts';
export { INSTANCE_STALE_MS, localInstanceBoard, type InstanceBoard, type InstanceFigures } from './instances.ts';
export { eventId, parseEventId } from './streams.ts';
export type { EngagementChange } from './routers/tweet.ts';
export { SharedChanges, type TweetChange, type TweetChangeType } from './shared-changes.ts';
export { hashSessionToken, viewerIdOf } from './auth/sessions.ts';

export { DirectLanes, encodeMessage } from './wire.ts';
export { WakeQueue } from './wake-queue.ts';
export { admitUpload, ReceivedUpload } from './routers/media.ts';
export { signedInUser } from './trpc.ts';

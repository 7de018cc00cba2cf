// Configuration comes from environment variables, validated once at start-up. Each bad value is refused with a
// message that names the variable.
import path from 'node:path';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultLimits, type LimitsConfig, type RateRule } from '@tweetstore/api';
import proxyAddr from 'proxy-addr';
import { z } from 'zod';

const int = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

const bool = (name: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => ['1', '0', 'true', 'false', 'yes', 'no'].includes(v), `${name} must be true or false`)
    .transform((v) => ['1', 'true', 'yes'].includes(v));

const UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** "N/T": at most N in any window of length T, T a whole number of s, m, h or d (e.g. 300/5m). */
const rate = (name: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+\s*\/\s*\d+\s*[smhd]$/, `${name} must look like 300/5m: at most 300 in any 5 minutes (units s, m, h, d)`)
    .transform((text): RateRule => {
      const [points, window] = text.split('/').map((p) => p.trim()) as [string, string];
      return { points: Number(points), windowMs: Number(window.slice(0, -1)) * UNITS[window.at(-1) as keyof typeof UNITS] };
    })
    .refine((r) => r.points >= 1 && r.points <= 1e9 && r.windowMs >= 1_000 && r.windowMs <= 20 * UNITS.d, `${name} must allow 1 to 10^9 in a window of 1 s to 20 d`);

/** Comma-separated addresses or CIDRs, checked by proxy-addr itself. */
const trustedProxies = z
  .string()
  .trim()
  .transform((text) => text.split(',').map((p) => p.trim()).filter(Boolean))
  .superRefine((list, check) => {
    try {
      proxyAddr.compile(list);
    } catch (error) {
      check.addIssue({ code: 'custom', message: `TWEETSTORE_TRUSTED_PROXIES: ${(error as Error).message} (give addresses or CIDRs, comma-separated)` });
    }
  });

/**
 * An engine chosen by name: one of those built, or a clear refusal for one that is planned (API.md, "Running") but not
 * built yet, or unknown.
 */
const engine = <const Built extends string>(name: string, built: readonly [Built, ...Built[]], planned: readonly string[]) =>
  z
    .string()
    .trim()
    .superRefine((value, check) => {
      if ((built as readonly string[]).includes(value)) return;
      const message = planned.includes(value)
        ? `${name}=${value}: that engine is not built yet; use ${built.join(' or ')}`
        : `${name} must be ${[...built, ...planned].join(' or ')}`;
      check.addIssue({ code: 'custom', message });
    })
    .transform((value) => value as Built);

/** A URL whose scheme is one of `schemes`; `example` shows the expected shape in the message. */
const url = (name: string, schemes: readonly string[], example: string) =>
  z
    .string()
    .trim()
    .refine((text) => {
      try {
        return schemes.includes(new URL(text).protocol.slice(0, -1));
      } catch {
        return false;
      }
    }, `${name} must be a ${schemes.join(' or ')} URL, such as ${example}`);

/** S3's bucket naming rules (3-63 characters: lower-case letters, digits, dots and hyphens, a letter or digit at each end). */
const bucket = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'TWEETSTORE_S3_BUCKET must be an S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens');

/** Every variable the server reads, with its default. The README's configuration table lists the same. */
const envSchema = z.object({
  PORT: int('PORT', 0, 65_535).optional(),
  TWEETSTORE_PORT: int('TWEETSTORE_PORT', 0, 65_535).optional(),
  TWEETSTORE_HOST: z.string().trim().min(1, 'TWEETSTORE_HOST must not be empty').default('127.0.0.1'),
  TWEETSTORE_DATA_DIR: z.string().trim().min(1, 'TWEETSTORE_DATA_DIR must not be empty').default('data'),
  TWEETSTORE_STORE: engine('TWEETSTORE_STORE', ['lowdb', 'postgres'], []).default('lowdb'),
  TWEETSTORE_DATABASE_URL: url('TWEETSTORE_DATABASE_URL', ['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/tweetstore').optional(),
  TWEETSTORE_DATABASE_POOL: int('TWEETSTORE_DATABASE_POOL', 2, 1_000).default(10),
  TWEETSTORE_BLOB_STORE: engine('TWEETSTORE_BLOB_STORE', ['disk', 's3'], []).default('disk'),
  TWEETSTORE_S3_ENDPOINT: url('TWEETSTORE_S3_ENDPOINT', ['http', 'https'], 'http://127.0.0.1:9000').optional(),
  TWEETSTORE_S3_BUCKET: bucket.optional(),
  TWEETSTORE_S3_REGION: z.string().trim().min(1, 'TWEETSTORE_S3_REGION must not be empty').default('us-east-1'),
  AWS_ACCESS_KEY_ID: z.string().trim().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  TWEETSTORE_REDIS_URL: url('TWEETSTORE_REDIS_URL', ['redis', 'rediss'], 'redis://127.0.0.1:6379/0').optional(),
  TWEETSTORE_REDIS_PREFIX: z.string().trim().min(1, 'TWEETSTORE_REDIS_PREFIX must not be empty').default('tweetstore:'),
  TWEETSTORE_INSTANCE_ID: z
    .string()
    .trim()
    .regex(/^[\w.:@-]{1,100}$/, 'TWEETSTORE_INSTANCE_ID must be 1-100 letters, digits or . : @ _ -')
    .default(`${hostname()}:${process.pid}`),
  TWEETSTORE_EDIT_WINDOW_MINUTES: int('TWEETSTORE_EDIT_WINDOW_MINUTES', 0, 525_600).default(60),
  TWEETSTORE_MAX_EDITS: int('TWEETSTORE_MAX_EDITS', 0, 1_000_000).default(5),
  TWEETSTORE_SESSION_TTL_HOURS: int('TWEETSTORE_SESSION_TTL_HOURS', 1, 24 * 365).default(24 * 30),
  TWEETSTORE_MAX_BODY_BYTES: int('TWEETSTORE_MAX_BODY_BYTES', 1024, 256 * 1024 * 1024).default(1024 * 1024),
  /** Older name of TWEETSTORE_LIMIT_LOGIN_FAILURES's N (per 15 minutes). */
  TWEETSTORE_LOGIN_MAX_FAILURES: int('TWEETSTORE_LOGIN_MAX_FAILURES', 1, 1_000_000).optional(),
  TWEETSTORE_RATE_LIMITS: z.enum(['on', 'off'], { error: 'TWEETSTORE_RATE_LIMITS must be on or off' }).default('on'),
  TWEETSTORE_LIMIT_CALLS: rate('TWEETSTORE_LIMIT_CALLS').default(defaultLimits.calls),
  TWEETSTORE_LIMIT_WRITES: rate('TWEETSTORE_LIMIT_WRITES').default(defaultLimits.writes),
  TWEETSTORE_LIMIT_ENGAGE: rate('TWEETSTORE_LIMIT_ENGAGE').default(defaultLimits.engage),
  TWEETSTORE_LIMIT_UPLOADS: rate('TWEETSTORE_LIMIT_UPLOADS').default(defaultLimits.uploads),
  TWEETSTORE_LIMIT_UPLOADS_AT_ONCE: int('TWEETSTORE_LIMIT_UPLOADS_AT_ONCE', 1, 1_000).default(defaultLimits.uploadsAtOnce),
  TWEETSTORE_LIMIT_REGISTER: rate('TWEETSTORE_LIMIT_REGISTER').default(defaultLimits.register),
  TWEETSTORE_LIMIT_LOGIN_FAILURES: rate('TWEETSTORE_LIMIT_LOGIN_FAILURES').optional(),
  TWEETSTORE_VIEW_ONCE_MINUTES: int('TWEETSTORE_VIEW_ONCE_MINUTES', 1, 10_080).default(defaultLimits.viewWindowMs / 60_000),
  TWEETSTORE_MAX_BATCH: int('TWEETSTORE_MAX_BATCH', 1, 1_000).default(50),
  TWEETSTORE_MAX_SUBSCRIPTIONS: int('TWEETSTORE_MAX_SUBSCRIPTIONS', 1, 100_000).default(100),
  TWEETSTORE_MAX_SOCKET_BACKLOG_MB: int('TWEETSTORE_MAX_SOCKET_BACKLOG_MB', 1, 1_024).default(8),
  TWEETSTORE_TRUSTED_PROXIES: trustedProxies.default([]),
  TWEETSTORE_CHECKPOINT_EVERY: int('TWEETSTORE_CHECKPOINT_EVERY', 1, 100_000_000).default(10_000),
  TWEETSTORE_SHUTDOWN_TIMEOUT_MS: int('TWEETSTORE_SHUTDOWN_TIMEOUT_MS', 0, 600_000).default(10_000),
  TWEETSTORE_WEB_DIR: z.string().trim().min(1, 'TWEETSTORE_WEB_DIR must not be empty').optional(),
  TWEETSTORE_COOKIE_SECURE: bool('TWEETSTORE_COOKIE_SECURE').default(false),
  TWEETSTORE_HEAP_GROWTH_PERCENT: int('TWEETSTORE_HEAP_GROWTH_PERCENT', 0, 1_000).default(50),
  TWEETSTORE_MEDIA_MAX_IMAGE_MB: int('TWEETSTORE_MEDIA_MAX_IMAGE_MB', 1, 1024).default(16),
  TWEETSTORE_MEDIA_MAX_VIDEO_MB: int('TWEETSTORE_MEDIA_MAX_VIDEO_MB', 1, 4096).default(100),
  TWEETSTORE_MEDIA_SWEEP_MINUTES: int('TWEETSTORE_MEDIA_SWEEP_MINUTES', 1, 10_080).default(60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  }).default('info'),
}).superRefine((e, check) => {
  const problem = (path: string, message: string) => check.addIssue({ code: 'custom', path: [path], message });
  if (e.TWEETSTORE_STORE === 'postgres' && e.TWEETSTORE_DATABASE_URL === undefined) {
    problem('TWEETSTORE_DATABASE_URL', 'TWEETSTORE_DATABASE_URL is required with TWEETSTORE_STORE=postgres (e.g. postgres://postgres@127.0.0.1:5432/tweetstore)');
  }
  if (e.TWEETSTORE_BLOB_STORE === 's3' && e.TWEETSTORE_S3_BUCKET === undefined) problem('TWEETSTORE_S3_BUCKET', 'TWEETSTORE_S3_BUCKET is required with TWEETSTORE_BLOB_STORE=s3');
  if ((e.AWS_ACCESS_KEY_ID === undefined) !== (e.AWS_SECRET_ACCESS_KEY === undefined)) {
    problem(e.AWS_ACCESS_KEY_ID === undefined ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together: set both, or neither (the AWS SDK then finds credentials itself)');
  }
});

/** The name of every variable the server reads (compose.yaml and the README set and list no other). */
export const configVariables: readonly string[] = Object.keys(envSchema.shape);

/** Where media files live (TWEETSTORE_BLOB_STORE). */
export type BlobSettings =
  | { engine: 'disk' }
  | { engine: 's3'; bucket: string; endpoint?: string; region: string; credentials?: { accessKeyId: string; secretAccessKey: string } };

export interface ServerConfig {
  port: number;
  host: string;
  /** Where the embedded store and the disk blob store keep their files. */
  dataDir: string;
  /** This instance's name on the dashboard and in /metrics (TWEETSTORE_INSTANCE_ID; default `<host name>:<pid>`). */
  instanceId: string;
  /** Which engine holds tweets, users and events (TWEETSTORE_STORE). */
  store: 'lowdb' | 'postgres';
  /** Connections each instance opens to PostgreSQL for reads and its writer (TWEETSTORE_DATABASE_POOL). */
  databasePoolSize: number;
  /** The PostgreSQL the postgres store engine uses (TWEETSTORE_DATABASE_URL). */
  databaseUrl?: string;
  /** Which engine holds media files, and its settings. */
  blobs: BlobSettings;
  /**
   * The Redis every instance shares (TWEETSTORE_REDIS_URL), its keys under `prefix`: the rate limits count there
   * (insured by this process's memory while it fails). None: each process counts its own limits in memory.
   */
  redis?: { url: string; prefix: string };
  editPolicy: { windowMs: number; maxEdits: number };
  sessionTtlMs: number;
  maxBodyBytes: number;
  checkpointEveryEvents: number;
  /** API.md's "Limits" (rate limits, per-account uploads at once, views once per viewer). */
  limits: LimitsConfig;
  /** Calls one HTTP batch (or WebSocket message) may carry; more: the whole batch is refused. */
  maxBatch: number;
  /** Subscriptions one WebSocket may hold at once. */
  maxSubscriptions: number;
  /** A WebSocket whose unsent output passes this is closed (its client resumes with lastEventId). */
  maxSocketBacklogBytes: number;
  /** Load balancers whose X-Forwarded-For names the client (addresses or CIDRs); none by default. */
  trustedProxies: string[];
  shutdownTimeoutMs: number;
  cookieSecure: boolean;
  /**
   * How far V8 lets the heap grow past what a full GC left before the next one, in percent; 0: V8's own choice (up
   * to 4x when the process allocates fast: at 1M tweets that took RSS to ~2 GB for a live heap of ~450 MB).
   */
  heapGrowthPercent: number;
  /** Largest upload of each kind, in bytes. */
  mediaLimits: { imageBytes: number; videoBytes: number };
  /** How often unattached uploads older than a day are removed. */
  mediaSweepIntervalMs: number;
  /** The built web client (apps/web/dist unless TWEETSTORE_WEB_DIR says otherwise). */
  webDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse the environment (only the variables above; unset or empty means default). Throws ConfigError. */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): ServerConfig {
  const relevant = Object.fromEntries(
    configVariables
      .map((key) => [key, env[key]] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => (i.message.includes(String(i.path[0])) ? i.message : `${String(i.path[0])}: ${i.message}`)));
  }
  const e = parsed.data;
  return {
    port: e.TWEETSTORE_PORT ?? e.PORT ?? 3000,
    host: e.TWEETSTORE_HOST,
    dataDir: path.resolve(cwd, e.TWEETSTORE_DATA_DIR),
    instanceId: e.TWEETSTORE_INSTANCE_ID,
    store: e.TWEETSTORE_STORE,
    databasePoolSize: e.TWEETSTORE_DATABASE_POOL,
    ...(e.TWEETSTORE_DATABASE_URL === undefined ? {} : { databaseUrl: e.TWEETSTORE_DATABASE_URL }),
    blobs: blobSettings(e),
    ...(e.TWEETSTORE_REDIS_URL === undefined ? {} : { redis: { url: e.TWEETSTORE_REDIS_URL, prefix: e.TWEETSTORE_REDIS_PREFIX } }),
    editPolicy: { windowMs: e.TWEETSTORE_EDIT_WINDOW_MINUTES * 60_000, maxEdits: e.TWEETSTORE_MAX_EDITS },
    sessionTtlMs: e.TWEETSTORE_SESSION_TTL_HOURS * 3_600_000,
    maxBodyBytes: e.TWEETSTORE_MAX_BODY_BYTES,
    checkpointEveryEvents: e.TWEETSTORE_CHECKPOINT_EVERY,
    limits: {
      enabled: e.TWEETSTORE_RATE_LIMITS === 'on',
      calls: e.TWEETSTORE_LIMIT_CALLS,
      writes: e.TWEETSTORE_LIMIT_WRITES,
      engage: e.TWEETSTORE_LIMIT_ENGAGE,
      uploads: e.TWEETSTORE_LIMIT_UPLOADS,
      uploadsAtOnce: e.TWEETSTORE_LIMIT_UPLOADS_AT_ONCE,
      register: e.TWEETSTORE_LIMIT_REGISTER,
      loginFailures:
        e.TWEETSTORE_LIMIT_LOGIN_FAILURES ??
        (e.TWEETSTORE_LOGIN_MAX_FAILURES === undefined ? defaultLimits.loginFailures : { points: e.TWEETSTORE_LOGIN_MAX_FAILURES, windowMs: 15 * 60_000 }),
      viewWindowMs: e.TWEETSTORE_VIEW_ONCE_MINUTES * 60_000,
    },
    maxBatch: e.TWEETSTORE_MAX_BATCH,
    maxSubscriptions: e.TWEETSTORE_MAX_SUBSCRIPTIONS,
    maxSocketBacklogBytes: e.TWEETSTORE_MAX_SOCKET_BACKLOG_MB * 1024 * 1024,
    trustedProxies: e.TWEETSTORE_TRUSTED_PROXIES,
    shutdownTimeoutMs: e.TWEETSTORE_SHUTDOWN_TIMEOUT_MS,
    cookieSecure: e.TWEETSTORE_COOKIE_SECURE,
    heapGrowthPercent: e.TWEETSTORE_HEAP_GROWTH_PERCENT,
    mediaLimits: { imageBytes: e.TWEETSTORE_MEDIA_MAX_IMAGE_MB * 1024 * 1024, videoBytes: e.TWEETSTORE_MEDIA_MAX_VIDEO_MB * 1024 * 1024 },
    mediaSweepIntervalMs: e.TWEETSTORE_MEDIA_SWEEP_MINUTES * 60_000,
    webDir: e.TWEETSTORE_WEB_DIR ? path.resolve(cwd, e.TWEETSTORE_WEB_DIR) : fileURLToPath(new URL('../../web/dist', import.meta.url)),
    logLevel: e.LOG_LEVEL,
  };
}

function blobSettings(e: z.infer<typeof envSchema>): BlobSettings {
  switch (e.TWEETSTORE_BLOB_STORE) {
    case 'disk':
      return { engine: 'disk' };
    case 's3':
      return {
        engine: 's3',
        bucket: e.TWEETSTORE_S3_BUCKET!, // required with s3 (envSchema)
        region: e.TWEETSTORE_S3_REGION,
        ...(e.TWEETSTORE_S3_ENDPOINT === undefined ? {} : { endpoint: e.TWEETSTORE_S3_ENDPOINT }),
        ...(e.AWS_ACCESS_KEY_ID === undefined ? {} : { credentials: { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY! } }),
      };
  }
}

// Configuration comes from environment variables, validated once at start-up. Each bad value is refused with a
// message that names the variable.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Every variable the server reads, with its default. The README's configuration table lists the same. */
const envSchema = z.object({
  PORT: int('PORT', 0, 65_535).optional(),
  TWEETSTORE_PORT: int('TWEETSTORE_PORT', 0, 65_535).optional(),
  TWEETSTORE_HOST: z.string().trim().min(1, 'TWEETSTORE_HOST must not be empty').default('127.0.0.1'),
  TWEETSTORE_DATA_DIR: z.string().trim().min(1, 'TWEETSTORE_DATA_DIR must not be empty').default('data'),
  TWEETSTORE_EDIT_WINDOW_MINUTES: int('TWEETSTORE_EDIT_WINDOW_MINUTES', 0, 525_600).default(60),
  TWEETSTORE_MAX_EDITS: int('TWEETSTORE_MAX_EDITS', 0, 1_000_000).default(5),
  TWEETSTORE_SESSION_TTL_HOURS: int('TWEETSTORE_SESSION_TTL_HOURS', 1, 24 * 365).default(24 * 30),
  TWEETSTORE_MAX_BODY_BYTES: int('TWEETSTORE_MAX_BODY_BYTES', 1024, 256 * 1024 * 1024).default(1024 * 1024),
  TWEETSTORE_LOGIN_MAX_FAILURES: int('TWEETSTORE_LOGIN_MAX_FAILURES', 1, 1_000_000).default(10),
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
});

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  editPolicy: { windowMs: number; maxEdits: number };
  sessionTtlMs: number;
  maxBodyBytes: number;
  checkpointEveryEvents: number;
  /** Failed logins per username per 15 minutes (per client address: 5x this) before TOO_MANY_REQUESTS. */
  loginMaxFailures: number;
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
    Object.keys(envSchema.shape)
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
    editPolicy: { windowMs: e.TWEETSTORE_EDIT_WINDOW_MINUTES * 60_000, maxEdits: e.TWEETSTORE_MAX_EDITS },
    sessionTtlMs: e.TWEETSTORE_SESSION_TTL_HOURS * 3_600_000,
    maxBodyBytes: e.TWEETSTORE_MAX_BODY_BYTES,
    checkpointEveryEvents: e.TWEETSTORE_CHECKPOINT_EVERY,
    loginMaxFailures: e.TWEETSTORE_LOGIN_MAX_FAILURES,
    shutdownTimeoutMs: e.TWEETSTORE_SHUTDOWN_TIMEOUT_MS,
    cookieSecure: e.TWEETSTORE_COOKIE_SECURE,
    heapGrowthPercent: e.TWEETSTORE_HEAP_GROWTH_PERCENT,
    mediaLimits: { imageBytes: e.TWEETSTORE_MEDIA_MAX_IMAGE_MB * 1024 * 1024, videoBytes: e.TWEETSTORE_MEDIA_MAX_VIDEO_MB * 1024 * 1024 },
    mediaSweepIntervalMs: e.TWEETSTORE_MEDIA_SWEEP_MINUTES * 60_000,
    webDir: e.TWEETSTORE_WEB_DIR ? path.resolve(cwd, e.TWEETSTORE_WEB_DIR) : fileURLToPath(new URL('../../web/dist', import.meta.url)),
    logLevel: e.LOG_LEVEL,
  };
}

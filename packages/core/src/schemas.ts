// Every procedure input of API.md as a zod schema, shared by the server and every client form.
import { z } from 'zod';
import { checkContent } from './content-check.ts';
import { tagKey } from './text.ts';
import { hasControlCharacter, isBlank } from './visible.ts';

const wellFormed = (s: string) => s.isWellFormed();

export const usernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_]{1,15}$/, 'username must be 1 to 15 letters, digits or underscores');
export const passwordSchema = z
  .string()
  .min(8, 'password must have at least 8 characters')
  .max(256, 'password must have at most 256 characters')
  .refine(wellFormed, 'password must be valid Unicode (no lone surrogates)');
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, { message: 'display name must not be empty', abort: true })
  .max(50, 'display name must have at most 50 characters')
  .refine(wellFormed, 'display name must be valid Unicode (no lone surrogates)')
  .refine((s) => !hasControlCharacter(s, 'one-line'), 'display name must not contain control characters')
  .refine((s) => !isBlank(s), 'display name must contain a visible character')
  .transform((s) => s.normalize('NFC'));

/** Time-ordered ids (ULID, Crockford base32). */
export const idSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'not a valid id');
/** A media id: the sha256 hex of the uploaded bytes. */
export const MEDIA_ID = /^[0-9a-f]{64}$/;
export const mediaIdSchema = z.string().regex(MEDIA_ID, 'a media id is the sha256 hex of its bytes');
/** Alt text of a media object, counted in code points after NFC and trimming. */
export const MAX_ALT_LENGTH = 1000;
export const altSchema = z
  .string()
  .transform((s) => s.normalize('NFC').trim())
  .refine((s) => [...s].length <= MAX_ALT_LENGTH, `alt text is at most ${MAX_ALT_LENGTH} characters`);
export const versionNumberSchema = z.number().int().min(1).max(1_000_000);

/** Tweet text: the rules of checkContent (NFC, 1..280 weighted, something visible, no stray controls). Output: the
 * parsed content. */
export const contentSchema = z.string().transform((raw, ctx) => {
  const { parsed, problem, weighed } = checkContent(raw);
  if (parsed) return parsed;
  ctx.addIssue({ code: 'custom', message: problem!.message, params: { rule: problem!.rule, ...weighed } });
  return z.NEVER;
});

export const mediaIdsSchema = z.array(mediaIdSchema).max(4, 'at most 4 media per tweet');

export const registerInput = z.object({
  username: usernameSchema,
  password: passwordSchema,
  displayName: displayNameSchema.optional(),
});
export const loginInput = z.object({
  username: z.string().min(1).max(15),
  password: z.string().min(1).max(256),
});

export const createTweetInput = z.object({
  content: contentSchema,
  mediaIds: mediaIdsSchema.optional(),
  replyToId: idSchema.optional(),
  draft: z.boolean().optional(),
  idempotencyKey: z.string().min(1).max(128).optional(),
});

export const tweetIdInput = z.object({ id: idSchema });

export const cursorSchema = z.string().min(1).max(200);

/** A hashtag, with or without `#`, in any case; output: its tagKey. */
export const hashtagSchema = z
  .string()
  .regex(/^[#＃]?[\p{L}\p{N}\p{M}_]{1,100}$/u, 'a hashtag is # (optional) and 1 to 100 letters, digits or underscores')
  .transform(tagKey);

export const listTweetsInput = z.object({
  cursor: cursorSchema.nullish(),
  limit: z.number().int().min(1).max(100).default(20),
  authorId: idSchema.optional(),
  replyToId: idSchema.optional(),
  includeArchived: z.boolean().optional(),
  hashtag: hashtagSchema.optional(),
});

export const SEARCH_SORTS = ['latest', 'top'] as const;
export const MAX_QUERY_LENGTH = 256;
export const searchTweetsInput = z.object({
  q: z
    .string()
    .min(1, 'a search needs a query')
    .max(MAX_QUERY_LENGTH, `a query is at most ${MAX_QUERY_LENGTH} characters`)
    .refine(wellFormed, 'a query must be valid Unicode (no lone surrogates)'),
  cursor: cursorSchema.nullish(),
  limit: z.number().int().min(1).max(100).default(20),
  sort: z.enum(SEARCH_SORTS).default('latest'),
});

export const trendsInput = z.object({ limit: z.number().int().min(1).max(50).default(10) }).default({ limit: 10 });

export const threadInput = z.object({
  id: idSchema,
  cursor: cursorSchema.nullish(),
  limit: z.number().int().min(1).max(100).default(20),
});

export const editTweetInput = z.object({
  id: idSchema,
  content: contentSchema,
  mediaIds: mediaIdsSchema.optional(),
  expectedVersion: versionNumberSchema.optional(),
});

export const diffInput = z.object({ id: idSchema, from: versionNumberSchema, to: versionNumberSchema });

export const revertTweetInput = z.object({
  id: idSchema,
  toVersion: versionNumberSchema,
  expectedVersion: versionNumberSchema.optional(),
});

export const engageInput = z.object({
  id: idSchema,
  action: z.enum(['like', 'unlike', 'retweet', 'unretweet', 'view']),
});

export const lastEventIdSchema = z.string().min(1).max(200);

export const onChangeInput = z.object({
  authorId: idSchema.optional(),
  lastEventId: lastEventIdSchema.nullish(),
});

export const onEngagementInput = z.object({
  ids: z.array(idSchema).min(1).max(100),
  lastEventId: lastEventIdSchema.nullish(),
});

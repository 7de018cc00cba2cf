// Every procedure input of API.md as a zod schema, shared by the server and every client form.
import { z } from 'zod';
import { parseContent, MAX_WEIGHTED_LENGTH } from './text.ts';

/** Raw size guard before any parsing: URLs weigh 23 whatever their length, so a valid tweet can be long in
 * code units, but nothing sane is longer than this. */
export const MAX_CONTENT_CODE_UNITS = 10_000;

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
  .min(1, 'display name must not be empty')
  .max(50, 'display name must have at most 50 characters')
  .refine(wellFormed, 'display name must be valid Unicode (no lone surrogates)')
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

/** Tweet text: NFC-normalised, then 1..280 by twitter-text v3 weighted length. Output: the parsed content. */
export const contentSchema = z
  .string()
  .max(MAX_CONTENT_CODE_UNITS, `content must be at most ${MAX_CONTENT_CODE_UNITS} UTF-16 code units`)
  .refine(wellFormed, 'content must be valid Unicode (no lone surrogates)')
  .transform((raw, ctx) => {
    const parsed = parseContent(raw);
    if (parsed.content.trim().length === 0) {
      ctx.addIssue({ code: 'custom', message: 'content must not be empty' });
      return z.NEVER;
    }
    if (parsed.weightedLength > MAX_WEIGHTED_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        message: `content is ${parsed.weightedLength} weighted characters; the limit is ${MAX_WEIGHTED_LENGTH}`,
        params: { weightedLength: parsed.weightedLength },
      });
      return z.NEVER;
    }
    if (!parsed.valid) {
      ctx.addIssue({ code: 'custom', message: 'content contains a character that is not allowed (U+FFFE, U+FEFF or U+FFFF)' });
      return z.NEVER;
    }
    return parsed;
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

export const listTweetsInput = z.object({
  cursor: cursorSchema.nullish(),
  limit: z.number().int().min(1).max(100).default(20),
  authorId: idSchema.optional(),
  replyToId: idSchema.optional(),
  includeArchived: z.boolean().optional(),
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

// Media uploads through tRPC itself: FormData over httpLink (clients route it with splitLink + isNonJsonSerializable).
// The id is the sha256 of the bytes, so the same file uploaded twice is one stored object; the files are written to
// the blob store before the upload is journaled, so a recorded upload always has its files.
import { altSchema, mediaIdSchema } from '@tweetstore/core';
import { admit, MediaRefused, mediaIdOf, prepareUpload, type Sniffed } from '@tweetstore/media';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { viewerIdOf } from '../auth/sessions.ts';
import type { Context } from '../context.ts';
import { toTRPCError } from '../errors.ts';
import { authedProcedure, publicProcedure, router, signedInUser } from '../trpc.ts';

/**
 * An upload whose bytes the server's HTTP layer has already read (streaming, off the multipart parser that would
 * hold the event loop ~1-2 ms per MB) and hashed as they arrived. No client can send one: it is a class instance,
 * which neither JSON nor FormData can carry.
 */
export class ReceivedUpload {
  constructor(
    readonly bytes: Uint8Array,
    /** sha256 hex of `bytes` */
    readonly id: string,
    readonly alt: string | null,
  ) {}
}

function checkedAlt(alt: unknown, check: z.RefinementCtx): string | null {
  if (alt === null) return null;
  const parsed = altSchema.safeParse(alt);
  if (parsed.success) return parsed.data;
  check.addIssue({ code: 'custom', path: ['alt'], message: typeof alt === 'string' ? parsed.error.issues[0]!.message : 'alt must be text' });
  return z.NEVER;
}

/** FormData `{file, alt?}` (one file part, an optional alt text part), or an upload the HTTP layer received. */
const uploadInput = z.union([
  z.instanceof(ReceivedUpload).transform((upload, check) => ({ upload, alt: checkedAlt(upload.alt, check) })),
  z.instanceof(FormData, { message: 'send the upload as FormData with a "file" part' }).transform((form, check) => {
    const file = form.get('file');
    if (!(file instanceof Blob)) {
      check.addIssue({ code: 'custom', path: ['file'], message: 'a "file" part with the bytes is required' });
      return z.NEVER;
    }
    return { upload: file, alt: checkedAlt(form.get('alt'), check) };
  }),
]);

function refused(error: unknown): never {
  if (error instanceof MediaRefused) {
    throw new TRPCError({ code: error.reason === 'too_large' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', message: error.message, cause: error });
  }
  throw error;
}

async function upload(ctx: Context & { user: { id: string } }, source: ReceivedUpload | Blob, alt: string | null) {
  let bytes: Uint8Array;
  let id: string;
  let sniffed: Sniffed;
  if (source instanceof ReceivedUpload) {
    ({ bytes, id } = source);
    sniffed = await admit(bytes.subarray(0, 4100), bytes.length, ctx.mediaLimits).catch(refused);
  } else {
    // refused on its first bytes before the rest is read
    sniffed = await admit(new Uint8Array(await source.slice(0, 4100).arrayBuffer()), source.size, ctx.mediaLimits).catch(refused);
    bytes = new Uint8Array(await source.arrayBuffer());
    id = await mediaIdOf(bytes);
  }
  // under the id's lock, so a sweep cannot remove these files between their writing and their record
  return ctx.mediaLocks.run(id, async () => {
    const claimed = await ctx.store.claimMedia(id, ctx.user.id, alt);
    if (claimed) return claimed;
    const prepared = await prepareUpload(bytes, sniffed, id).catch(refused);
    await Promise.all(prepared.files.map((f) => ctx.blobs.put({ mediaId: id, name: f.name }, f.data)));
    const { files, ...facts } = prepared;
    return ctx.store.recordMedia({
      ...facts,
      userId: ctx.user.id,
      alt,
      files: files.map(({ name, mime, data, width, height }) => ({ name, mime, bytes: data.length, width, height })),
    });
  });
}

/**
 * An upload's limits (API.md: per account per window, and at most a few at once), taken before its body is read: the
 * HTTP layer admits an upload, then receives it, then runs media.upload with `admitted` set. Returns the release of
 * its place among the account's uploads in flight.
 */
export async function admitUpload(ctx: Context): Promise<() => void> {
  try {
    if (ctx.clientAddress !== null) await ctx.limits.charge('calls', ctx.clientAddress);
    const user = await signedInUser(ctx);
    await ctx.limits.charge('uploads', user.id);
    return await ctx.limits.enterUpload(user.id);
  } catch (error) {
    throw toTRPCError(error);
  }
}

export const mediaRouter = router({
  /** `FormData{file, alt?}` -> Media. JPEG, PNG, WebP and GIF images (processed), MP4 and WebM video (checked). */
  upload: authedProcedure
    .meta({ limit: 'uploads' })
    .input(uploadInput)
    .mutation(async ({ ctx, input }) => {
      // admitted uploads hold their place already (the HTTP layer's, until the answer is sent)
      const release = ctx.admitted ? null : await ctx.limits.enterUpload(ctx.user.id);
      try {
        return await upload(ctx, input.upload, input.alt);
      } finally {
        release?.();
      }
    }),

  /** Media by id, to whom may fetch it (anyone once public, else its uploaders); the caller's own alt text when they uploaded it. */
  get: publicProcedure.input(z.object({ id: mediaIdSchema })).query(async ({ ctx, input }) => {
    const viewerId = await viewerIdOf(ctx);
    const media = (await ctx.store.mediaAccess(input.id, viewerId)) ? await ctx.store.getMedia(input.id, viewerId) : null;
    // media the caller may not fetch answer exactly like ids never uploaded
    if (!media) throw new TRPCError({ code: 'NOT_FOUND', message: `media ${input.id} not found` });
    return media;
  }),

  /** The uploader describes what their media shows (alt text, at most 1000 characters; '' removes it). */
  setAlt: authedProcedure.input(z.object({ id: mediaIdSchema, alt: altSchema })).mutation(({ ctx, input }) => ctx.store.setMediaAlt(input.id, ctx.user.id, input.alt)),
});

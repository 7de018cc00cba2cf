// Media uploads through tRPC itself: FormData over httpLink (clients route it with splitLink + isNonJsonSerializable).
// The id is the sha256 of the bytes, so the same file uploaded twice is one stored object; the files are written to
// the blob store before the upload is journaled, so a recorded upload always has its files.
import { altSchema, mediaIdSchema } from '@tweetstore/core';
import { admit, MediaRefused, mediaIdOf, prepareUpload } from '@tweetstore/media';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { viewerIdOf } from '../auth/sessions.ts';
import type { Context } from '../context.ts';
import { authedProcedure, publicProcedure, router } from '../trpc.ts';

/** FormData `{file, alt?}`: one file part, and an optional alt text part. */
const uploadInput = z.instanceof(FormData, { message: 'send the upload as FormData with a "file" part' }).transform((form, check) => {
  const file = form.get('file');
  if (!(file instanceof Blob)) {
    check.addIssue({ code: 'custom', path: ['file'], message: 'a "file" part with the bytes is required' });
    return z.NEVER;
  }
  const alt = form.get('alt');
  if (alt === null) return { file, alt: null };
  const parsed = altSchema.safeParse(alt);
  if (!parsed.success) {
    check.addIssue({ code: 'custom', path: ['alt'], message: typeof alt === 'string' ? parsed.error.issues[0]!.message : 'alt must be text' });
    return z.NEVER;
  }
  return { file, alt: parsed.data };
});

function refused(error: unknown): never {
  if (error instanceof MediaRefused) {
    throw new TRPCError({ code: error.reason === 'too_large' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', message: error.message, cause: error });
  }
  throw error;
}

async function upload(ctx: Context & { user: { id: string } }, file: Blob, alt: string | null) {
  const head = new Uint8Array(await file.slice(0, 4100).arrayBuffer());
  const sniffed = await admit(head, file.size, ctx.mediaLimits).catch(refused);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const id = await mediaIdOf(bytes);
  const claimed = await ctx.store.claimMedia(id, ctx.user.id, alt);
  if (claimed) return claimed;
  const prepared = await prepareUpload(bytes, sniffed, id).catch(refused);
  for (const f of prepared.files) await ctx.blobs.put({ mediaId: id, name: f.name }, f.data);
  const { files, ...facts } = prepared;
  return ctx.store.recordMedia({
    ...facts,
    userId: ctx.user.id,
    alt,
    files: files.map(({ name, mime, data, width, height }) => ({ name, mime, bytes: data.length, width, height })),
  });
}

export const mediaRouter = router({
  /** `FormData{file, alt?}` -> Media. JPEG, PNG, WebP and GIF images (processed), MP4 and WebM video (checked). */
  upload: authedProcedure.input(uploadInput).mutation(({ ctx, input }) => upload(ctx, input.file, input.alt)),

  /** Media by id; the caller's own alt text when they uploaded it. */
  get: publicProcedure.input(z.object({ id: mediaIdSchema })).query(async ({ ctx, input }) => {
    const media = await ctx.store.getMedia(input.id, await viewerIdOf(ctx));
    if (!media) throw new TRPCError({ code: 'NOT_FOUND', message: `media ${input.id} not found` });
    return media;
  }),

  /** The uploader describes what their media shows (alt text, at most 1000 characters; '' removes it). */
  setAlt: authedProcedure.input(z.object({ id: mediaIdSchema, alt: altSchema })).mutation(({ ctx, input }) => ctx.store.setMediaAlt(input.id, ctx.user.id, input.alt)),
});

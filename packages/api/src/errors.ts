import { DomainError } from '@tweetstore/core';
import { TRPCError } from '@trpc/server';

/** A domain error becomes the tRPC error of the same code; anything else stays as it is. */
export function toTRPCError(error: unknown): unknown {
  if (error instanceof TRPCError && error.cause instanceof DomainError) return toTRPCError(error.cause);
  if (error instanceof DomainError) {
    const mapped = new TRPCError({ code: error.code, message: error.message, cause: error });
    return mapped;
  }
  return error;
}

import { isTRPCClientError } from '@trpc/client';

/** A tRPC error's human message (its field issues joined), or a generic one for anything else. */
export function errorText(error: unknown): string {
  if (isTRPCClientError(error)) {
    const data = error.data as { code?: string; issues?: { path: string[]; message: string }[] } | undefined;
    if (data?.issues?.length) return data.issues.map((i) => i.message).join('; ');
    if (error.message) return error.message;
  }
  return error instanceof Error && error.message ? error.message : 'Something went wrong. Please try again.';
}

export function errorCode(error: unknown): string | undefined {
  return isTRPCClientError(error) ? (error.data as { code?: string } | undefined)?.code : undefined;
}

export function ErrorMessage({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="error" role="alert">
      <span>{errorText(error)}</span>
      {retry && (
        <button type="button" className="button subtle" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

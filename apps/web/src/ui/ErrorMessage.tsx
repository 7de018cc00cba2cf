// What went wrong, in words for the person who did it. TOO_MANY_REQUESTS is the one error that ends by itself: the
// server says how long to wait (API.md Limits: retryAfterMs), the message counts that wait down, and whatever was
// refused waits with it (useRetryWait).
import { isTRPCClientError } from '@trpc/client';
import { useEffect, useReducer, useRef } from 'react';

interface ErrorData {
  code?: string;
  issues?: { path: string[]; message: string }[];
  retryAfterMs?: unknown;
}

const dataOf = (error: unknown): ErrorData | undefined => (isTRPCClientError(error) ? (error.data as ErrorData | undefined) : undefined);

export function errorCode(error: unknown): string | undefined {
  return dataOf(error)?.code;
}

/** How long the server asked to wait before trying again, for a TOO_MANY_REQUESTS; undefined for any other error. */
export function retryAfterMs(error: unknown): number | undefined {
  const data = dataOf(error);
  if (data?.code !== 'TOO_MANY_REQUESTS') return undefined;
  // API.md promises retryAfterMs on every limit; a refusal without one still waits a moment rather than not at all.
  return typeof data.retryAfterMs === 'number' && data.retryAfterMs > 0 ? data.retryAfterMs : 1_000;
}

// When each refusal's wait ends, fixed the first time anyone asks, which is as it arrives (it is shown or handled at
// once): every part of the page that shows or waits on the same error then counts to the same moment. Keyed weakly
// by the error itself, so it is forgotten with the error.
const waitEnds = new WeakMap<object, number>();

function waitEndsAt(error: unknown): number | undefined {
  const ms = retryAfterMs(error);
  if (ms === undefined) return undefined;
  const key = error as object;
  let end = waitEnds.get(key);
  if (end === undefined) waitEnds.set(key, (end = Date.now() + ms));
  return end;
}

/** Whole seconds left of a refusal's wait (rounded up; 0 once it is over); undefined for any other error. */
export function secondsToWait(error: unknown): number | undefined {
  const end = waitEndsAt(error);
  return end === undefined ? undefined : Math.max(0, Math.ceil((end - Date.now()) / 1000));
}

const TRY_AGAIN_IN = 'Too many requests — try again in';
const TRY_AGAIN_NOW = 'Too many requests — you can try again now';

/** A tRPC error's human message (its field issues joined), or a generic one for anything else. A refusal for too
 * many requests says how long is left to wait, as of now (ErrorText keeps that live). */
export function errorText(error: unknown): string {
  const seconds = secondsToWait(error);
  if (seconds !== undefined) return seconds > 0 ? `${TRY_AGAIN_IN} ${seconds} s` : TRY_AGAIN_NOW;
  const data = dataOf(error);
  if (data?.issues?.length) return data.issues.map((i) => i.message).join('; ');
  return error instanceof Error && error.message ? error.message : 'Something went wrong. Please try again.';
}

export interface RetryWait {
  /** The server refused for now and its wait is running: what it refused should wait too. */
  waiting: boolean;
  /** A refusal whose wait is over: it has nothing left to say, and what it refused is possible again. */
  over: boolean;
}

/** Calls `then` once the server's wait for `error` is over, when `error` is a refusal for too many requests. */
export function useAfterWait(error: unknown, then: () => void): void {
  const latest = useRef(then);
  latest.current = then;
  const end = waitEndsAt(error);
  useEffect(() => {
    if (end === undefined) return;
    const id = setTimeout(() => latest.current(), Math.max(0, end - Date.now()));
    return () => clearTimeout(id);
  }, [end]);
}

/**
 * Follows the wait of `error` when it is a refusal for too many requests, rendering again as each second passes and
 * when the wait ends; then calls `onOver` (a mutation's `reset`, say, so the refusal is forgotten).
 */
export function useRetryWait(error: unknown, onOver?: () => void): RetryWait {
  const [, tick] = useReducer((n: number) => n + 1, 0);
  const end = waitEndsAt(error);
  const left = end === undefined ? 0 : end - Date.now();
  useEffect(() => {
    if (left <= 0) return;
    // wake when the whole seconds shown change, and so also when the wait ends
    const id = setTimeout(tick, left % 1000 || 1000);
    return () => clearTimeout(id);
  }, [end, left]);
  useAfterWait(error, () => onOver?.());
  return { waiting: left > 0, over: end !== undefined && left <= 0 };
}

/** errorText, kept live. The seconds are a timer, which screen readers do not announce each time it changes. */
export function ErrorText({ error }: { error: unknown }) {
  useRetryWait(error);
  const seconds = secondsToWait(error);
  if (!seconds) return <>{errorText(error)}</>;
  return (
    <>
      {TRY_AGAIN_IN} <span role="timer">{seconds} s</span>
    </>
  );
}

/**
 * An error as an alert, with an optional "Try again". A refusal for too many requests counts its wait down with "Try
 * again" disabled; once it is over it goes away, unless there is a "Try again" to offer.
 */
export function ErrorMessage({ error, retry }: { error: unknown; retry?: () => void }) {
  const { waiting, over } = useRetryWait(error);
  if (over && !retry) return null;
  return (
    <div className="error" role="alert">
      <span>
        <ErrorText error={error} />
      </span>
      {retry && (
        <button type="button" className="button subtle" onClick={retry} disabled={waiting}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A request the server refused as it stands (BAD_REQUEST): asking again cannot help, so there is no "Try again",
 * and the server's message says what to change. */
export function Refusal({ title, error }: { title: string; error: unknown }) {
  const text = errorText(error);
  return (
    <div className="empty refusal" role="alert">
      <p className="refusal-title">{title}</p>
      <p className="small">{text.charAt(0).toUpperCase() + text.slice(1)}.</p>
    </div>
  );
}

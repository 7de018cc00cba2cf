import type { ReactNode } from 'react';
import { trpc } from '../trpc.ts';
import { errorCode, ErrorText } from '../ui/ErrorMessage.tsx';
import { pageLocale } from '../ui/locale.ts';

/** What went wrong with a revert, in words that say what to do next. */
export function revertErrorText(error: unknown): ReactNode {
  const details = (error as { data?: { details?: { actualVersion?: number } } }).data?.details;
  switch (errorCode(error)) {
    case 'CONFLICT':
      return `This post changed while you were looking at it${details?.actualVersion ? ` (it is now at version ${details.actualVersion})` : ''}. The list is up to date now: check it and try again.`;
    case 'PRECONDITION_FAILED':
      return (
        <>
          This post can no longer be reverted: <ErrorText error={error} />
        </>
      );
    default:
      return (
        <>
          The post was not reverted: <ErrorText error={error} />
        </>
      );
  }
}

/** What the edit policy leaves for reverts (each one counts as an edit); the server has the last word. */
export function revertHint(
  { state, editControls: controls }: { state: string; editControls: { editableUntil: Date; editsRemaining: number } },
  now = Date.now(),
): string {
  if (state === 'archived') return 'This post is archived: restore it before reverting.';
  if (state === 'draft') return 'A revert adds a new version with the old text (drafts can be changed without limit).';
  if (controls.editsRemaining <= 0) return 'No edits are left for this post, so a revert will be refused.';
  if (controls.editableUntil.getTime() <= now) return 'The edit window of this post has closed, so a revert will be refused.';
  if (controls.editsRemaining >= Number.MAX_SAFE_INTEGER) return 'A revert adds a new version with the old text.';
  const end = controls.editableUntil;
  const until =
    end.getFullYear() > 9999 ? '' : ` until ${end.getTime() - now < 86_400_000 ? end.toLocaleTimeString(pageLocale, { hour: 'numeric', minute: '2-digit' }) : end.toLocaleString(pageLocale)}`;
  return `A revert adds a new version with the old text and counts as an edit: ${controls.editsRemaining} left${until}.`;
}

/** Revert a tweet to an older version, guarded by the version the page shows (a stale page gets CONFLICT instead
 * of undoing someone's newer edit). Either way the history and the tweet are reloaded. */
export function useRevert(id: string, onReverted: () => void) {
  const utils = trpc.useUtils();
  return trpc.tweet.revert.useMutation({
    onSuccess: (tweet) => {
      utils.tweet.get.setData({ id }, tweet);
      onReverted();
    },
    onSettled: () =>
      Promise.all([utils.tweet.versions.invalidate({ id }), utils.tweet.get.invalidate({ id }), utils.tweet.list.invalidate()]),
  });
}

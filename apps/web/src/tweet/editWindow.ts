import type { Tweet } from '../trpc.ts';

/** Whether the author may edit now: drafts always; published tweets while the window is open and edits remain. */
export function canEdit(tweet: Tweet, now: number): boolean {
  if (tweet.state === 'draft') return true;
  return tweet.state === 'published' && tweet.editControls.editsRemaining > 0 && tweet.editControls.editableUntil.getTime() > now;
}

function timeLeft(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute left';
  if (minutes < 60) return `${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min left`;
  return `${Math.floor(hours / 24)} days left`;
}

/** "4 edits left · 37 min left", from the tweet's editControls. Unlimited values come as the largest Date and
 * Number.MAX_SAFE_INTEGER (docs/api-notes.md). */
export function editAllowanceText(tweet: Tweet, now: number): string {
  if (tweet.state === 'draft') return 'Drafts can be edited freely';
  const { editsRemaining, editableUntil } = tweet.editControls;
  const edits = editsRemaining >= Number.MAX_SAFE_INTEGER ? 'Unlimited edits' : `${editsRemaining} ${editsRemaining === 1 ? 'edit' : 'edits'} left`;
  const ms = editableUntil.getTime() - now;
  const time = ms > 100 * 365 * 24 * 3600_000 ? 'no time limit' : timeLeft(ms);
  return `${edits} · ${time}`;
}

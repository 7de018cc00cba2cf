// Edit policy (API.md `tweet.edit`): edits within a window after publishing, at most N of them; 0 = unlimited.
import { PreconditionFailed } from './errors.ts';
import type { EditControls, TweetState } from './model.ts';

export interface EditPolicy {
  /** How long after publishing a tweet may be edited; 0 = forever. */
  windowMs: number;
  /** How many edits after publishing; 0 = no limit. */
  maxEdits: number;
}

export const DEFAULT_EDIT_POLICY: EditPolicy = Object.freeze({ windowMs: 3_600_000, maxEdits: 5 });

export interface EditState {
  state: TweetState;
  publishedAt: number | null;
  editsSincePublish: number;
}

/** The latest representable Date: what `editableUntil` says when the window is unlimited. */
const END_OF_TIME = 8.64e15;

/**
 * What the author may still do. The window is half-open: an edit at `editableUntil - 1` is allowed, at `editableUntil`
 * it is not. `editsRemaining` counts edits only, regardless of the window (clients check both, as on X).
 * Drafts: editable without limit and edits don't count; the window starts when the tweet is published.
 * Archived: no edits remaining until restored; `editableUntil` still says where the window ends.
 * Unlimited window => editableUntil = new Date(8.64e15); unlimited edits => editsRemaining = Number.MAX_SAFE_INTEGER.
 * `_now` is unused today: the controls depend on the tweet alone, so repeated reads are equal.
 */
export function editControls(t: EditState, policy: EditPolicy, _now: number): EditControls {
  if (t.state === 'draft') return { editableUntil: new Date(END_OF_TIME), editsRemaining: Number.MAX_SAFE_INTEGER };
  if (t.state === 'published' && t.publishedAt === null) throw new RangeError('a published tweet must have publishedAt');
  const editableUntil = new Date(policy.windowMs === 0 || t.publishedAt === null ? END_OF_TIME : t.publishedAt + policy.windowMs);
  const left = policy.maxEdits === 0 ? Number.MAX_SAFE_INTEGER : Math.max(0, policy.maxEdits - t.editsSincePublish);
  return { editableUntil, editsRemaining: t.state === 'archived' ? 0 : left };
}

/** Throws PreconditionFailed with details {reason: 'window_closed'|'no_edits_left'|'archived', editableUntil, editsRemaining}. */
export function assertEditAllowed(t: EditState, policy: EditPolicy, now: number): void {
  const controls = editControls(t, policy, now);
  const refuse = (reason: 'window_closed' | 'no_edits_left' | 'archived', message: string) => {
    throw new PreconditionFailed(message, { reason, ...controls });
  };
  if (t.state === 'archived') refuse('archived', 'an archived tweet cannot be edited; restore it first');
  if (now >= controls.editableUntil.getTime()) {
    refuse('window_closed', `the edit window closed at ${controls.editableUntil.toISOString()}`);
  }
  if (controls.editsRemaining <= 0) refuse('no_edits_left', `no edits left (at most ${policy.maxEdits} per tweet)`);
}

import { expect, test } from 'vitest';
import { PreconditionFailed } from '../src/errors.ts';
import { assertEditAllowed, DEFAULT_EDIT_POLICY, editControls, type EditPolicy, type EditState } from '../src/policy.ts';

const PUBLISHED = Date.UTC(2026, 0, 1, 12);
const HOUR = 3_600_000;
const END_OF_TIME = new Date(8.64e15);
const published = (editsSincePublish = 0): EditState => ({ state: 'published', publishedAt: PUBLISHED, editsSincePublish });

/** The PreconditionFailed thrown by assertEditAllowed, or undefined when the edit is allowed. */
function refusal(t: EditState, policy: EditPolicy, now: number): PreconditionFailed | undefined {
  try {
    assertEditAllowed(t, policy, now);
    return undefined;
  } catch (error) {
    if (error instanceof PreconditionFailed) return error;
    throw error;
  }
}

test('the default policy is 60 minutes and 5 edits', () => {
  expect(DEFAULT_EDIT_POLICY).toEqual({ windowMs: HOUR, maxEdits: 5 });
});

test('the window is open until the last ms before editableUntil and closed from editableUntil on', () => {
  const t = published();
  const controls = editControls(t, DEFAULT_EDIT_POLICY, PUBLISHED);
  expect(controls).toEqual({ editableUntil: new Date(PUBLISHED + HOUR), editsRemaining: 5 });
  expect(refusal(t, DEFAULT_EDIT_POLICY, PUBLISHED)).toBeUndefined();
  expect(refusal(t, DEFAULT_EDIT_POLICY, PUBLISHED + HOUR - 1)).toBeUndefined();
  const closed = refusal(t, DEFAULT_EDIT_POLICY, PUBLISHED + HOUR);
  expect(closed?.code).toBe('PRECONDITION_FAILED');
  expect(closed?.details).toEqual({ reason: 'window_closed', editableUntil: new Date(PUBLISHED + HOUR), editsRemaining: 5 });
});

test('the count allows exactly maxEdits edits', () => {
  expect(editControls(published(4), DEFAULT_EDIT_POLICY, PUBLISHED).editsRemaining).toBe(1);
  expect(refusal(published(4), DEFAULT_EDIT_POLICY, PUBLISHED + 1)).toBeUndefined();
  expect(editControls(published(5), DEFAULT_EDIT_POLICY, PUBLISHED).editsRemaining).toBe(0);
  expect(refusal(published(5), DEFAULT_EDIT_POLICY, PUBLISHED + 1)?.details).toEqual({
    reason: 'no_edits_left',
    editableUntil: new Date(PUBLISHED + HOUR),
    editsRemaining: 0,
  });
  // never negative, even if more edits were recorded (e.g. the policy was tightened)
  expect(editControls(published(9), DEFAULT_EDIT_POLICY, PUBLISHED).editsRemaining).toBe(0);
});

test('when both limits are hit, the closed window is the reason given', () => {
  expect(refusal(published(5), DEFAULT_EDIT_POLICY, PUBLISHED + HOUR)?.details?.reason).toBe('window_closed');
});

test('0 means unlimited, for the window and for the count', () => {
  const forever: EditPolicy = { windowMs: 0, maxEdits: 5 };
  expect(editControls(published(), forever, PUBLISHED).editableUntil).toEqual(END_OF_TIME);
  expect(refusal(published(), forever, PUBLISHED + 10 * 365 * 24 * HOUR)).toBeUndefined();

  const countless: EditPolicy = { windowMs: HOUR, maxEdits: 0 };
  expect(editControls(published(1000), countless, PUBLISHED).editsRemaining).toBe(Number.MAX_SAFE_INTEGER);
  expect(refusal(published(1000), countless, PUBLISHED)).toBeUndefined();
  expect(refusal(published(1000), countless, PUBLISHED + HOUR)?.details?.reason).toBe('window_closed');

  const anything: EditPolicy = { windowMs: 0, maxEdits: 0 };
  expect(editControls(published(1000), anything, PUBLISHED)).toEqual({ editableUntil: END_OF_TIME, editsRemaining: Number.MAX_SAFE_INTEGER });
});

test('drafts are editable without limit; the window starts when the tweet is published', () => {
  const draft: EditState = { state: 'draft', publishedAt: null, editsSincePublish: 0 };
  expect(editControls(draft, DEFAULT_EDIT_POLICY, PUBLISHED)).toEqual({ editableUntil: END_OF_TIME, editsRemaining: Number.MAX_SAFE_INTEGER });
  expect(refusal(draft, DEFAULT_EDIT_POLICY, PUBLISHED + 1000 * HOUR)).toBeUndefined();
  // published much later than created: the hour counts from publishing
  const later = PUBLISHED + 1000 * HOUR;
  const justPublished: EditState = { state: 'published', publishedAt: later, editsSincePublish: 0 };
  expect(editControls(justPublished, DEFAULT_EDIT_POLICY, later)).toEqual({ editableUntil: new Date(later + HOUR), editsRemaining: 5 });
  expect(refusal(justPublished, DEFAULT_EDIT_POLICY, later + HOUR - 1)).toBeUndefined();
});

test('archived tweets cannot be edited, whatever the policy', () => {
  const archived: EditState = { state: 'archived', publishedAt: PUBLISHED, editsSincePublish: 0 };
  expect(editControls(archived, DEFAULT_EDIT_POLICY, PUBLISHED)).toEqual({ editableUntil: new Date(PUBLISHED + HOUR), editsRemaining: 0 });
  for (const policy of [DEFAULT_EDIT_POLICY, { windowMs: 0, maxEdits: 0 }]) {
    expect(refusal(archived, policy, PUBLISHED)?.details).toMatchObject({ reason: 'archived', editsRemaining: 0 });
  }
  const archivedDraft: EditState = { state: 'archived', publishedAt: null, editsSincePublish: 0 };
  expect(refusal(archivedDraft, DEFAULT_EDIT_POLICY, PUBLISHED)?.details?.reason).toBe('archived');
});

test('a published tweet without publishedAt is a bug, not a closed window', () => {
  expect(() => editControls({ state: 'published', publishedAt: null, editsSincePublish: 0 }, DEFAULT_EDIT_POLICY, PUBLISHED)).toThrow(RangeError);
});

// Commands decided against the projection: each returns the event to append, or null when nothing changes.
// Pure: the projection, the time and the id source come in as arguments; nothing here touches the disk.
import {
  assertEditAllowed,
  characterProblem,
  InvalidInput,
  NotFound,
  parseContent,
  PreconditionFailed,
  rebuildVersion,
  UsernameTaken,
  VersionConflict,
  versionBody,
  type EditPolicy,
  type ParsedContent,
} from '@tweetstore/core';
import { contentHash } from '../content-hash.ts';
import type { StoreEvent } from '../events.ts';
import type { CreateTweet, Engage, EditTweet, RegisterUser, RevertTweet, Session, TransitionTweet } from '../port.ts';
import { checkAttachable } from './media.ts';
import { takenBackKey, type Projection } from './projection.ts';
import type { TextFacts, TweetRecord, VersionRecord } from './records.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before the store gives it its seq and time. */
export type EventDraft = DistributiveOmit<StoreEvent, 'seq' | 'at'>;
type DraftOf<T extends EventDraft['type']> = Extract<EventDraft, { type: T }>;

export interface DecideContext {
  p: Projection;
  now: number;
  policy: EditPolicy;
  keyframeInterval: number;
  newId: () => string;
}

const MAX_MEDIA = 4;

export function decideRegister({ p, newId }: DecideContext, cmd: RegisterUser): DraftOf<'UserRegistered'> {
  if (p.userIdsByName.has(cmd.username.toLowerCase())) throw new UsernameTaken(cmd.username);
  return { type: 'UserRegistered', userId: newId(), username: cmd.username, displayName: cmd.displayName, passwordHash: cmd.passwordHash };
}

export function decideOpenSession({ p }: DecideContext, tokenHash: string, s: Session): EventDraft {
  if (!p.users.has(s.userId)) throw new NotFound('user', s.userId);
  return { type: 'SessionOpened', tokenHash, userId: s.userId, expiresAt: s.expiresAt.getTime() };
}

export function decideCloseSession({ p }: DecideContext, tokenHash: string): EventDraft | null {
  return p.sessions.has(tokenHash) ? { type: 'SessionClosed', tokenHash } : null;
}

/** `{ existing }` when the idempotency key already names a tweet of this author (within 24 h). */
export function decideCreate(ctx: DecideContext, cmd: CreateTweet): DraftOf<'TweetCreated'> | { existing: string } {
  const { p, now } = ctx;
  if (!p.users.has(cmd.authorId)) throw new NotFound('user', cmd.authorId);
  const key = cmd.idempotencyKey ?? null;
  const existing = key === null ? undefined : p.idempotentTweet(cmd.authorId, key, now);
  if (existing !== undefined) return { existing };
  assertText(cmd.text);
  const mediaIds = checkedMedia(p, cmd.authorId, cmd.mediaIds ?? []);
  const replyToId = cmd.replyToId ?? null;
  if (replyToId !== null) {
    const parent = p.tweets.readById(replyToId);
    if (!parent || (parent.state !== 'published' && parent.authorId !== cmd.authorId)) throw new NotFound('tweet', replyToId);
    if (parent.state !== 'published') {
      throw new PreconditionFailed(`cannot reply to your own ${parent.state} tweet`, { reason: 'parent_not_published', state: parent.state });
    }
  }
  return {
    type: 'TweetCreated',
    tweetId: ctx.newId(),
    authorId: cmd.authorId,
    content: cmd.text.content,
    contentHash: contentHash(cmd.text.content),
    ...facts(cmd.text),
    replyToId,
    state: cmd.draft ? 'draft' : 'published',
    idempotencyKey: key,
    mediaIds,
  };
}

export function decideEdit(ctx: DecideContext, cmd: EditTweet): EventDraft | null {
  const t = editable(ctx.p, cmd.id, cmd.expectedVersion);
  assertText(cmd.text);
  const mediaIds = checkedMedia(ctx.p, t.authorId, cmd.mediaIds ?? t.mediaIds);
  return newVersion(ctx, t, 'TweetEdited', cmd.text, mediaIds);
}

/** `versions`: the tweet's versions 1..n (read from its history), n at least cmd.toVersion when that exists. */
export function decideRevert(ctx: DecideContext, cmd: RevertTweet, versions: readonly VersionRecord[]): EventDraft | null {
  const t = editable(ctx.p, cmd.id, cmd.expectedVersion);
  const exists = Number.isInteger(cmd.toVersion) && cmd.toVersion >= 1 && cmd.toVersion <= t.versionCount;
  const target = exists ? versions[cmd.toVersion - 1] : undefined;
  if (!target) throw new NotFound('version', `${cmd.id}@${cmd.toVersion}`);
  const content = rebuildVersion(versions.map((v) => v.body), cmd.toVersion);
  return newVersion(ctx, t, 'TweetReverted', parseContent(content), [...target.mediaIds], cmd.toVersion);
}

const transitions = {
  publish: { from: 'draft', type: 'TweetPublished' },
  archive: { from: 'published', type: 'TweetArchived' },
  restore: { from: 'archived', type: 'TweetRestored' },
} as const;

export function decideTransition({ p }: DecideContext, cmd: TransitionTweet): EventDraft {
  const t = existing(p, cmd.id);
  const rule = transitions[cmd.to];
  if (t.state !== rule.from) {
    throw new PreconditionFailed(`cannot ${cmd.to} a ${t.state} tweet`, { reason: 'wrong_state', state: t.state, to: cmd.to });
  }
  return { type: rule.type, tweetId: t.id, authorId: t.authorId };
}

/** 'view' for views (counted in memory, journaled in batches); null for an engagement that changes nothing. */
export function decideEngage({ p }: DecideContext, cmd: Engage): EventDraft | null | 'view' {
  const t = existing(p, cmd.id);
  if (t.state !== 'published') {
    throw new PreconditionFailed(`cannot engage with a ${t.state} tweet`, { reason: 'wrong_state', state: t.state });
  }
  const liked = t.likes?.has(cmd.userId) ?? false;
  const retweeted = t.retweets?.has(cmd.userId) ?? false;
  const edge = { tweetId: t.id, userId: cmd.userId };
  // velocity counts a user once per tweet and kind: a like taken back and given again adds nothing to it
  const again = (kind: 'likes' | 'retweets') => (p.takenBack.has(takenBackKey(t.id, cmd.userId, kind)) ? { velocity: false as const } : {});
  switch (cmd.action) {
    case 'like':
      return liked ? null : { type: 'Liked', ...edge, ...again('likes') };
    case 'unlike':
      return liked ? { type: 'Unliked', ...edge } : null;
    case 'retweet':
      return retweeted ? null : { type: 'Retweeted', ...edge, ...again('retweets') };
    case 'unretweet':
      return retweeted ? { type: 'Unretweeted', ...edge } : null;
    case 'view':
      return 'view';
  }
}

/** The tweet, to decide on or show: a copy if it is in columns (a record is made only when an event changes it). */
export function existing(p: Projection, id: string): TweetRecord {
  const t = p.tweets.readById(id);
  if (!t) throw new NotFound('tweet', id);
  return t;
}

function editable(p: Projection, id: string, expectedVersion: number | undefined): TweetRecord {
  const t = existing(p, id);
  if (t.state === 'archived') throw new PreconditionFailed('an archived tweet cannot be edited; restore it first', { reason: 'archived' });
  if (expectedVersion !== undefined && expectedVersion !== t.versionCount) throw new VersionConflict(expectedVersion, t.versionCount);
  return t;
}

/**
 * The no-op check comes before the policy: re-saving unchanged text is not an edit, so it succeeds (returning the
 * tweet as it is) even after the window closed or the edits ran out.
 */
function newVersion(
  ctx: DecideContext,
  t: TweetRecord,
  type: 'TweetEdited' | 'TweetReverted',
  text: ParsedContent,
  mediaIds: string[],
  toVersion?: number,
): EventDraft | null {
  const hash = contentHash(text.content);
  if (hash === t.contentHash && sameIds(mediaIds, t.mediaIds)) return null;
  assertEditAllowed(t, ctx.policy, ctx.now);
  const version = t.versionCount + 1;
  return {
    type,
    tweetId: t.id,
    authorId: t.authorId,
    version,
    kind: type === 'TweetEdited' ? 'edited' : 'reverted',
    ...(toVersion === undefined ? {} : { toVersion }),
    contentHash: hash,
    ...facts(text),
    body: versionBody(version, t.content, text.content, ctx.keyframeInterval),
    mediaIds,
  };
}

function facts(text: ParsedContent): TextFacts {
  return { weightedLength: text.weightedLength, hashtags: text.hashtags, mentions: text.mentions, urls: text.urls };
}

function assertText(text: ParsedContent): void {
  const problem = characterProblem(text.content);
  if (problem) throw new InvalidInput(problem.message, { rule: problem.rule });
  if (!text.valid) {
    throw new InvalidInput('content must be 1 to 280 weighted characters of allowed text', { weightedLength: text.weightedLength });
  }
}

function checkedMedia(p: Projection, authorId: string, ids: readonly string[]): string[] {
  if (ids.length > MAX_MEDIA) throw new InvalidInput(`at most ${MAX_MEDIA} media per tweet`, { count: ids.length });
  checkAttachable(p, authorId, ids);
  return [...ids];
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

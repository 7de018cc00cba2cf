// Commands decided against the plain state of what they touch (state.ts): each returns the event to append, or null
// when nothing changes, or throws a DomainError. Pure: the state, the time and the id source come in as arguments, so
// every engine loads what a command names, calls the same function, and appends what it returns.
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
  type ParsedContent,
} from '@tweetstore/core';
import { contentHash } from '../content-hash.ts';
import type { DraftOf, EventDraft, TextFacts } from '../events.ts';
import type { CreateTweet, Engage, EditTweet, RegisterUser, RevertTweet, Session, TransitionTweet } from '../port.ts';
import { checkAttachable } from './media.ts';
import type { EngagementEdges, MediaLookup, RememberedKey, RuleContext, StoredTweet, StoredUser, StoredVersion } from './state.ts';

/** How long an idempotency key names the tweet it created. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_MEDIA = 4;

/** `nameTaken`: a user with this username, compared case-insensitively, exists. */
export function decideRegister(ctx: RuleContext, cmd: RegisterUser, nameTaken: boolean): DraftOf<'UserRegistered'> {
  if (nameTaken) throw new UsernameTaken(cmd.username);
  return { type: 'UserRegistered', userId: ctx.newId(), username: cmd.username, displayName: cmd.displayName, passwordHash: cmd.passwordHash };
}

export function decideOpenSession(tokenHash: string, s: Session, user: StoredUser | undefined): EventDraft {
  if (!user) throw new NotFound('user', s.userId);
  return { type: 'SessionOpened', tokenHash, userId: s.userId, expiresAt: s.expiresAt.getTime() };
}

/** `open`: a session with this token hash is open. */
export function decideCloseSession(tokenHash: string, open: boolean): EventDraft | null {
  return open ? { type: 'SessionClosed', tokenHash } : null;
}

/** What a create reads. */
export interface CreateState {
  author: StoredUser | undefined;
  /** What the author last used the command's idempotency key for, if they did (and it has a key). */
  remembered: RememberedKey | undefined;
  /** The tweet it replies to, if it replies. */
  parent: StoredTweet | undefined;
  /** At least the media it attaches. */
  media: MediaLookup;
}

/** `{ existing }` when the idempotency key already names a tweet of this author (within 24 h). */
export function decideCreate(ctx: RuleContext, cmd: CreateTweet, s: CreateState): DraftOf<'TweetCreated'> | { existing: string } {
  if (!s.author) throw new NotFound('user', cmd.authorId);
  const key = cmd.idempotencyKey ?? null;
  if (key !== null && s.remembered && s.remembered.at + IDEMPOTENCY_TTL_MS > ctx.now) return { existing: s.remembered.tweetId };
  assertText(cmd.text);
  const mediaIds = checkedMedia(cmd.authorId, cmd.mediaIds ?? [], s.media);
  const replyToId = cmd.replyToId ?? null;
  if (replyToId !== null) {
    const parent = s.parent;
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

/** `media`: at least those the edit attaches. */
export function decideEdit(ctx: RuleContext, tweet: StoredTweet | undefined, cmd: EditTweet, media: MediaLookup): EventDraft | null {
  const t = editable(tweet, cmd.id, cmd.expectedVersion);
  assertText(cmd.text);
  const mediaIds = checkedMedia(t.authorId, cmd.mediaIds ?? t.mediaIds, media);
  return newVersion(ctx, t, 'TweetEdited', cmd.text, mediaIds);
}

/** `versions`: the tweet's versions 1..n, n at least cmd.toVersion when that exists. */
export function decideRevert(ctx: RuleContext, tweet: StoredTweet | undefined, cmd: RevertTweet, versions: readonly StoredVersion[]): EventDraft | null {
  const t = editable(tweet, cmd.id, cmd.expectedVersion);
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

export function decideTransition(tweet: StoredTweet | undefined, cmd: TransitionTweet): EventDraft {
  const t = existing(tweet, cmd.id);
  const rule = transitions[cmd.to];
  if (t.state !== rule.from) {
    throw new PreconditionFailed(`cannot ${cmd.to} a ${t.state} tweet`, { reason: 'wrong_state', state: t.state, to: cmd.to });
  }
  return { type: rule.type, tweetId: t.id, authorId: t.authorId };
}

/** 'view' for views (engines count them in batches); null for an engagement that changes nothing. */
export function decideEngage(tweet: StoredTweet | undefined, cmd: Engage, edges: EngagementEdges): EventDraft | null | 'view' {
  const t = existing(tweet, cmd.id);
  if (t.state !== 'published') {
    throw new PreconditionFailed(`cannot engage with a ${t.state} tweet`, { reason: 'wrong_state', state: t.state });
  }
  const edge = { tweetId: t.id, userId: cmd.userId };
  const again = (takenBack: boolean) => (takenBack ? { velocity: false as const } : {});
  switch (cmd.action) {
    case 'like':
      return edges.liked ? null : { type: 'Liked', ...edge, ...again(edges.likeTakenBack) };
    case 'unlike':
      return edges.liked ? { type: 'Unliked', ...edge } : null;
    case 'retweet':
      return edges.retweeted ? null : { type: 'Retweeted', ...edge, ...again(edges.retweetTakenBack) };
    case 'unretweet':
      return edges.retweeted ? { type: 'Unretweeted', ...edge } : null;
    case 'view':
      return 'view';
  }
}

/** The tweet, or NotFound. */
export function existing<T extends StoredTweet>(t: T | undefined, id: string): T {
  if (!t) throw new NotFound('tweet', id);
  return t;
}

function editable(tweet: StoredTweet | undefined, id: string, expectedVersion: number | undefined): StoredTweet {
  const t = existing(tweet, id);
  if (t.state === 'archived') throw new PreconditionFailed('an archived tweet cannot be edited; restore it first', { reason: 'archived' });
  if (expectedVersion !== undefined && expectedVersion !== t.versionCount) throw new VersionConflict(expectedVersion, t.versionCount);
  return t;
}

/**
 * The no-op check comes before the policy: re-saving unchanged text is not an edit, so it succeeds (returning the
 * tweet as it is) even after the window closed or the edits ran out.
 */
function newVersion(
  ctx: RuleContext,
  t: StoredTweet,
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

function checkedMedia(authorId: string, ids: readonly string[], media: MediaLookup): string[] {
  if (ids.length > MAX_MEDIA) throw new InvalidInput(`at most ${MAX_MEDIA} media per tweet`, { count: ids.length });
  checkAttachable(authorId, ids, media);
  return [...ids];
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

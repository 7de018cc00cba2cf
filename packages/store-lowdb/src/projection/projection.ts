// The in-memory state of the store: a pure function of the event sequence (apply), indexed for the reads we serve.
import { bumpRate } from '@tweetstore/core';
import { byVelocityScore, IDEMPOTENCY_TTL_MS, nextContent, velocityScore, publishedVersion, shownToAll, tagKeys, type RememberedKey, type StoreEvent } from '@tweetstore/store';
import { packFacts, unpackFacts } from './facts.ts';
import { HashtagStats } from './hashtags.ts';
import { SearchIndex, tweetTerms, type DecodedWords, type TweetTerms } from './search-index.ts';
import { NO_MEDIA, NO_VERSIONS, tweetRecord, type CheckpointFileRef, type EngagementKind, type SessionRecord, type TakenBack, type TakenBackKind, type TweetRecord, type UserRecord } from './records.ts';
import { firstVersion, unedited } from './versions.ts';
import { applyMedia, attach, reshow, show, type MediaRecord } from './media.ts';
import { Timelines } from './timelines.ts';
import { TweetIndex } from './tweet-index.ts';
import { HOT_MIN_RATE, levelOf, VelocityRanking } from './velocity-ranking.ts';

export class Projection {
  /** seq of the last applied event (durable or not yet). */
  seq = 0;
  readonly users = new Map<string, UserRecord>();
  /** Users in registration order (index = ordinal: how checkpoints name them). */
  readonly userOrder: UserRecord[] = [];
  readonly userIdsByName = new Map<string, string>();
  readonly sessions = new Map<string, SessionRecord>();
  /** Uploaded media by id (see media.ts). */
  readonly media = new Map<string, MediaRecord>();
  /** Tweet id -> the media its versions that everyone sees while it is published carried (media.ts: show). */
  readonly shownMedia = new Map<string, string[]>();
  readonly tweets = new TweetIndex((ordinal) => this.userIdAt(ordinal));
  /** Complete once timelinesReady (a restored projection builds them after it opens: buildTimelines). */
  readonly timelines = new Timelines((id) => this.tweets.authorOf(id));
  /** Tweets of a lower ordinal are in the timelines. */
  #timelined = 0;
  /** author + key -> tweet, in insertion (= time) order so expired keys are pruned from the front. */
  readonly idempotency = new Map<string, RememberedKey>();
  /** Tweets engaged recently, ranked for topByVelocity. */
  readonly ranking = new VelocityRanking({
    level: (ordinal) => levelOf(this.tweets.velocityAt(ordinal)),
    eligible: (ordinal) => this.tweets.stateAt(ordinal) === 'published',
    id: (ordinal) => this.tweets.idAt(ordinal)!,
  });
  /**
   * Every tweet's search terms. Complete once searchReady: a projection restored from a checkpoint without them
   * (format 4 or older) builds them after it opens (buildSearch); until then an event changes only the tweets in it.
   */
  readonly search = new SearchIndex();
  /** Hashtag uses (of the tweets in the search index, as it is built) and velocity (of every event). */
  readonly hashtags = new HashtagStats((ordinal) => this.changes.tags.add(ordinal));
  /** Tweets with views not yet journaled. */
  readonly pendingViews = new Set<string>();
  /**
   * Tweet id -> the users who took back a like or a retweet of it (a tweet none did has no entry): velocity counts each
   * user once per tweet and kind, so like/unlike/like again is one like's worth (decided when an event is made and
   * recorded in it, so a replay counts the same). Checkpoints hold it since format 4; one of an older format did not,
   * so a store restored from one has forgotten those taken back before it.
   */
  readonly takenBack = new Map<string, TakenBack>();
  versionCount = 0;
  /** The details and history files of the newest checkpoint that are read after start-up, by file name. */
  checkpointFiles = new Map<string, CheckpointFileRef>();
  /** What changed since the checkpoint this state was loaded from or last written (see ChangeSet). */
  changes = new ChangeSet();
  /** Called before a tweet's checkpointed fields change: a checkpoint being captured keeps the row as it was. */
  beforeTweetChange: ((t: TweetRecord) => void) | undefined;

  /** `live`: the event was made by this process, so views already counted in memory are not counted again. */
  apply(event: StoreEvent, live = false): void {
    if (event.seq !== this.seq + 1) throw new Error(`event seq ${event.seq} does not follow ${this.seq}`);
    this.#apply(event, live);
    this.seq = event.seq;
  }

  #apply(e: StoreEvent, live: boolean): void {
    switch (e.type) {
      case 'UserRegistered':
        this.changes.users = true;
        this.addUser({ id: e.userId, username: e.username, displayName: e.displayName, createdAt: e.at, passwordHash: e.passwordHash });
        return;
      case 'SessionOpened':
        this.changes.sessions = true;
        this.sessions.set(e.tokenHash, { userId: e.userId, expiresAt: e.expiresAt });
        return;
      case 'SessionClosed':
        this.changes.sessions = true;
        this.sessions.delete(e.tokenHash);
        return;
      case 'MediaUploaded':
      case 'MediaAltSet':
      case 'MediaRemoved':
        applyMedia(this, e);
        return;
      case 'TweetCreated': {
        const published = e.state === 'published';
        const t = tweetRecord({
          id: e.tweetId,
          ordinal: this.tweets.size,
          authorId: this.userIdOf(e.authorId),
          replyToId: e.replyToId === null ? null : (this.tweets.idOf(e.replyToId) ?? e.replyToId),
          state: e.state,
          createdAt: e.at,
          idempotencyKey: e.idempotencyKey,
          versionCount: 1,
          history: null,
          velocity: null,
        });
        t.publishedAt = published ? e.at : null;
        Object.assign(t, { content: e.content, contentHash: e.contentHash, weightedLength: e.weightedLength, facts: packFacts(e) });
        t.mediaIds = e.mediaIds.length === 0 ? NO_MEDIA : e.mediaIds;
        attach(this, t.mediaIds);
        this.addTweet(t);
        if (published) show(this, t, t.mediaIds);
        if (published) this.#countVelocity(t, tagKeys(e.hashtags), e.at); // uses: added with the tweet
        this.versionCount++;
        if (published) this.#replyPublished(t, e.at, true);
        if (t.idempotencyKey !== null) this.rememberIdempotencyKey(t.id, t.authorId, t.idempotencyKey, t.createdAt);
        return;
      }
      case 'TweetEdited':
      case 'TweetReverted': {
        const t = this.#tweet(e.tweetId);
        const content = nextContent(t.content, e.body);
        const mediaIds = e.mediaIds.length === 0 ? NO_MEDIA : e.mediaIds;
        attach(this, mediaIds);
        // Version 1 was the tweet itself; now that the tweet changes it needs a record of its own.
        if (unedited(t)) t.newVersions = [firstVersion(t)];
        else if (t.newVersions === NO_VERSIONS) t.newVersions = [];
        const body = e.body.keyframe ? { keyframe: true as const, content } : e.body;
        t.newVersions.push({ kind: e.kind, at: e.at, contentHash: e.contentHash, mediaIds, body });
        t.versionCount++;
        this.versionCount++;
        const before = this.#searched(t) ? this.searchTerms(t) : undefined;
        const tagsBefore = t.state === 'published' ? tagsOf(t) : [];
        Object.assign(t, { content, contentHash: e.contentHash, mediaIds, editedAt: e.at, weightedLength: e.weightedLength, facts: packFacts(e) });
        if (before) this.search.change(t.ordinal, before, this.searchTerms(t));
        this.changes.texts.add(t.ordinal);
        if (t.state === 'published') this.#tagsChange(t, tagsBefore, tagKeys(e.hashtags), e.at);
        if (t.publishedAt !== null) t.editsSincePublish++;
        if (shownToAll(publishedVersion(t), t.versionCount)) show(this, t, mediaIds);
        return;
      }
      case 'TweetPublished':
        this.#moveTo(e.tweetId, 'published', (t) => {
          t.publishedAt = e.at;
          t.editsSincePublish = 0;
          show(this, t, t.mediaIds);
          this.#tagsArrive(t, tagsOf(t), e.at);
          this.#replyPublished(t, e.at, true);
        });
        return;
      case 'TweetArchived':
        this.#moveTo(e.tweetId, 'archived', (t) => {
          reshow(this, t.id, -1);
          this.#addUses(t, tagsOf(t), -1);
          this.#replyPublished(t, e.at, false, -1);
        });
        return;
      case 'TweetRestored':
        this.#moveTo(e.tweetId, 'published', (t) => {
          reshow(this, t.id, 1);
          this.#addUses(t, tagsOf(t), 1); // uses come back; velocity was counted when they first came
          this.#replyPublished(t, e.at, false);
        });
        return;
      case 'Liked':
      case 'Retweeted': {
        const t = this.#tweet(e.tweetId);
        const kind = e.type === 'Liked' ? 'likes' : 'retweets';
        (t[kind] ??= new Set()).add(this.userIdOf(e.userId));
        if (e.velocity !== false) this.#bump(t, kind, e.at, 1);
        return;
      }
      case 'Unliked':
      case 'Unretweeted': {
        const t = this.#tweet(e.tweetId);
        const kind = e.type === 'Unliked' ? 'likes' : 'retweets';
        t[kind]?.delete(e.userId);
        this.#takeBack(t.id, this.userIdOf(e.userId), kind);
        return;
      }
      case 'ViewsCounted': {
        const t = this.#tweet(e.tweetId);
        t.views += e.n;
        if (!live) this.#bump(t, 'views', e.at, e.n);
        else {
          t.pendingViews = Math.max(0, t.pendingViews - e.n);
          if (t.pendingViews === 0) this.pendingViews.delete(t.id);
        }
        return;
      }
    }
  }

  /** Whether the user took back a like or a retweet (`kind`) of the tweet. */
  tookBack(tweetId: string, userId: string, kind: TakenBackKind): boolean {
    return this.takenBack.get(tweetId)?.[kind]?.has(userId) ?? false;
  }

  /** A user's id by ordinal (registration order), as the users map holds it. */
  userIdAt(ordinal: number): string | undefined {
    return this.userOrder[ordinal]?.id;
  }

  addUser(u: UserRecord): void {
    this.users.set(u.id, u);
    this.userOrder.push(u);
    this.userIdsByName.set(u.username.toLowerCase(), u.id);
  }

  /** Whether the tweet is still moving enough to be a topByVelocity candidate. */
  isHot(t: TweetRecord, now: number): boolean {
    return this.velocityScore(t, now) >= HOT_MIN_RATE;
  }

  /**
   * Registers a tweet in the indexes; `restored`: as the checkpoint being restored holds it (unchanged, and left to
   * buildTimelines).
   */
  addTweet(t: TweetRecord, restored = false): void {
    this.tweets.add(t);
    if (restored) return;
    this.changes.tweets.add(t.ordinal);
    this.changes.texts.add(t.ordinal);
    if (this.search.size === t.ordinal) this.#index(t);
    if (this.#timelined === t.ordinal) {
      this.timelines.add(t);
      this.#timelined++;
    }
  }

  get timelinesReady(): boolean {
    return this.#timelined === this.tweets.size;
  }

  /**
   * Adds up to `count` more tweets (in creation order, as they are now) to the timelines, or fewer if some ids do
   * not ascend (each of those moves a list: it costs as much as `count / 4` others); false once all are in.
   */
  buildTimelines(count: number): boolean {
    for (let budget = count; budget > 0 && this.#timelined < this.tweets.size; this.#timelined++) {
      budget -= this.timelines.add(this.tweets.entryAt(this.#timelined)!) ? 1 : count / 4;
    }
    return !this.timelinesReady;
  }

  get searchReady(): boolean {
    return this.search.size === this.tweets.size;
  }

  /**
   * Adds up to `count` more tweets (in creation order, as they are now) to the search index and their hashtags to
   * the uses; false once all are in. A tweet in columns is read whole (its details file read now if it was not yet).
   */
  buildSearch(count: number): boolean {
    for (let i = 0; i < count && !this.searchReady; i++) this.#index(this.tweets.read(this.search.size, false)!);
    return !this.searchReady;
  }

  /**
   * Decodes the words in text order of the next restored chunk that has them encoded (SearchIndex.decodeNext);
   * undefined once none is left. A chunk that does not hold together keeps none (its phrases are matched against the
   * texts), and the next checkpoint writes its search columns again from the texts.
   */
  decodeWords(): DecodedWords | undefined {
    const decoded = this.search.decodeNext();
    if (decoded?.error) this.analyseAgain(decoded.first);
    return decoded;
  }

  /** The next checkpoint writes the search columns of the tweet's chunk again, from the texts (as if one had changed). */
  analyseAgain(ordinal: number): void {
    this.changes.tweets.add(ordinal);
    this.changes.texts.add(ordinal);
  }

  /** What the search index holds of the tweet as it is. */
  searchTerms(t: Pick<TweetRecord, 'authorId' | 'content' | 'facts'>): TweetTerms {
    const facts = unpackFacts(t.facts);
    return tweetTerms(this.users.get(t.authorId)!.username, t.content, facts.hashtags, facts.mentions);
  }

  /** Tweet `tweetId` was created by `authorId` with idempotency key `key` at `at`. */
  rememberIdempotencyKey(tweetId: string, authorId: string, key: string, at: number): void {
    const k = idempotencyKeyOf(authorId, key);
    this.idempotency.delete(k); // re-inserted at the end: the map stays in time order
    this.idempotency.set(k, { tweetId, at });
  }

  /** Makes `t` a topByVelocity candidate if it is still moving. */
  noteVelocity(t: TweetRecord, now: number): void {
    if (this.isHot(t, now)) this.ranking.add(t.ordinal);
  }

  /** Views seen by this process: counted and bumped at once, journaled later as ViewsCounted. */
  countViews(tweetId: string, n: number, at: number, bump = true): void {
    const t = this.#tweet(tweetId);
    t.pendingViews += n;
    this.pendingViews.add(tweetId);
    if (bump) this.#bump(t, 'views', at, n);
  }

  bumpVelocity(t: TweetRecord, kind: EngagementKind, at: number, n: number): void {
    this.#bump(t, kind, at, n);
  }

  /** What the author last used the key for, unless that expired (expired keys are dropped first). */
  rememberedKey(authorId: string, key: string, now: number): RememberedKey | undefined {
    for (const [k, entry] of this.idempotency) {
      if (entry.at + IDEMPOTENCY_TTL_MS > now) break;
      this.idempotency.delete(k);
    }
    return this.idempotency.get(idempotencyKeyOf(authorId, key));
  }

  velocityScore(t: Pick<TweetRecord, 'velocity'>, now: number): number {
    return velocityScore(t.velocity, now);
  }

  /**
   * The published tweets moving fastest at `now`, at most `limit` (≤ RANKED); null when the ranking must scan first
   * (ranking.scanSome: the store runs it in slices).
   */
  topByVelocity(limit: number, now: number): { tweetId: string; score: number }[] | null {
    const top = this.ranking.top(limit, now)?.map((o) => ({ tweetId: this.tweets.idAt(o)!, score: this.velocityScore({ velocity: this.tweets.velocityAt(o) }, now) }));
    // ranked by level, which orders as the scores do; sorted by score too, so rounding cannot swap two in the answer
    return top ? top.sort(byVelocityScore) : null;
  }

  /** The user's id as the users map holds it: one string for all the tweets and engagements that name the user. */
  userIdOf(id: string): string {
    return this.users.get(id)?.id ?? id;
  }

  /** Whether the tweet is in the search index and its hashtags in the uses (see buildSearch). */
  #searched(t: TweetRecord): boolean {
    return t.ordinal < this.search.size;
  }

  /** The next tweet into the search index, and its hashtags into the uses if it is published. */
  #index(t: TweetRecord): void {
    this.search.add(t.ordinal, this.searchTerms(t));
    if (t.state === 'published') this.#addUses(t, tagsOf(t), 1);
  }

  #addUses(t: TweetRecord, tags: readonly string[], delta: number): void {
    if (this.#searched(t)) for (const tag of tags) this.hashtags.addUses(tag, delta);
  }

  /** Hashtags come onto a published tweet (it is published with them, or an edit adds them): uses, and velocity. */
  #tagsArrive(t: TweetRecord, tags: readonly string[], at: number): void {
    this.#addUses(t, tags, 1);
    this.#countVelocity(t, tags, at);
  }

  /** Velocity counts every event (also while the uses are being built: buildSearch). */
  #countVelocity(t: TweetRecord, tags: readonly string[], at: number): void {
    for (const tag of tags) this.hashtags.countUse(tag, t.authorId, at);
  }

  /** A published tweet's hashtags went from `before` to `after`. */
  #tagsChange(t: TweetRecord, before: readonly string[], after: readonly string[], at: number): void {
    this.#addUses(t, before.filter((tag) => !after.includes(tag)), -1);
    this.#tagsArrive(t, after.filter((tag) => !before.includes(tag)), at);
  }

  #takeBack(tweetId: string, userId: string, kind: TakenBackKind): void {
    let users = this.takenBack.get(tweetId);
    if (!users) this.takenBack.set(tweetId, (users = {}));
    (users[kind] ??= new Set()).add(userId);
  }

  /** The tweet an event changes. */
  #tweet(id: string): TweetRecord {
    const t = this.tweets.get(id);
    if (!t) throw new Error(`event for unknown tweet ${id}`);
    this.#touch(t);
    return t;
  }

  #touch(t: TweetRecord): void {
    this.beforeTweetChange?.(t);
    this.changes.tweets.add(t.ordinal);
  }

  #moveTo(id: string, state: TweetRecord['state'], then: (t: TweetRecord) => void): void {
    const t = this.#tweet(id);
    const timelined = t.ordinal < this.#timelined; // if not, buildTimelines adds it as it will be
    if (timelined) this.timelines.remove(t);
    t.state = state;
    if (timelined) this.timelines.add(t);
    if (state === 'published' && t.velocity !== null) this.ranking.add(t.ordinal); // ranked again (it was dropped meanwhile)
    then(t);
  }

  /** A reply that becomes (or stops being) published moves its parent's reply count; a new reply also bumps velocity. */
  #replyPublished(t: TweetRecord, at: number, isNew: boolean, delta = 1): void {
    const parent = t.replyToId === null ? undefined : this.tweets.get(t.replyToId);
    if (!parent) return;
    this.#touch(parent);
    parent.replies += delta;
    if (isNew) this.#bump(parent, 'replies', at, 1);
  }

  #bump(t: TweetRecord, kind: EngagementKind, at: number, n: number): void {
    this.#touch(t);
    (t.velocity ??= {})[kind] = bumpRate(t.velocity[kind], at, n);
    this.ranking.add(t.ordinal);
  }
}

/** The hashtags of the tweet's current version, as tag keys. */
function tagsOf(t: TweetRecord): string[] {
  return tagKeys(unpackFacts(t.facts).hashtags);
}

export function idempotencyKeyOf(authorId: string, key: string): string {
  return `${authorId}\u0000${key}`;
}

/**
 * Changed since the last checkpoint: tweets and hashtags by ordinal; users, sessions and media as whole tables (they
 * are small).
 */
export class ChangeSet {
  readonly tweets = new Set<number>();
  /** Tweets created or whose text changed: their chunk's search columns are made again, the others' reused. */
  readonly texts = new Set<number>();
  /** The size of the search index's dictionary when the last checkpoint took it: its later terms are new. */
  termsFrom = 0;
  readonly tags = new Set<number>();
  users = false;
  sessions = false;
  media = false;
}

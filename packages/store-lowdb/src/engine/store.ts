// The embedded engine's port adapter: commands are decided by the engine-neutral rules against the projection's
// records and applied to the projection synchronously (so the event loop serialises them), then made durable by the
// journal; a command resolves, and subscribers hear of its event, only once it is durable. Its other jobs are parts of
// their own: reading checkpoint details late (details.ts), decoding the search index's words in text order late
// (forward-index.ts), checkpoints (checkpointer.ts), the rebuild after a storage
// failure (rebuild.ts), views in batches (views.ts).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { InvalidInput, NotFound, StorageUnavailable, type Engagement, type Media, type Tweet, type TweetVersion, type User } from '@tweetstore/core';
import {
  checkPageLimit,
  decideAlt,
  decideCloseSession,
  decideCreate,
  decideEdit,
  decideEngage,
  decideOpenSession,
  decideRegister,
  decideRevert,
  decideTransition,
  decideUpload,
  existing,
  firstVisibleVersion,
  mediaAccess,
  mediaView,
  publishedVersion,
  tagTerm,
  TRENDING_TAGS,
  userView,
  versionsView,
  visibleTo,
  type CreateTweet,
  type Credentials,
  type EditTweet,
  type Engage,
  type EventDraft,
  type HashtagTrend,
  type ListTweets,
  type MediaAccess,
  type RecordMedia,
  type RegisterUser,
  type RevertTweet,
  type RuleContext,
  type SearchPage,
  type SearchQuery,
  type SearchTweets,
  type Session,
  type StoreEvent,
  type StoreStats,
  type Thread,
  type ThreadQuery,
  type TransitionTweet,
  type TweetPage,
  type TweetStore,
  type VelocityEntry,
} from '@tweetstore/store';
import type { CheckpointStore } from '../checkpoint/checkpoints.ts';
import { HistoryFiles } from '../checkpoint/histories.ts';
import type { DataDirLock } from '../data-dir/lock.ts';
import type { ExportSource } from '../export/source.ts';
import { LowdbEventFeed } from '../feed/event-feed.ts';
import { EventLog } from '../feed/event-log.ts';
import type { EventRing } from '../feed/event-ring.ts';
import type { Journal } from '../journal/index.ts';
import type { ResolvedOptions } from '../options.ts';
import { sweepableMedia } from '../projection/media.ts';
import type { Projection } from '../projection/projection.ts';
import type { TweetRecord } from '../projection/records.ts';
import { findMatches, topMatches } from '../projection/search.ts';
import { threadIds } from '../projection/thread.ts';
import { RANKED } from '../projection/velocity-ranking.ts';
import { pauseEvery, SLICE_MS } from '../checkpoint/turns.ts';
import { Checkpointer } from './checkpointer.ts';
import { DetailsReader } from './details.ts';
import { ForwardIndexDecoding } from './forward-index.ts';
import { Rebuild } from './rebuild.ts';
import type { Recovered } from './recover.ts';
import { edgesOf, engagementOf, tweetOf } from './rule-inputs.ts';
import { EngineState } from './state.ts';
import { ViewBatches } from './views.ts';

/** Tweets added to the timelines between looks at the clock while they are built after a restart (~0.25 ms). */
const TIMELINES_PER_STEP = 250;
/** Candidates the velocity ranking's pass reads per turn of the event loop (a few ms). */
const RANKING_SLICE = 5_000;
/** Tweets added to the search index per event-loop turn while it is built after a restart from an older checkpoint. */
const SEARCH_PER_TURN = 250;
/** The search index's build logs its progress every this many tweets. */
const SEARCH_PROGRESS_EVERY = 100_000;

/** What open.ts found and opened for the store. */
export interface Opened {
  o: ResolvedOptions;
  journal: Journal;
  checkpoints: CheckpointStore;
  recovered: Recovered;
  ring: EventRing;
  lock: DataDirLock;
}

export class LowdbTweetStore implements TweetStore {
  readonly engine = 'lowdb';
  readonly events: LowdbEventFeed;
  readonly #state: EngineState;
  readonly #o: ResolvedOptions;
  /** Versions that checkpoints stored, read back on demand. */
  readonly #histories: HistoryFiles;
  readonly #details: DetailsReader;
  readonly #checkpointer: Checkpointer;
  readonly #views: ViewBatches;
  readonly #rebuild: Rebuild;
  readonly #lock: DataDirLock;
  #closing: Promise<void> | undefined;
  /** The timelines being built (#timelinesBuilt). */
  #timelines: Promise<void> | undefined;
  /** The search index being built, for the projection it is built in. */
  #searchBuild: { p: Projection; done: Promise<void> } | undefined;

  constructor(
    readonly storeId: string,
    { o, journal, checkpoints, recovered, ring, lock }: Opened,
  ) {
    this.#o = o;
    this.#lock = lock;
    const log = new EventLog(journal, recovered.projection.seq, ring, {
      onDurable: () => this.#checkpointer.eventDurable(),
      onFailure: (error) => this.#rebuild.failed(error),
      onSettled: () => void this.#rebuild.start(),
    }, o.logger);
    const state = (this.#state = new EngineState(recovered.projection, log, checkpoints, o));
    this.events = new LowdbEventFeed(log, ring);
    this.#histories = new HistoryFiles(checkpoints);
    this.#details = new DetailsReader(state);
    this.#checkpointer = new Checkpointer(state, this.#histories, recovered);
    this.#views = new ViewBatches(state, (draft, at) => this.#commit(draft, at, () => undefined));
    const decoding = new ForwardIndexDecoding(state);
    this.#rebuild = new Rebuild(state, this.#checkpointer, this.#views, decoding);
    setImmediate(() => void this.#timelinesBuilt());
    if (!state.p.searchReady) setImmediate(() => void this.#searchBuilt().catch(() => {})); // a search waiting for it gets the error
    if (o.readDetailsInBackground) void this.#details.readAll();
    decoding.start();
    void this.events.refill(recovered.checkpoint?.seq ?? 0, o.retainEvents, o.logger, () => state.closing);
  }

  /**
   * A projection restored from a checkpoint without the search index (format 4 or older) builds it once the store is
   * open, a slice per event-loop turn, reading the details files as it goes; a search, a list by hashtag and the
   * trends wait for it. (A rebuild after a failure may replace the projection meanwhile: the new one is built then.)
   */
  async #searchBuilt(): Promise<void> {
    while (!this.#state.p.searchReady) {
      if (this.#state.closing) throw new StorageUnavailable('the store is closed');
      const p = this.#state.p;
      if (this.#searchBuild?.p !== p) this.#searchBuild = { p, done: this.#buildSearch(p) };
      await this.#searchBuild.done;
    }
  }

  async #buildSearch(p: Projection): Promise<void> {
    const { logger } = this.#o;
    const t0 = performance.now();
    logger.info({ tweets: p.tweets.size }, 'building the search index (the checkpoint has none)');
    let logged = p.search.size;
    while (!p.searchReady && this.#state.p === p && !this.#state.closing) {
      const from = p.search.size;
      const ids: string[] = [];
      for (let o = from; o < Math.min(from + SEARCH_PER_TURN, p.tweets.size); o++) ids.push(p.tweets.idAt(o)!);
      const reading = this.#details.beforeRead(...ids);
      if (reading) await reading;
      p.buildSearch(SEARCH_PER_TURN);
      if (p.search.size - logged >= SEARCH_PROGRESS_EVERY) {
        logged = p.search.size;
        logger.info({ indexed: logged, tweets: p.tweets.size }, 'building the search index');
      }
      await nextTurn();
    }
    if (p.searchReady) logger.info({ tweets: p.tweets.size, terms: p.search.termCount, ms: Math.round(performance.now() - t0) }, 'search index built');
  }

  /**
   * A restored projection builds its timelines once the store is open, in slices of the event loop of up to SLICE_MS
   * (not 1,000 tweets a turn: the turns between, each reading a details file, made a 1M store's first page wait ~0.4 s
   * longer); a page waits for them. One build, however many wait (a rebuild's new projection starts another).
   */
  #timelinesBuilt(): Promise<void> | undefined {
    if (this.#state.p.timelinesReady) return undefined;
    return (this.#timelines ??= this.#buildTimelines().finally(() => (this.#timelines = undefined)));
  }

  async #buildTimelines(): Promise<void> {
    const pause = pauseEvery(SLICE_MS);
    while (this.#state.p.buildTimelines(TIMELINES_PER_STEP)) await pause();
  }

  // --- users and sessions ---------------------------------------------------------------------------------------

  async registerUser(cmd: RegisterUser): Promise<User> {
    const ctx = this.#writeContext();
    const draft = decideRegister(ctx, cmd, this.#state.p.userIdsByName.has(cmd.username.toLowerCase()));
    return this.#commit(draft, ctx.now, () => userView(this.#state.p.users.get(draft.userId)!));
  }

  async getUser(id: string): Promise<User | null> {
    const u = this.#state.p.users.get(id);
    return u ? userView(u) : null;
  }

  async findCredentials(username: string): Promise<Credentials | null> {
    const id = this.#state.p.userIdsByName.get(username.toLowerCase());
    const u = id === undefined ? undefined : this.#state.p.users.get(id);
    return u ? { user: userView(u), passwordHash: u.passwordHash } : null;
  }

  async openSession(tokenHash: string, session: Session): Promise<void> {
    const ctx = this.#writeContext();
    await this.#commit(decideOpenSession(tokenHash, session, this.#state.p.users.get(session.userId)), ctx.now, () => undefined);
  }

  async findSession(tokenHash: string): Promise<Session | null> {
    const s = this.#state.p.sessions.get(tokenHash);
    return s && s.expiresAt > this.#o.clock.now() ? { userId: s.userId, expiresAt: new Date(s.expiresAt) } : null;
  }

  async closeSession(tokenHash: string): Promise<void> {
    const ctx = this.#writeContext();
    const draft = decideCloseSession(tokenHash, this.#state.p.sessions.has(tokenHash));
    await (draft ? this.#commit(draft, ctx.now, () => undefined) : this.#settled());
  }

  // --- media -----------------------------------------------------------------------------------------------------

  async recordMedia(cmd: RecordMedia): Promise<Media> {
    const ctx = this.#writeContext();
    if (!this.#state.p.users.has(cmd.userId)) throw new NotFound('user', cmd.userId);
    const { id, ...rest } = cmd;
    const draft = decideUpload({ ...rest, mediaId: id }, this.#state.p.media.get(id));
    const answer = () => mediaView(this.#state.p.media.get(id)!, cmd.userId);
    if (draft) return this.#commit(draft, ctx.now, answer);
    await this.#settled();
    return answer();
  }

  async claimMedia(id: string, userId: string, alt: string | null): Promise<Media | null> {
    const m = this.#state.p.media.get(id);
    if (!m) return null;
    const { owners, attached, uploadedAt, shownBy, publicIn, id: _, ...facts } = m;
    return this.recordMedia({ ...facts, id, userId, alt });
  }

  async getMedia(id: string, viewerId: string | null): Promise<Media | null> {
    const m = this.#state.p.media.get(id);
    return m ? mediaView(m, viewerId) : null;
  }

  async mediaAccess(id: string, viewerId: string | null): Promise<MediaAccess> {
    const m = this.#state.p.media.get(id);
    return mediaAccess(m, (m?.publicIn ?? 0) > 0, viewerId);
  }

  async setMediaAlt(id: string, userId: string, alt: string): Promise<Media> {
    const ctx = this.#writeContext();
    const draft = decideAlt(this.#state.p.media.get(id), id, userId, alt);
    const answer = () => mediaView(this.#state.p.media.get(id)!, userId);
    if (draft) return this.#commit(draft, ctx.now, answer);
    await this.#settled();
    return answer();
  }

  async sweepMedia(uploadedBefore: number, limit: number): Promise<string[]> {
    const ids = sweepableMedia(this.#state.p, uploadedBefore).slice(0, limit);
    const removed: Promise<void>[] = [];
    for (const mediaId of ids) {
      const ctx = this.#writeContext();
      removed.push(this.#commit({ type: 'MediaRemoved', mediaId }, ctx.now, () => undefined));
    }
    await Promise.all(removed);
    return ids;
  }

  // --- tweets -----------------------------------------------------------------------------------------------------

  createTweet(cmd: CreateTweet): Promise<Tweet> {
    return this.#details.beforeWrite(cmd.replyToId, () => this.#createTweet(cmd));
  }

  async #createTweet(cmd: CreateTweet): Promise<Tweet> {
    const ctx = this.#writeContext();
    const p = this.#state.p;
    const key = cmd.idempotencyKey ?? null;
    const decided = decideCreate(ctx, cmd, {
      author: p.users.get(cmd.authorId),
      remembered: key === null ? undefined : p.rememberedKey(cmd.authorId, key, ctx.now),
      parent: cmd.replyToId ? p.tweets.readById(cmd.replyToId) : undefined,
      media: p.media,
    });
    if ('existing' in decided) {
      // The first request may still wait for its fsync: answer only once it is durable.
      await this.#settled();
      return this.#view(this.#state.p.tweets.readById(decided.existing)!, cmd.authorId);
    }
    return this.#commit(decided, ctx.now, () => this.#view(this.#state.p.tweets.readById(decided.tweetId)!, cmd.authorId, ctx.now));
  }

  async getTweet(id: string, viewerId: string | null): Promise<Tweet | null> {
    const reading = this.#details.beforeRead(id);
    if (reading) await reading;
    const t = this.#state.p.tweets.readById(id); // a read makes no record: most tweets of a large store are only ever read
    return t && visibleTo(t, viewerId) ? this.#view(t, viewerId) : null;
  }

  async listTweets(q: ListTweets): Promise<TweetPage> {
    checkPageLimit(q.limit);
    if (q.hashtag !== undefined) return this.#listTagged(q);
    await this.#timelinesBuilt();
    let ids = this.#state.p.timelines.page(q);
    const reading = this.#details.beforeRead(...ids.slice(0, q.limit));
    if (reading) {
      await reading;
      ids = this.#state.p.timelines.page(q); // the page as it is now
    }
    const now = this.#o.clock.now();
    const items = ids.slice(0, q.limit).map((id) => this.#view(this.#state.p.tweets.readById(id)!, q.viewerId, now));
    return { items, nextBeforeId: ids.length > q.limit ? items.at(-1)!.id : null };
  }

  /** Published tweets whose current version carries the hashtag, from the search index's `#tag` term. */
  async #listTagged(q: ListTweets): Promise<TweetPage> {
    await this.#searchBuilt();
    const p = this.#state.p;
    const author = q.authorId ? p.users.get(q.authorId) : undefined;
    const parent = q.replyToId ? p.tweets.idOf(q.replyToId) : undefined;
    if ((q.authorId && !author) || (q.replyToId && !parent)) return { items: [], nextBeforeId: null };
    const query: SearchQuery = { must: [{ terms: [tagTerm(q.hashtag!)], prefixLast: false }], from: author ? [author.username.toLowerCase()] : [], not: [], notFrom: [] };
    const bound = q.beforeId === undefined ? p.tweets.size : p.tweets.ordinalBefore(q.beforeId);
    const found = await findMatches(p, query, bound, q.limit + 1, parent ? (o) => p.tweets.entryAt(o)!.replyToId === parent : undefined);
    const { items, next } = await this.#page(p, found, q.limit, q.viewerId);
    return { items, nextBeforeId: next };
  }

  async searchTweets(q: SearchTweets): Promise<SearchPage> {
    checkPageLimit(q.limit);
    const offset = q.offset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidInput(`offset must be a non-negative integer, got ${q.offset}`);
    await this.#searchBuilt();
    const p = this.#state.p;
    if (q.sort === 'top') {
      const ranked = await topMatches(p, q.query, this.#o.clock.now());
      const { items } = await this.#page(p, ranked.slice(offset, offset + q.limit), q.limit, q.viewerId);
      return { items, next: offset + q.limit < ranked.length ? { offset: offset + q.limit } : null };
    }
    const bound = q.beforeId === undefined ? p.tweets.size : p.tweets.ordinalBefore(q.beforeId);
    const { items, next } = await this.#page(p, await findMatches(p, q.query, bound, q.limit + 1), q.limit, q.viewerId);
    return { items, next: next === null ? null : { beforeId: next } };
  }

  async trendingHashtags(limit: number): Promise<HashtagTrend[]> {
    await this.#searchBuilt();
    const now = this.#o.clock.now();
    const n = Math.max(0, Math.min(Math.floor(limit), TRENDING_TAGS));
    return this.#ranked(
      (p) => p.hashtags.trending(n, now),
      (p) => p.hashtags.scanSome(RANKING_SLICE, now),
    );
  }

  /**
   * The tweets of the first `limit` ordinals found in `p` (one more means there are more: `next` is the last one's
   * id), as the viewer sees them now; their details files are read first if they were not yet.
   */
  async #page(p: Projection, found: readonly number[], limit: number, viewerId: string | null): Promise<{ items: Tweet[]; next: string | null }> {
    const ids = found.slice(0, limit).map((o) => p.tweets.idAt(o)!);
    const reading = this.#details.beforeRead(...ids);
    if (reading) await reading;
    const now = this.#o.clock.now();
    const items: Tweet[] = [];
    for (const id of ids) {
      const t = this.#state.p.tweets.readById(id); // the projection as it is now (a rebuild may have replaced it)
      if (t && t.state === 'published') items.push(this.#view(t, viewerId, now));
    }
    return { items, next: found.length > limit ? ids.at(-1)! : null };
  }

  async getThread(q: ThreadQuery): Promise<Thread> {
    checkPageLimit(q.limit);
    await this.#timelinesBuilt();
    let ids = threadIds(this.#state.p.tweets, this.#state.p.timelines, q);
    const reading = ids && this.#details.beforeRead(q.id, ...ids.ancestors, ...ids.replies.slice(0, q.limit));
    if (reading) {
      await reading;
      ids = threadIds(this.#state.p.tweets, this.#state.p.timelines, q); // the thread as it is now
    }
    if (!ids) throw new NotFound('tweet', q.id);
    const now = this.#o.clock.now();
    const view = (id: string) => this.#view(this.#state.p.tweets.readById(id)!, q.viewerId, now);
    const replies = ids.replies.slice(0, q.limit).map(view);
    return { ancestors: ids.ancestors.map(view), tweet: view(q.id), replies, nextAfterId: ids.replies.length > q.limit ? replies.at(-1)!.id : null };
  }

  editTweet(cmd: EditTweet): Promise<Tweet> {
    return this.#details.beforeWrite(cmd.id, async () => {
      const ctx = this.#writeContext();
      return this.#changeTweet(cmd.id, cmd.actorId, ctx.now, decideEdit(ctx, this.#state.p.tweets.readById(cmd.id), cmd, this.#state.p.media));
    });
  }

  async revertTweet(cmd: RevertTweet): Promise<Tweet> {
    this.#writeContext();
    // The history is read first; decided on only if no version came meanwhile (the command sees one state).
    let versions;
    do versions = await this.#histories.versions(this.#existing(cmd.id));
    while (versions.length !== this.#existing(cmd.id).versionCount);
    const ctx = this.#writeContext();
    return this.#changeTweet(cmd.id, cmd.actorId, ctx.now, decideRevert(ctx, this.#state.p.tweets.readById(cmd.id), cmd, versions));
  }

  transitionTweet(cmd: TransitionTweet): Promise<Tweet> {
    return this.#details.beforeWrite(cmd.id, async () => {
      const ctx = this.#writeContext();
      return this.#changeTweet(cmd.id, cmd.actorId, ctx.now, decideTransition(this.#state.p.tweets.readById(cmd.id), cmd));
    });
  }

  async listVersions(id: string, viewerId: string | null): Promise<TweetVersion[]> {
    const reading = this.#details.beforeRead(id);
    if (reading) await reading;
    const versions = await this.#histories.versions(this.#existing(id));
    // who may see which is decided on the tweet as it is once its history is read
    const t = this.#existing(id);
    const from = firstVisibleVersion({ authorId: t.authorId, state: t.state, publishedVersion: publishedVersion(t) }, viewerId);
    if (from === null) throw new NotFound('tweet', id);
    return versionsView(versions, t.authorId, this.#state.p.media, from);
  }

  engage(cmd: Engage): Promise<Engagement> {
    return this.#details.beforeWrite(cmd.id, () => this.#engage(cmd));
  }

  async #engage(cmd: Engage): Promise<Engagement> {
    const ctx = this.#writeContext();
    const decided = decideEngage(this.#state.p.tweets.readById(cmd.id), cmd, edgesOf(this.#state.p, cmd.id, cmd.userId));
    const engagement = () => engagementOf(this.#state.p.tweets.readById(cmd.id)!, cmd.userId, this.#o.clock.now());
    if (decided === 'view') {
      this.#views.count(cmd.id, ctx.now);
      return engagement();
    }
    if (decided === null) {
      await this.#settled();
      return engagement();
    }
    return this.#commit(decided, ctx.now, engagement);
  }

  async getEngagement(id: string, viewerId: string | null): Promise<Engagement> {
    const reading = this.#details.beforeRead(id);
    if (reading) await reading;
    const t = this.#existing(id);
    if (!visibleTo(t, viewerId)) throw new NotFound('tweet', id);
    return engagementOf(t, viewerId, this.#o.clock.now());
  }

  async topByVelocity(limit: number): Promise<VelocityEntry[]> {
    const now = this.#o.clock.now();
    const n = Math.max(0, Math.min(Math.floor(limit), RANKED));
    return this.#ranked(
      (p) => p.topByVelocity(n, now),
      (p) => p.ranking.scanSome(RANKING_SLICE, now),
    );
  }

  /** A velocity ranking's answer; when it needs a pass over its candidates first, that pass in slices (`scanSome`). */
  async #ranked<T>(answer: (p: Projection) => T[] | null, scanSome: (p: Projection) => boolean): Promise<T[]> {
    for (;;) {
      const p = this.#state.p; // a rebuild may swap it between slices
      const top = answer(p);
      if (top) return top;
      // a pass over every candidate, in slices with a turn of the event loop between them
      while (!scanSome(p)) await nextTurn();
    }
  }

  /** @internal for the export (export/): the engine's state, and its readers of what is on disk, as they are now. */
  exportSource(): ExportSource {
    return { storeId: this.storeId, dataDir: this.#o.dataDir, clock: this.#o.clock, state: this.#state, histories: this.#histories, details: this.#details };
  }

  // --- stats, writable, close -------------------------------------------------------------------------------------

  async stats(): Promise<StoreStats> {
    const { p, log, journal } = this.#state;
    return {
      engine: this.engine,
      users: p.users.size,
      tweets: p.tweets.size,
      versions: p.versionCount,
      sessions: p.sessions.size,
      media: p.media.size,
      headSeq: log.head,
      oldestRetainedSeq: this.events.oldestRetained(),
      details: {
        journalBytes: journal.bytes(),
        checkpointBytes: this.#checkpointer.bytes,
        checkpointSeq: this.#checkpointer.seq,
        /** Tweets held in columns, without a record on the heap (restored or checkpointed, not changed since). */
        tweetsInColumns: p.tweets.size - p.tweets.records,
        /** The search index: distinct terms, and (term, tweet) pairs; tweets in it (all once it is built). */
        searchTerms: p.search.termCount,
        searchPostings: p.search.postingCount,
        searchIndexed: p.search.size,
        /** Tweets whose words in text order the index has (a phrase is matched without reading their text). */
        searchWordsIndexed: p.search.sequenced,
        hashtags: p.hashtags.size,
      },
    };
  }

  async writable(): Promise<boolean> {
    return !this.#state.closing && this.#state.healthy();
  }

  /** A checkpoint of everything, then the retention rule applied to what is on disk (`tweetstore compact`). */
  compact(): Promise<void> {
    return this.#checkpointer.compact();
  }

  /** Flush pending views, write a checkpoint, close files. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const state = this.#state;
    state.closing = true;
    this.#checkpointer.stop();
    this.#views.stop();
    await this.#rebuild.settled();
    if (state.healthy()) await this.#views.flush();
    await this.#checkpointer.settled();
    await state.journal.flush().catch(() => {});
    if (state.healthy()) await this.#checkpointer.write();
    await state.journal.close();
    await this.#lock.release();
  }

  // --- write path -------------------------------------------------------------------------------------------------

  #writeContext(): RuleContext {
    if (this.#state.closing) throw new StorageUnavailable('the store is closed');
    if (!this.#state.healthy()) throw this.#rebuild.refusal();
    const o = this.#o;
    const now = o.clock.now();
    return { now, policy: o.policy, keyframeInterval: o.keyframeInterval, newId: () => o.ids(now) };
  }

  /** The tweet, to decide on or show: a copy if it is in columns (a record is made only when an event changes it). */
  #existing(id: string): TweetRecord {
    return existing(this.#state.p.tweets.readById(id), id);
  }

  /** Applies the event at once, computes the answer as of right after it, and resolves with it once durable. */
  #commit<T>(draft: EventDraft, at: number, answer: () => T): Promise<T> {
    const { p, log } = this.#state;
    const event = { ...draft, seq: p.seq + 1, at } as StoreEvent;
    p.apply(event, true);
    const value = answer();
    return log.append(event).then(() => value, () => this.#rebuild.refuse());
  }

  /** For answers that changed nothing: resolve once everything they may have seen is durable. */
  #settled(): Promise<void> {
    return this.#state.log.waitDurable(this.#state.p.seq).catch(() => this.#rebuild.refuse());
  }

  async #changeTweet(id: string, viewerId: string, now: number, draft: EventDraft | null): Promise<Tweet> {
    if (draft) return this.#commit(draft, now, () => this.#view(this.#state.p.tweets.readById(id)!, viewerId, now));
    await this.#settled();
    return this.#view(this.#state.p.tweets.readById(id)!, viewerId);
  }

  #view(t: TweetRecord, viewerId: string | null, now = this.#o.clock.now()): Tweet {
    return tweetOf(this.#state.p, t, viewerId, now, this.#o.policy);
  }
}

// The embedded engine: commands are decided and applied to the in-memory projection synchronously (so the event
// loop serialises them), then made durable by the journal; a command resolves, and subscribers hear of its event,
// only once it is durable. Checkpoints are lowdb files; see ./checkpoints.ts and ./recovery.ts.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { InvalidInput, NotFound, StorageUnavailable, type Engagement, type Media, type Tweet, type TweetVersion, type User } from '@tweetstore/core';
import {
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
  engagementView,
  existing,
  firstVisibleVersion,
  mediaAccess,
  mediaView,
  publishedVersion,
  tweetView,
  userView,
  versionsView,
  visibleTo,
  type CreateTweet,
  type Credentials,
  type EditTweet,
  type Engage,
  type EngagementEdges,
  type EngagementState,
  type EventDraft,
  type ListTweets,
  type MediaAccess,
  type RecordMedia,
  type RegisterUser,
  type RevertTweet,
  type RuleContext,
  type Session,
  type StoreEvent,
  type StoreStats,
  type TransitionTweet,
  type TweetPage,
  type TweetStore,
  type VelocityEntry,
} from '@tweetstore/store';
import { JournalError, openJournal, type Journal } from '../journal/index.ts';
import type { EventRing } from '../feed/event-ring.ts';
import { unpackFacts } from '../projection/facts.ts';
import { sweepableMedia } from '../projection/media.ts';
import { takenBackKey, type Projection } from '../projection/projection.ts';
import type { CheckpointFileRef, TweetRecord } from '../projection/records.ts';
import { CheckpointCapture } from '../checkpoint/format/snapshot.ts';
import { RANKED } from '../projection/velocity-ranking.ts';
import { FORMAT, type CheckpointInfo, type CheckpointStore } from '../checkpoint/checkpoints.ts';
import { HistoryFiles } from '../checkpoint/histories.ts';
import type { DataDirLock } from '../data-dir/lock.ts';
import { LowdbEventFeed } from '../feed/event-feed.ts';
import { EventLog, unavailable } from '../feed/event-log.ts';
import { journalOptions, type ResolvedOptions } from '../options.ts';
import { recover, type Recovered } from './recover.ts';

/** Tweets added to the timelines per event-loop turn while they are built after a restart (a few ms). */
const TIMELINES_PER_TURN = 1000;
/** Candidates the velocity ranking's pass reads per turn of the event loop (a few ms). */
const RANKING_SLICE = 5_000;

export class LowdbTweetStore implements TweetStore {
  readonly engine = 'lowdb';
  readonly events: LowdbEventFeed;
  #p: Projection;
  #journal: Journal;
  readonly #log: EventLog;
  /** The newest durable checkpoint, and the one before it (kept so a corrupt newest one can fall back). */
  #checkpoint: CheckpointInfo | null;
  /** The checkpoint whose state the projection's change set is counted from (null: none; the next one writes all). */
  #base: CheckpointInfo | null;
  #previousCheckpoint: CheckpointInfo | null;
  /** Versions that checkpoints stored, read back on demand. */
  readonly #histories: HistoryFiles;
  #checkpointing: Promise<void> | undefined;
  #eventsSinceCheckpoint = 0;
  #rebuilding: Promise<void> | undefined;
  #lastFailure: unknown;
  /** Resolved once the projection no longer shows the writes refused since the last failure. */
  #dropped: { promise: Promise<void>; resolve(): void } | undefined;
  #closing: Promise<void> | undefined;
  #viewsTimer: NodeJS.Timeout | undefined;
  /** Details files being read (see #detailsRead). */
  readonly #detailsReads = new Map<CheckpointFileRef, Promise<void>>();
  /** Details files are parsed one per event-loop turn. */
  readonly #fills = new TurnQueue();
  /** Writes waiting for details to be read, each until it has decided (see #afterDetails). */
  readonly #writesWaiting = new Set<Promise<void>>();
  readonly #checkpointTimer: NodeJS.Timeout;

  constructor(
    readonly storeId: string,
    private readonly o: ResolvedOptions,
    journal: Journal,
    private readonly checkpoints: CheckpointStore,
    recovered: Recovered,
    private readonly ring: EventRing,
    private readonly lock: DataDirLock,
  ) {
    this.#p = recovered.projection;
    this.#checkpoint = recovered.checkpoint;
    this.#previousCheckpoint = recovered.previous;
    this.#histories = new HistoryFiles(checkpoints);
    this.#base = this.#reusable(recovered.checkpoint);
    this.#journal = journal;
    this.#log = new EventLog(journal, recovered.projection.seq, ring, {
      onDurable: () => this.#onDurable(),
      onFailure: (error) => this.#onFailure(error),
      onSettled: () => void this.#rebuild(),
    }, o.logger);
    this.events = new LowdbEventFeed(this.#log, ring);
    this.#checkpointTimer = setInterval(() => {
      if (this.#log.head > (this.#checkpoint?.seq ?? 0)) void this.#checkpointNow();
    }, o.checkpointIntervalMs).unref();
    setImmediate(() => void this.#timelinesBuilt());
    if (o.readDetailsInBackground) void this.#readDetails();
    void this.events.refill(recovered.checkpoint?.seq ?? 0, o.retainEvents, o.logger, () => this.#closing !== undefined);
  }

  /** A restored projection builds its timelines once the store is open, a slice per event-loop turn; a page waits for them. */
  async #timelinesBuilt(): Promise<void> {
    while (this.#p.buildTimelines(TIMELINES_PER_TURN)) await nextTurn();
  }

  /**
   * Reads the details files of these tweets that the checkpoint left unread, asynchronously: a call that needs them
   * waits for the read instead of the whole server waiting for a synchronous one (at 1M tweets, a burst of calls on
   * random tweets right after a restart stalled the event loop 230-330 ms). Undefined when nothing is to be read (the
   * call goes on in the same turn, as before). A read call first waits for the writes issued before it that are
   * waiting for details (#afterDetails), so it sees them. The domain still reads synchronously whatever is missing
   * when it gets there (a rebuild may have swapped the projection meanwhile).
   */
  #detailsRead(...ids: string[]): Promise<void> | undefined {
    const p = this.#p;
    // the common case (every details file read, no write waiting) allocates nothing
    let waits: Promise<void>[] | undefined = this.#writesWaiting.size > 0 ? [...this.#writesWaiting] : undefined;
    for (const id of ids) {
      const ref = p.tweets.pendingFor(id);
      if (ref) (waits ??= []).push(this.#readDetailsFile(p, ref)); // one read per file, however often it is named
    }
    return waits && Promise.all(waits).then(() => undefined);
  }

  /**
   * Runs `write` (which decides synchronously, up to its first await) once the details of tweet `id` are read, or at
   * once if they are. Read calls issued meanwhile wait until it has decided, so a call sees every write issued
   * before it, as when all reads were synchronous.
   */
  #afterDetails<T>(id: string | null | undefined, write: () => Promise<T>): Promise<T> {
    const p = this.#p;
    const ref = id ? p.tweets.pendingFor(id) : undefined;
    if (!ref) return write();
    let decided!: () => void;
    const gate = new Promise<void>((resolve) => (decided = resolve));
    this.#writesWaiting.add(gate);
    // a file that cannot be read fails the write below, with the domain's own synchronous read and its error
    return this.#readDetailsFile(p, ref)
      .catch(() => {})
      .then(() => {
        try {
          return write();
        } finally {
          this.#writesWaiting.delete(gate);
          decided();
        }
      });
  }

  /** One read per details file, however many calls wait for it. */
  #readDetailsFile(p: Projection, ref: CheckpointFileRef): Promise<void> {
    let reading = this.#detailsReads.get(ref);
    if (!reading) {
      reading = this.checkpoints.readBytes(ref).then(
        (bytes) =>
          // parsed one file per event-loop turn: reads finishing together would otherwise be parsed in one turn
          this.#fills.run(() => {
            this.#detailsReads.delete(ref);
            p.tweets.fill(ref, bytes);
          }),
        (error: unknown) => {
          this.#detailsReads.delete(ref);
          throw error;
        },
      );
      this.#detailsReads.set(ref, reading);
    }
    return reading;
  }

  /** Reads the details files the checkpoint left unread, one per event-loop turn (a tweet asked for first is read at once). */
  async #readDetails(): Promise<void> {
    try {
      for (;;) {
        await nextTurn();
        const p = this.#p;
        const next = p.tweets.nextPending();
        if (next === undefined || this.#closing) return;
        await this.#readDetailsFile(p, next);
      }
    } catch (error) {
      this.o.logger.error({ err: error }, 'a checkpoint details file cannot be read; its tweets fail to load when asked for');
    }
  }

  // --- users and sessions ---------------------------------------------------------------------------------------

  async registerUser(cmd: RegisterUser): Promise<User> {
    const ctx = this.#writeContext();
    const draft = decideRegister(ctx, cmd, this.#p.userIdsByName.has(cmd.username.toLowerCase()));
    return this.#commit(draft, ctx.now, () => userView(this.#p.users.get(draft.userId)!));
  }

  async getUser(id: string): Promise<User | null> {
    const u = this.#p.users.get(id);
    return u ? userView(u) : null;
  }

  async findCredentials(username: string): Promise<Credentials | null> {
    const id = this.#p.userIdsByName.get(username.toLowerCase());
    const u = id === undefined ? undefined : this.#p.users.get(id);
    return u ? { user: userView(u), passwordHash: u.passwordHash } : null;
  }

  async openSession(tokenHash: string, session: Session): Promise<void> {
    const ctx = this.#writeContext();
    await this.#commit(decideOpenSession(tokenHash, session, this.#p.users.get(session.userId)), ctx.now, () => undefined);
  }

  async findSession(tokenHash: string): Promise<Session | null> {
    const s = this.#p.sessions.get(tokenHash);
    return s && s.expiresAt > this.o.clock.now() ? { userId: s.userId, expiresAt: new Date(s.expiresAt) } : null;
  }

  async closeSession(tokenHash: string): Promise<void> {
    const ctx = this.#writeContext();
    const draft = decideCloseSession(tokenHash, this.#p.sessions.has(tokenHash));
    await (draft ? this.#commit(draft, ctx.now, () => undefined) : this.#settled());
  }

  // --- media -----------------------------------------------------------------------------------------------------

  async recordMedia(cmd: RecordMedia): Promise<Media> {
    const ctx = this.#writeContext();
    if (!this.#p.users.has(cmd.userId)) throw new NotFound('user', cmd.userId);
    const { id, ...rest } = cmd;
    const draft = decideUpload({ ...rest, mediaId: id }, this.#p.media.get(id));
    const answer = () => mediaView(this.#p.media.get(id)!, cmd.userId);
    if (draft) return this.#commit(draft, ctx.now, answer);
    await this.#settled();
    return answer();
  }

  async claimMedia(id: string, userId: string, alt: string | null): Promise<Media | null> {
    const m = this.#p.media.get(id);
    if (!m) return null;
    const { owners, attached, uploadedAt, shownBy, publicIn, id: _, ...facts } = m;
    return this.recordMedia({ ...facts, id, userId, alt });
  }

  async getMedia(id: string, viewerId: string | null): Promise<Media | null> {
    const m = this.#p.media.get(id);
    return m ? mediaView(m, viewerId) : null;
  }

  async mediaAccess(id: string, viewerId: string | null): Promise<MediaAccess> {
    const m = this.#p.media.get(id);
    return mediaAccess(m, (m?.publicIn ?? 0) > 0, viewerId);
  }

  async setMediaAlt(id: string, userId: string, alt: string): Promise<Media> {
    const ctx = this.#writeContext();
    const draft = decideAlt(this.#p.media.get(id), id, userId, alt);
    const answer = () => mediaView(this.#p.media.get(id)!, userId);
    if (draft) return this.#commit(draft, ctx.now, answer);
    await this.#settled();
    return answer();
  }

  async sweepMedia(uploadedBefore: number, limit: number): Promise<string[]> {
    const ids = sweepableMedia(this.#p, uploadedBefore).slice(0, limit);
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
    return this.#afterDetails(cmd.replyToId, () => this.#createTweet(cmd));
  }

  async #createTweet(cmd: CreateTweet): Promise<Tweet> {
    const ctx = this.#writeContext();
    const p = this.#p;
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
      return this.#view(this.#p.tweets.readById(decided.existing)!, cmd.authorId);
    }
    return this.#commit(decided, ctx.now, () => this.#view(this.#p.tweets.readById(decided.tweetId)!, cmd.authorId, ctx.now));
  }

  async getTweet(id: string, viewerId: string | null): Promise<Tweet | null> {
    const reading = this.#detailsRead(id);
    if (reading) await reading;
    const t = this.#p.tweets.readById(id); // a read makes no record: most tweets of a large store are only ever read
    return t && visibleTo(t, viewerId) ? this.#view(t, viewerId) : null;
  }

  async listTweets(q: ListTweets): Promise<TweetPage> {
    if (!Number.isSafeInteger(q.limit) || q.limit < 1) throw new InvalidInput(`limit must be a positive integer, got ${q.limit}`);
    await this.#timelinesBuilt();
    let ids = this.#p.timelines.page(q);
    const reading = this.#detailsRead(...ids.slice(0, q.limit));
    if (reading) {
      await reading;
      ids = this.#p.timelines.page(q); // the page as it is now
    }
    const now = this.o.clock.now();
    const items = ids.slice(0, q.limit).map((id) => this.#view(this.#p.tweets.readById(id)!, q.viewerId, now));
    return { items, nextBeforeId: ids.length > q.limit ? items.at(-1)!.id : null };
  }

  editTweet(cmd: EditTweet): Promise<Tweet> {
    return this.#afterDetails(cmd.id, async () => {
      const ctx = this.#writeContext();
      return this.#changeTweet(cmd.id, cmd.actorId, ctx.now, decideEdit(ctx, this.#p.tweets.readById(cmd.id), cmd, this.#p.media));
    });
  }

  async revertTweet(cmd: RevertTweet): Promise<Tweet> {
    this.#writeContext();
    // The history is read first; decided on only if no version came meanwhile (the command sees one state).
    let versions;
    do versions = await this.#histories.versions(this.#existing(cmd.id));
    while (versions.length !== this.#existing(cmd.id).versionCount);
    const ctx = this.#writeContext();
    return this.#changeTweet(cmd.id, cmd.actorId, ctx.now, decideRevert(ctx, this.#p.tweets.readById(cmd.id), cmd, versions));
  }

  transitionTweet(cmd: TransitionTweet): Promise<Tweet> {
    return this.#afterDetails(cmd.id, async () => {
      const ctx = this.#writeContext();
      return this.#changeTweet(cmd.id, cmd.actorId, ctx.now, decideTransition(this.#p.tweets.readById(cmd.id), cmd));
    });
  }

  async listVersions(id: string, viewerId: string | null): Promise<TweetVersion[]> {
    const reading = this.#detailsRead(id);
    if (reading) await reading;
    const versions = await this.#histories.versions(this.#existing(id));
    // who may see which is decided on the tweet as it is once its history is read
    const t = this.#existing(id);
    const from = firstVisibleVersion({ authorId: t.authorId, state: t.state, publishedVersion: publishedVersion(t) }, viewerId);
    if (from === null) throw new NotFound('tweet', id);
    return versionsView(versions, t.authorId, this.#p.media, from);
  }

  engage(cmd: Engage): Promise<Engagement> {
    return this.#afterDetails(cmd.id, () => this.#engage(cmd));
  }

  async #engage(cmd: Engage): Promise<Engagement> {
    const ctx = this.#writeContext();
    const decided = decideEngage(this.#p.tweets.readById(cmd.id), cmd, this.#edges(cmd.id, cmd.userId));
    const engagement = () => this.#engagement(this.#p.tweets.readById(cmd.id)!, cmd.userId);
    if (decided === 'view') {
      this.#p.countViews(cmd.id, 1, ctx.now);
      this.#viewsTimer ??= setTimeout(() => void this.#flushViews(), this.o.viewsFlushMs).unref();
      return engagement();
    }
    if (decided === null) {
      await this.#settled();
      return engagement();
    }
    return this.#commit(decided, ctx.now, engagement);
  }

  async getEngagement(id: string, viewerId: string | null): Promise<Engagement> {
    const reading = this.#detailsRead(id);
    if (reading) await reading;
    const t = this.#existing(id);
    if (!visibleTo(t, viewerId)) throw new NotFound('tweet', id);
    return this.#engagement(t, viewerId);
  }

  async topByVelocity(limit: number): Promise<VelocityEntry[]> {
    const now = this.o.clock.now();
    const n = Math.max(0, Math.min(Math.floor(limit), RANKED));
    for (;;) {
      const p = this.#p; // a rebuild may swap it between slices
      const top = p.topByVelocity(n, now);
      if (top) return top;
      // a pass over every tweet engaged lately, in slices with a turn of the event loop between them
      while (!p.ranking.scanSome(RANKING_SLICE, now)) await nextTurn();
    }
  }

  // --- events -----------------------------------------------------------------------------------------------------

  async stats(): Promise<StoreStats> {
    const p = this.#p;
    return {
      engine: this.engine,
      users: p.users.size,
      tweets: p.tweets.size,
      versions: p.versionCount,
      sessions: p.sessions.size,
      media: p.media.size,
      headSeq: this.#log.head,
      oldestRetainedSeq: this.events.oldestRetained(),
      details: {
        journalBytes: this.#journal.bytes(),
        checkpointBytes: (this.#checkpoint?.bytes ?? 0) + (this.#previousCheckpoint?.bytes ?? 0),
        checkpointSeq: this.#checkpoint?.seq ?? 0,
        /** Tweets held in columns, without a record on the heap (restored or checkpointed, not changed since). */
        tweetsInColumns: p.tweets.size - p.tweets.records,
      },
    };
  }

  async writable(): Promise<boolean> {
    return this.#closing === undefined && this.#healthy();
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  // --- write path -------------------------------------------------------------------------------------------------

  #healthy(): boolean {
    return !this.#log.failed && this.#rebuilding === undefined;
  }

  #writeContext(): RuleContext {
    if (this.#closing) throw new StorageUnavailable('the store is closed');
    if (!this.#healthy()) throw unavailable(this.#lastFailure);
    const now = this.o.clock.now();
    return { now, policy: this.o.policy, keyframeInterval: this.o.keyframeInterval, newId: () => this.o.ids(now) };
  }

  /** The tweet, to decide on or show: a copy if it is in columns (a record is made only when an event changes it). */
  #existing(id: string): TweetRecord {
    return existing(this.#p.tweets.readById(id), id);
  }

  #edges(tweetId: string, userId: string): EngagementEdges {
    const p = this.#p;
    const t = p.tweets.readById(tweetId);
    return {
      liked: t?.likes?.has(userId) ?? false,
      retweeted: t?.retweets?.has(userId) ?? false,
      likeTakenBack: p.takenBack.has(takenBackKey(tweetId, userId, 'likes')),
      retweetTakenBack: p.takenBack.has(takenBackKey(tweetId, userId, 'retweets')),
    };
  }

  #engagement(t: TweetRecord, viewerId: string | null): Engagement {
    return engagementView(this.#engagementState(t, viewerId), this.o.clock.now());
  }

  #engagementState(t: TweetRecord, viewerId: string | null): EngagementState {
    return {
      likes: t.likes?.size ?? 0,
      retweets: t.retweets?.size ?? 0,
      replies: t.replies,
      views: t.views + t.pendingViews,
      likedByCurrentUser: viewerId !== null && (t.likes?.has(viewerId) ?? false),
      retweetedByCurrentUser: viewerId !== null && (t.retweets?.has(viewerId) ?? false),
      velocity: t.velocity,
    };
  }

  /** Applies the event at once, computes the answer as of right after it, and resolves with it once durable. */
  #commit<T>(draft: EventDraft, at: number, answer: () => T): Promise<T> {
    const event = { ...draft, seq: this.#p.seq + 1, at } as StoreEvent;
    this.#p.apply(event, true);
    const value = answer();
    return this.#log.append(event).then(() => value, () => this.#refuse());
  }

  /** For answers that changed nothing: resolve once everything they may have seen is durable. */
  #settled(): Promise<void> {
    return this.#log.waitDurable(this.#p.seq).catch(() => this.#refuse());
  }

  /** A refused write is answered once the projection no longer shows it, so that no read after the answer can. */
  async #refuse(): Promise<never> {
    await this.#dropped?.promise;
    throw unavailable(this.#lastFailure);
  }

  async #changeTweet(id: string, viewerId: string, now: number, draft: EventDraft | null): Promise<Tweet> {
    if (draft) return this.#commit(draft, now, () => this.#view(this.#p.tweets.readById(id)!, viewerId, now));
    await this.#settled();
    return this.#view(this.#p.tweets.readById(id)!, viewerId);
  }

  #view(t: TweetRecord, viewerId: string | null, now = this.o.clock.now()): Tweet {
    const p = this.#p;
    const author = p.users.get(t.authorId);
    if (!author) throw new Error(`tweet ${t.id} has unknown author ${t.authorId}`);
    const engagement = this.#engagementState(t, viewerId);
    return tweetView(t, { author, facts: unpackFacts(t.facts), media: p.media, engagement }, now, this.o.policy);
  }

  /** One ViewsCounted per tweet with views counted since the last flush. */
  async #flushViews(): Promise<void> {
    this.#viewsTimer = undefined;
    if (!this.#healthy()) {
      if (this.#p.pendingViews.size > 0 && !this.#closing) this.#viewsTimer = setTimeout(() => void this.#flushViews(), this.o.viewsFlushMs).unref();
      return;
    }
    const now = this.o.clock.now();
    const commits = [...this.#p.pendingViews].map((tweetId) =>
      this.#commit({ type: 'ViewsCounted', tweetId, n: this.#p.tweets.get(tweetId)!.pendingViews }, now, () => undefined),
    );
    const failed = (await Promise.allSettled(commits)).filter((r) => r.status === 'rejected').length;
    if (failed > 0) this.o.logger.warn({ tweets: failed }, 'views could not be journaled and are lost');
  }

  // --- durability: checkpoints, failures, close -------------------------------------------------------------------

  #onDurable(): void {
    if (++this.#eventsSinceCheckpoint >= this.o.checkpointEveryEvents && !this.#closing) void this.#checkpointNow();
  }

  #checkpointNow(): Promise<void> {
    this.#checkpointing ??= this.#writeCheckpoint()
      .catch((error: unknown) => this.o.logger.error({ err: error }, 'checkpoint failed; the journal still holds everything'))
      .finally(() => (this.#checkpointing = undefined));
    return this.#checkpointing;
  }

  async #writeCheckpoint(): Promise<void> {
    const p = this.#p;
    if (p.seq <= (this.#checkpoint?.seq ?? 0) || !this.#healthy()) return;
    const epoch = this.#log.epoch;
    // Registered now: a failure of any event up to p.seq rejects it, even if the seq is reused after a rebuild.
    const durable = this.#log.waitDurable(p.seq);
    durable.catch(() => {});
    const now = this.o.clock.now();
    // The projection counts its changes from #base's state: unchanged chunks reuse its files.
    const base = this.#base;
    const files = new Set(base?.files.map((f) => `${f.table}/${f.chunk}`));
    const capture = new CheckpointCapture(p, now, this.o.rowsPerFile, base && { has: (table, chunk) => files.has(`${table}/${chunk}`) }, (ref) =>
      this.#histories.read(ref, false),
    );
    this.#eventsSinceCheckpoint = 0;
    // Until this one is written, the changes it took are in no checkpoint: after a failure the next one writes all.
    this.#base = null;
    let written;
    try {
      written = await this.checkpoints.write(capture, this.o.rowsPerFile, base, now, async () => {
        await durable;
        if (this.#log.epoch !== epoch) throw new StorageUnavailable('storage failed while the checkpoint was written');
      });
    } finally {
      capture.finish();
    }
    const { info, stats } = written;
    if (this.#p === p) {
      // The stored versions move into the new history files, and the chunks written go back to columns, a chunk per turn.
      for (const step of capture.rebase(info.name, info.files)) {
        step();
        await nextTurn();
      }
      if (this.#p === p) this.#base = info;
    }
    this.#previousCheckpoint = this.#checkpoint;
    this.#checkpoint = info;
    const previous = this.#previousCheckpoint;
    await this.checkpoints.removeAllBut(previous ? [info.name, previous.name] : [info.name]);
    // Keep the journal from the previous checkpoint on (the fallback) and the last retainEvents events.
    const through = Math.min(previous?.seq ?? 0, this.#log.head - this.o.retainEvents);
    if (through > 0) await this.#journal.removeThrough(through);
    this.o.logger.info({ checkpoint: info.name, seq: info.seq, bytes: info.bytes, ...stats }, 'checkpoint written');
  }

  /** A checkpoint's files can be reused only if written in today's format with today's chunk sizes. */
  #reusable(checkpoint: CheckpointInfo | null): CheckpointInfo | null {
    const rows = checkpoint?.format === FORMAT ? checkpoint.rowsPerChunk : null;
    return rows && Object.entries(this.o.rowsPerFile).every(([table, n]) => rows[table as keyof typeof rows] === n) ? checkpoint : null;
  }

  /**
   * A checkpoint of everything, then the retention rule applied to what is on disk: the two newest checkpoints, and
   * the journal from the older one's seq on (or the last retainEvents events). For `tweetstore compact`.
   */
  async compact(): Promise<void> {
    await this.#checkpointing;
    await this.#journal.flush();
    await this.#checkpointNow();
    if (this.#checkpoint === null || this.#checkpoint.seq < this.#log.head) throw new StorageUnavailable('the checkpoint could not be written; nothing was removed');
    const [newest, older] = await this.checkpoints.list();
    await this.checkpoints.removeAllBut([newest, older].flatMap((c) => (c ? [c.name] : [])));
    const through = Math.min(older?.seq ?? 0, this.#log.head - this.o.retainEvents);
    if (through > 0) await this.#journal.removeThrough(through);
  }

  #onFailure(error: unknown): void {
    this.#lastFailure = error;
    let resolve!: () => void;
    this.#dropped = { promise: new Promise<void>((r) => (resolve = r)), resolve: () => resolve() };
    this.o.logger.error({ err: error }, 'journal append failed: writes are refused while the projection is rebuilt from disk');
  }

  /** Drops everything not durable by rebuilding the projection from the checkpoint and the journal. */
  #rebuild(): Promise<void> {
    this.#rebuilding ??= this.#doRebuild().finally(() => (this.#rebuilding = undefined));
    return this.#rebuilding;
  }

  async #doRebuild(): Promise<void> {
    for (;;) {
      try {
        await this.#checkpointing;
        // First from what the journal knows to be durable, which needs no reopening (a read-only disk refuses that)
        // and answers the refused writes; then, if the journal must be reopened, from what the reopened one holds.
        if (this.#log.failed) await this.#reload();
        if (this.#lastFailure instanceof JournalError && this.#lastFailure.code === 'FAILED') {
          await this.#reopenJournal();
          await this.#reload();
        }
        this.o.logger.warn({ headSeq: this.#p.seq }, 'projection rebuilt from disk; accepting writes again');
        return;
      } catch (error) {
        this.#dropped?.resolve(); // a disk that cannot even be read must not leave the refused writes unanswered
        this.o.logger.error({ err: error }, 'rebuilding the projection failed; retrying in 1 s');
        if (this.#closing) return;
        await new Promise((resolve) => setTimeout(resolve, 1000).unref());
      }
    }
  }

  /** Replaces the projection with the checkpoint and the journal's durable records; waiters beyond them are refused. */
  async #reload(): Promise<void> {
    const now = this.o.clock.now();
    const { projection, checkpoint } = await recover({ checkpoints: this.checkpoints, journal: this.#journal, now, logger: this.o.logger });
    // Views not yet journaled survive; those of a failed ViewsCounted are lost (as on a crash).
    for (const id of this.#p.pendingViews) {
      const n = this.#p.tweets.get(id)?.pendingViews ?? 0;
      if (n > 0 && projection.tweets.has(id)) projection.countViews(id, n, now);
    }
    this.#p = projection;
    this.#base = this.#reusable(checkpoint);
    this.#log.reset(projection.seq);
    this.#dropped?.resolve();
    if (projection.pendingViews.size > 0) this.#viewsTimer ??= setTimeout(() => void this.#flushViews(), this.o.viewsFlushMs).unref();
  }

  /** The journal says it is unusable until reopened (a failed batch could not be cut back). */
  async #reopenJournal(): Promise<void> {
    await this.#journal.close().catch(() => {});
    this.#journal = await openJournal({ ...journalOptions(this.o), checkLaterThrough: this.#checkpoint?.seq ?? 0 });
    this.#log.journal = this.#journal;
  }

  async #close(): Promise<void> {
    clearInterval(this.#checkpointTimer);
    clearTimeout(this.#viewsTimer);
    await this.#rebuilding;
    if (this.#healthy()) await this.#flushViews();
    await this.#checkpointing;
    await this.#journal.flush().catch(() => {});
    if (this.#healthy()) await this.#checkpointNow();
    await this.#journal.close();
    await this.lock.release();
  }
}

/** Runs functions one per turn of the event loop, in the order they were given (each call's promise settles with it). */
class TurnQueue {
  readonly #queue: (() => void)[] = [];
  #scheduled = false;

  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push(() => {
        try {
          resolve(fn());
        } catch (error) {
          reject(error);
        }
      });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#queue.shift()!();
      this.#schedule();
    });
  }
}

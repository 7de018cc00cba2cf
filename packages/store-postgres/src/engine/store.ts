// The PostgreSQL engine's port adapter. A command goes through the writer (writer.ts): inside its transaction, which
// holds the stream lock, it loads the plain state of the one user, tweet or media object it is about, calls the
// engine-neutral rule, and applies the event the rule returned (apply.ts). Reads go to PostgreSQL directly, so an
// acknowledged write is seen by every later read on every instance; nothing of the state is cached here but the users
// (they never change), the views this instance counted and has not written yet (views.ts), and, with a Redis, the hot
// tweets and the sessions reads are answered from (hot.ts: kept by the event tail, served only once the tail has
// reached the committed head in Redis, barrier.ts). Trends are a projection of the events kept after commit, which a
// trends read first brings up to the head (trends.ts).
import { levelOfRate, NotFound, StorageUnavailable, type Engagement, type Media, type Tweet, type TweetVersion, type User } from '@tweetstore/core';
import {
  byVelocityScore,
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
  engagementView,
  existing,
  firstVisibleVersion,
  HOT_MIN_RATE,
  mediaAccess,
  mediaView,
  publishedVersion,
  RANKED,
  sweepable,
  tweetView,
  userView,
  velocityLevelOf,
  velocityScore,
  versionsView,
  visibleTo,
  type CreateTweet,
  type Credentials,
  type EditTweet,
  type Engage,
  type EngagementEdges,
  type EngagementState,
  type EventDraft,
  type HashtagTrend,
  type ListTweets,
  type MediaAccess,
  type MediaLookup,
  type RecordMedia,
  type RegisterUser,
  type RevertTweet,
  type RuleContext,
  type SearchPage,
  type SearchTweets,
  type Session,
  type StoreEvent,
  type StoreStats,
  type StoredUser,
  type Thread,
  type ThreadQuery,
  type TransitionTweet,
  type TweetPage,
  type TweetStore,
  type VelocityEntry,
  tweetChangeTypes,
} from '@tweetstore/store';
import { applyEvent, withRate, type Loaded } from './apply.ts';
import type { CommittedHead } from './barrier.ts';
import { trendingTags } from './hashtags.ts';
import { HotTweets } from './hot.ts';
import { reading, type Queries, type Sql } from './connect.ts';
import { oldestRetained, type PostgresEventFeed } from './feed.ts';
import type { ResolvedPostgresOptions } from './options.ts';
import { changedRow, loadMedia, loadRememberedKey, loadTweet, loadUser, loadUserByName, loadVersions, NO_EDGES, selectChain, selectListed, selectReplies, tweetRow, type TweetRow, type Velocity } from './rows.ts';
import { checkOffset, searching, selectMatches } from './search.ts';
import { TrendProjector } from './trends.ts';
import { ViewBatches } from './views.ts';
import { Writer, type Command, type WriteTx } from './writer.ts';

/** Users kept in memory (the oldest read first out). */
const USERS_KEPT = 10_000;

export class PostgresTweetStore implements TweetStore {
  readonly engine = 'postgres';
  readonly #writer: Writer;
  readonly #views: ViewBatches;
  readonly #trends: TrendProjector;
  readonly #users = new Map<string, StoredUser>();
  /** hot tweets in memory (hot.ts), when a Redis keeps the committed head */
  readonly #hot: HotTweets | undefined;
  #closing: Promise<void> | undefined;

  constructor(
    readonly storeId: string,
    private readonly sql: Sql,
    private readonly o: ResolvedPostgresOptions,
    readonly events: PostgresEventFeed,
    private readonly committedHead?: CommittedHead,
  ) {
    this.#writer = new Writer({
      sql,
      channel: o.channel,
      origin: events.origin,
      batchSize: o.batchSize,
      lanes: o.writeLanes,
      context: () => this.#ruleContext(),
      committed: (events) => this.events.committed(events),
      published: committedHead && ((seq) => committedHead.raise(seq)),
      logger: o.logger,
    });
    if (committedHead && o.hot) {
      const hot = (this.#hot = new HotTweets(o.hot, committedHead, sql, events.headNow(), (seq) => events.wake(seq)));
      events.subscribe((e) => hot.delivered(e));
    }
    this.#trends = new TrendProjector(sql, o.trendsDelayMs, o.logger);
    // every instance's tweet changes reach every feed; a change left behind by an instance killed before its pass too
    events.subscribe((e) => {
      if (e.type in tweetChangeTypes) this.#trends.wake();
    });
    this.#trends.wake();
    this.#views = new ViewBatches(o.viewsFlushMs, (tweetId, n) => this.#writer.run((tx) => this.#countViews(tx, tweetId, n)), o.logger);
  }

  // --- users and sessions ---------------------------------------------------------------------------------------

  registerUser(cmd: RegisterUser): Promise<User> {
    return this.#write(async (tx) => {
      const taken = await loadUserByName(tx.sql, cmd.username.toLowerCase());
      const e = this.#apply(tx, decideRegister(tx.ctx, cmd, taken !== undefined), {});
      return () => userView({ id: e.userId, username: e.username, displayName: e.displayName, createdAt: e.at });
    });
  }

  /** From memory once read (every signed-in call asks for its user): users never change. */
  getUser(id: string): Promise<User | null> {
    return reading(async () => {
      const u = await this.#user(() => this.sql, id);
      return u ? userView(u) : null;
    });
  }

  findCredentials(username: string): Promise<Credentials | null> {
    return reading(async () => {
      const u = await loadUserByName(this.sql, username.toLowerCase());
      return u ? { user: userView(u), passwordHash: u.passwordHash } : null;
    });
  }

  openSession(tokenHash: string, session: Session): Promise<void> {
    return this.#write(async (tx) => {
      const [user, open] = await Promise.all([this.#user(() => tx.sql, session.userId), this.#sessionOpen(tx.sql, tokenHash)]);
      this.#apply(tx, decideOpenSession(tokenHash, session, user), { sessionOpen: open });
      return () => undefined;
    });
  }

  findSession(tokenHash: string): Promise<Session | null> {
    return reading(async () => {
      let s = await this.#hot?.session(tokenHash);
      if (s === undefined) {
        const [row] = await this.sql<{ user_id: string; expires_at: number }[]>`select user_id, expires_at from sessions where token_hash = ${tokenHash}`;
        s = row ? { userId: row.user_id, expiresAt: row.expires_at } : null;
      }
      return s && s.expiresAt > this.o.clock.now() ? { userId: s.userId, expiresAt: new Date(s.expiresAt) } : null;
    });
  }

  closeSession(tokenHash: string): Promise<void> {
    return this.#write(async (tx) => {
      const draft = decideCloseSession(tokenHash, await this.#sessionOpen(tx.sql, tokenHash));
      if (draft) this.#apply(tx, draft, {});
      return () => undefined;
    });
  }

  /** A user, from memory once read: users never change and are never removed, so no copy here can be stale. */
  async #user(sql: () => Queries, id: string): Promise<StoredUser | undefined> {
    const known = this.#users.get(id);
    if (known) return known;
    const u = await loadUser(sql(), id);
    if (u) {
      if (this.#users.size >= USERS_KEPT) this.#users.delete(this.#users.keys().next().value!);
      this.#users.set(id, { id: u.id, username: u.username, displayName: u.displayName, createdAt: u.createdAt });
    }
    return u;
  }

  async #sessionOpen(sql: Queries, tokenHash: string): Promise<boolean> {
    return (await sql`select 1 from sessions where token_hash = ${tokenHash}`).length > 0;
  }

  // --- media -----------------------------------------------------------------------------------------------------

  recordMedia(cmd: RecordMedia): Promise<Media> {
    return this.#write(async (tx) => {
      const [user, media] = await Promise.all([this.#user(() => tx.sql, cmd.userId), loadMedia(tx.sql, [cmd.id])]);
      if (!user) throw new NotFound('user', cmd.userId);
      const { id, ...rest } = cmd;
      const draft = decideUpload({ ...rest, mediaId: id }, media.get(id));
      if (draft) this.#apply(tx, draft, { media });
      return () => this.#mediaAsSeenBy(id, cmd.userId);
    });
  }

  async claimMedia(id: string, userId: string, alt: string | null): Promise<Media | null> {
    const m = (await reading(() => loadMedia(this.sql, [id]))).get(id);
    if (!m) return null;
    const { owners: _, attached: __, uploadedAt: ___, id: ____, ...facts } = m;
    return this.recordMedia({ ...facts, id, userId, alt });
  }

  async getMedia(id: string, viewerId: string | null): Promise<Media | null> {
    const m = (await reading(() => loadMedia(this.sql, [id]))).get(id);
    return m ? mediaView(m, viewerId) : null;
  }

  mediaAccess(id: string, viewerId: string | null): Promise<MediaAccess> {
    return reading(async () => {
      const [media, [shown]] = await Promise.all([
        loadMedia(this.sql, [id]),
        this.sql<{ public: boolean }[]>`
          select exists (select 1 from media_shown s join tweets t on t.id = s.tweet_id where s.media_id = ${id} and t.state = 'published') public`,
      ]);
      return mediaAccess(media.get(id), shown!.public, viewerId);
    });
  }

  setMediaAlt(id: string, userId: string, alt: string): Promise<Media> {
    return this.#write(async (tx) => {
      const media = await loadMedia(tx.sql, [id]);
      const draft = decideAlt(media.get(id), id, userId, alt);
      if (draft) this.#apply(tx, draft, { media });
      return () => this.#mediaAsSeenBy(id, userId);
    });
  }

  async sweepMedia(uploadedBefore: number, limit: number): Promise<string[]> {
    const n = Math.max(0, Math.floor(limit));
    if (!(n > 0)) return [];
    const candidates = await reading(
      () => this.sql<{ id: string }[]>`select id from media where not attached and uploaded_at < ${uploadedBefore} order by uploaded_at, id limit ${n}`,
    );
    if (candidates.length === 0) return [];
    return this.#write(async (tx) => {
      // decided again under the stream lock: an upload or an attach since the query keeps it
      const media = await loadMedia(tx.sql, candidates.map((c) => c.id));
      const removed = candidates.map((c) => c.id).filter((id) => media.has(id) && sweepable(media.get(id)!, uploadedBefore));
      for (const mediaId of removed) this.#apply(tx, { type: 'MediaRemoved', mediaId }, {});
      return () => removed;
    });
  }

  async #mediaAsSeenBy(id: string, userId: string): Promise<Media> {
    const m = (await loadMedia(this.sql, [id])).get(id);
    if (!m) throw new NotFound('media', id);
    return mediaView(m, userId);
  }

  // --- tweets -----------------------------------------------------------------------------------------------------

  createTweet(cmd: CreateTweet): Promise<Tweet> {
    return this.#write(async (tx) => {
      const key = cmd.idempotencyKey ?? null;
      // a plain post by a known author loads nothing, so it sends nothing of its own (writer.ts): tx.sql only when needed
      const [author, remembered, parent, media] = await Promise.all([
        this.#user(() => tx.sql, cmd.authorId),
        key === null ? undefined : loadRememberedKey(tx.sql, cmd.authorId, key),
        cmd.replyToId ? loadTweet(tx.sql, cmd.replyToId, null) : undefined,
        cmd.mediaIds?.length ? loadMedia(tx.sql, cmd.mediaIds) : new Map(),
      ]);
      const decided = decideCreate(tx.ctx, cmd, { author, remembered, parent, media });
      if ('existing' in decided) return () => this.#tweetOrGone(decided.existing, cmd.authorId);
      const { changed } = this.#applied(tx, decided, { parent, media });
      return async () => this.#view(changedRow((await changed)!, author!, NO_EDGES), media, tx.ctx.now);
    });
  }

  getTweet(id: string, viewerId: string | null): Promise<Tweet | null> {
    return reading(async () => {
      const { tweet: t, media } = await this.#read(id, viewerId);
      if (!t || !visibleTo(t, viewerId)) return null;
      return this.#view(t, media ?? (await loadMedia(this.sql, t.mediaIds)), this.o.clock.now());
    });
  }

  async listTweets(q: ListTweets): Promise<TweetPage> {
    checkPageLimit(q.limit);
    return reading(async () => {
      const { items, more } = await this.#page(await selectListed(this.sql, q), q.limit);
      return { items, nextBeforeId: more ? items.at(-1)!.id : null };
    });
  }

  searchTweets(q: SearchTweets): Promise<SearchPage> {
    checkPageLimit(q.limit);
    checkOffset(q.offset);
    return reading(async () => {
      const now = this.o.clock.now();
      const { items, more } = await this.#page(await searching(this.sql, (tx) => selectMatches(tx, q, now)), q.limit);
      const next = !more ? null : q.sort === 'latest' ? { beforeId: items.at(-1)!.id } : { offset: (q.offset ?? 0) + q.limit };
      return { items, next };
    });
  }

  trendingHashtags(limit: number): Promise<HashtagTrend[]> {
    return reading(() => trendingTags(this.sql, limit, this.o.clock.now(), (head) => this.#trends.caughtUp(head)));
  }

  /** The first `limit` of these tweets rows as their viewer sees them, and whether there were more. */
  async #page(raw: readonly object[], limit: number): Promise<{ items: Tweet[]; more: boolean }> {
    const page = raw.slice(0, limit).map((r) => tweetRow(r as never));
    const media = await loadMedia(this.sql, page.flatMap((t) => t.mediaIds));
    const now = this.o.clock.now();
    return { items: page.map((t) => this.#view(t, media, now)), more: raw.length > limit };
  }

  getThread(q: ThreadQuery): Promise<Thread> {
    checkPageLimit(q.limit);
    const sql = this.sql;
    const viewer = q.viewerId ?? null;
    return reading(async () => {
      const [chain, replies] = await Promise.all([selectChain(sql, q.id, viewer), selectReplies(sql, q.id, viewer, q.afterId, q.limit + 1)]);
      const rows = chain.map((r) => tweetRow(r as never)); // root first, the tweet last
      const tweet = rows.pop();
      if (!tweet || !visibleTo(tweet, viewer)) throw new NotFound('tweet', q.id);
      const ancestors = rows.filter((t) => visibleTo(t, viewer));
      const page = replies.slice(0, q.limit).map((r) => tweetRow(r as never));
      const media = await loadMedia(sql, [...ancestors, tweet, ...page].flatMap((t) => t.mediaIds));
      const now = this.o.clock.now();
      const view = (t: TweetRow) => this.#view(t, media, now);
      return { ancestors: ancestors.map(view), tweet: view(tweet), replies: page.map(view), nextAfterId: replies.length > q.limit ? page.at(-1)!.id : null };
    });
  }

  editTweet(cmd: EditTweet): Promise<Tweet> {
    return this.#write(async (tx) => {
      const [t, given] = await Promise.all([loadTweet(tx.sql, cmd.id, cmd.actorId), loadMedia(tx.sql, cmd.mediaIds ?? [])]);
      // the media it will carry: those given, or those it has
      const media = cmd.mediaIds === undefined && t && t.mediaIds.length > 0 ? await loadMedia(tx.sql, t.mediaIds) : given;
      return this.#changeTweet(tx, t!, decideEdit(tx.ctx, t, cmd, media), media);
    });
  }

  revertTweet(cmd: RevertTweet): Promise<Tweet> {
    return this.#write(async (tx) => {
      const [t, versions] = await Promise.all([loadTweet(tx.sql, cmd.id, cmd.actorId), loadVersions(tx.sql, cmd.id)]);
      return this.#changeTweet(tx, t!, decideRevert(tx.ctx, t, cmd, versions));
    });
  }

  transitionTweet(cmd: TransitionTweet): Promise<Tweet> {
    return this.#write(async (tx) => {
      const t = await loadTweet(tx.sql, cmd.id, cmd.actorId);
      return this.#changeTweet(tx, t!, decideTransition(t, cmd));
    });
  }

  listVersions(id: string, viewerId: string | null): Promise<TweetVersion[]> {
    return reading(async () => {
      for (;;) {
        const [t, versions] = await Promise.all([loadTweet(this.sql, id, viewerId), loadVersions(this.sql, id)]);
        if (t && versions.length !== t.versionCount) continue; // a version came between the two reads
        const from = t ? firstVisibleVersion({ authorId: t.authorId, state: t.state, publishedVersion: publishedVersion(t) }, viewerId) : null;
        if (!t || from === null) throw new NotFound('tweet', id);
        return versionsView(versions, t.authorId, await loadMedia(this.sql, versions.flatMap((v) => v.mediaIds)), from);
      }
    });
  }

  async engage(cmd: Engage): Promise<Engagement> {
    if (cmd.action === 'view') {
      // not per user, and counted in batches: decided on the tweet as it is read
      const t = (await reading(() => this.#read(cmd.id, cmd.userId))).tweet;
      const now = this.#ruleContext().now;
      if (decideEngage(t, cmd, t?.edges ?? NO_EDGES) === 'view') this.#views.count(cmd.id, now);
      return engagementView(this.#engagement(t!), now);
    }
    return this.#write(async (tx) => {
      const t = await loadTweet(tx.sql, cmd.id, cmd.userId);
      const decided = decideEngage(t, cmd, t?.edges ?? NO_EDGES);
      if (decided === null || decided === 'view') return () => engagementView(this.#engagement(t!), tx.ctx.now);
      const { event, changed } = this.#applied(tx, decided, { tweet: t });
      return async () => engagementView(this.#engagement(changedRow((await changed)!, t!.author, edgesAfter(t!.edges, event))), tx.ctx.now);
    });
  }

  getEngagement(id: string, viewerId: string | null): Promise<Engagement> {
    return reading(async () => {
      const t = (await this.#read(id, viewerId)).tweet;
      if (!t || !visibleTo(t, viewerId)) throw new NotFound('tweet', id);
      return engagementView(this.#engagement(t), this.o.clock.now());
    });
  }

  /** The tweet with the viewer's edges: from memory when it is hot and that is current (hot.ts), else from PostgreSQL. */
  async #read(id: string, viewerId: string | null): Promise<{ tweet: TweetRow | undefined; media?: MediaLookup }> {
    return (await this.#hot?.read(id, viewerId)) ?? { tweet: await loadTweet(this.sql, id, viewerId) };
  }

  /**
   * The index gives the fastest tweets by level as PostgreSQL holds them; the views this instance counted and has not
   * written only raise their tweets, so those are the only others that can belong in the answer.
   */
  topByVelocity(limit: number): Promise<VelocityEntry[]> {
    const now = this.o.clock.now();
    const n = Math.max(0, Math.min(Math.floor(limit), RANKED));
    if (!(n > 0)) return Promise.resolve([]);
    const floor = levelOfRate(HOT_MIN_RATE, now);
    return reading(async () => {
      type Ranked = { id: string; velocity: Velocity | null };
      const ranked = await this.sql<Ranked[]>`
        select id, velocity from tweets where state = 'published' and velocity_level >= ${floor}
        order by velocity_level desc, id desc limit ${n}`;
      const seen = new Set(ranked.map((r) => r.id));
      const viewed = this.#views.pendingIds().filter((id) => !seen.has(id));
      if (viewed.length > 0) ranked.push(...(await this.sql<Ranked[]>`select id, velocity from tweets where state = 'published' and id = any(${viewed}::text[])`));
      return ranked
        .map((r) => ({ tweetId: r.id, velocity: this.#withPendingViews(r.id, r.velocity) }))
        .filter((r) => velocityLevelOf(r.velocity) >= floor)
        .map((r) => ({ tweetId: r.tweetId, score: velocityScore(r.velocity, now) }))
        .sort(byVelocityScore)
        .slice(0, n);
    });
  }

  // --- stats, writable, close -------------------------------------------------------------------------------------

  stats(): Promise<StoreStats> {
    return reading(async () => {
      const [h] = await this.sql<{ head: number; users: number; tweets: number; versions: number; sessions: number; media: number; oldest: number }[]>`
        select head, users, tweets, versions, sessions, media, ${oldestRetained(this.sql)} oldest from stream_head`;
      const pool = this.sql.stats;
      return {
        engine: this.engine,
        users: h!.users,
        tweets: h!.tweets,
        versions: h!.versions,
        sessions: h!.sessions,
        media: h!.media,
        headSeq: h!.head,
        oldestRetainedSeq: h!.oldest,
        details: {
          poolSize: this.o.poolSize,
          poolConnections: pool.connections,
          poolIdle: pool.idle,
          poolWaiting: pool.waiting,
          writesWaiting: this.#writer.waiting,
          writeBatches: this.#writer.batches,
          trendPasses: this.#trends.passes,
          tailSeq: await this.events.head(),
          tailBehind: this.events.behind(),
          tailLagMs: this.events.lagMs(),
          viewsPending: this.#views.pendingIds().length,
          ...(this.#hot && {
            cacheTweets: this.#hot.size,
            cacheSessions: this.#hot.sessions,
            cacheHits: this.#hot.hits,
            cacheMisses: this.#hot.misses,
            cacheFallbacks: this.#hot.fallbacks,
            headRaiseFailures: this.committedHead!.raiseFailures,
          }),
        },
      };
    });
  }

  /** After a batch failed, whether PostgreSQL answers again (the writer takes a new connection for its next batch). */
  async writable(): Promise<boolean> {
    if (this.#closing) return false;
    if (this.#writer.healthy) return true;
    return this.sql`select 1`.then(
      () => true,
      () => false,
    );
  }

  /** Writes the views counted, lets every write given so far finish, stops the tail and ends the pool. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#views.stop();
    await this.#views.flush();
    await this.#writer.drained();
    await this.#trends.stop();
    await this.committedHead?.stop();
    await this.events.stop();
    await this.sql.end({ timeout: 5 });
  }

  // --- write path -------------------------------------------------------------------------------------------------

  #ruleContext(): RuleContext {
    const o = this.o;
    const now = o.clock.now();
    return { now, policy: o.policy, keyframeInterval: o.keyframeInterval, newId: () => o.ids(now) };
  }

  #write<T>(command: Command<T>): Promise<T> {
    if (this.#closing) return Promise.reject(new StorageUnavailable('the store is closed'));
    return this.#writer.run(command);
  }

  #apply<D extends EventDraft>(tx: WriteTx, draft: D, loaded: Loaded): Extract<StoreEvent, { type: D['type'] }> {
    return this.#applied(tx, draft, loaded).event as Extract<StoreEvent, { type: D['type'] }>;
  }

  /** Appends the event and sends its statements; `changed`: the tweet it changes, as it will be. */
  #applied(tx: WriteTx, draft: EventDraft, loaded: Loaded) {
    const event = tx.append(draft);
    return { event, changed: applyEvent(tx, event, loaded) };
  }

  /** The tweet after the change (or as it is, for a change that changes nothing), as its author sees it; `known`: the media it carries after, if loaded. */
  async #changeTweet(tx: WriteTx, t: TweetRow, draft: EventDraft | null, known?: MediaLookup): Promise<() => Tweet | Promise<Tweet>> {
    const carried = draft !== null && 'mediaIds' in draft ? draft.mediaIds : t.mediaIds; // what it shows after
    const [parent, media] = await Promise.all([
      draft && t.replyToId && movesReplies.has(draft.type) ? loadTweet(tx.sql, t.replyToId, null) : undefined,
      known ?? loadMedia(tx.sql, carried),
    ]);
    if (!draft) return () => this.#view(t, media, tx.ctx.now);
    const { changed } = this.#applied(tx, draft, { tweet: t, parent, media });
    return async () => this.#view(changedRow((await changed)!, t.author, t.edges), media, tx.ctx.now);
  }

  /** A view of ViewsCounted: the tweet's rates as they are now, bumped by the batch. */
  async #countViews(tx: WriteTx, tweetId: string, n: number): Promise<() => void> {
    const t = await loadTweet(tx.sql, tweetId, null);
    if (t) this.#applied(tx, { type: 'ViewsCounted', tweetId, n }, { tweet: t });
    return () => undefined;
  }

  async #tweetOrGone(id: string, viewerId: string): Promise<Tweet> {
    const t = await this.getTweet(id, viewerId);
    if (!t) throw new NotFound('tweet', id);
    return t;
  }

  #engagement(t: TweetRow): EngagementState {
    const pending = this.#views.pending(t.id);
    return {
      likes: t.likes,
      retweets: t.retweets,
      replies: t.replies,
      views: t.views + (pending?.n ?? 0),
      likedByCurrentUser: t.edges.liked,
      retweetedByCurrentUser: t.edges.retweeted,
      velocity: this.#withPendingViews(t.id, t.velocity),
    };
  }

  #withPendingViews(tweetId: string, v: Velocity | null): Velocity | null {
    const pending = this.#views.pending(tweetId);
    return pending ? withRate(v, 'views', pending.rate) : v;
  }

  #view(t: TweetRow, media: MediaLookup, now: number): Tweet {
    return tweetView(t, { author: t.author, facts: t, media, engagement: this.#engagement(t) }, now, this.o.policy);
  }
}

/** Events that move the reply count of the tweet a reply answers. */
const movesReplies = new Set<EventDraft['type']>(['TweetPublished', 'TweetArchived', 'TweetRestored']);

/** The user's likes and retweets of the tweet once the event applied. */
function edgesAfter(e: EngagementEdges, event: StoreEvent): EngagementEdges {
  switch (event.type) {
    case 'Liked':
      return { ...e, liked: true };
    case 'Unliked':
      return { ...e, liked: false, likeTakenBack: true };
    case 'Retweeted':
      return { ...e, retweeted: true };
    case 'Unretweeted':
      return { ...e, retweeted: false, retweetTakenBack: true };
    default:
      return e;
  }
}

// Drives a live server through every procedure of the API with the typed client and prints what happened.
import { closeClient, createClient, isTRPCClientError, type TweetChange } from '@tweetstore/client';
import sharp from 'sharp';

const url = process.env.TWEETSTORE_URL ?? 'http://127.0.0.1:3000';
const stamp = Date.now().toString(36).slice(-5);
const say = (step: string, detail = '') => console.log(`• ${step}${detail ? ` — ${detail}` : ''}`);

async function expectError(step: string, call: Promise<unknown>) {
  try {
    await call;
    throw new Error(`${step}: expected an error`);
  } catch (error) {
    if (!isTRPCClientError(error)) throw error;
    say(step, `refused with ${(error.data as { code: string }).code}: ${error.message.split('\n')[0]}`);
  }
}

const anon = createClient({ url });
say('system.health', JSON.stringify(await anon.system.health.query()));
const alice = await anon.auth.register.mutate({ username: `alice_${stamp}`, password: 'demo-password-1', displayName: 'Alice' });
const bob = await anon.auth.register.mutate({ username: `bob_${stamp}`, password: 'demo-password-2' });
say('auth.register', `@${alice.user.username} and @${bob.user.username}`);
const bobLogin = await anon.auth.login.mutate({ username: bob.user.username, password: 'demo-password-2' });
say('auth.login', `@${bobLogin.user.username} got a fresh session token`);
const a = createClient({ url, token: alice.token });
const b = createClient({ url, token: bobLogin.token, transport: 'ws' });
say('auth.me', `alice's token is @${(await a.auth.me.query())?.username}`);

/** Resolves when the server has started a subscription: everything after that moment is delivered. */
const started = () => {
  let onStarted!: () => void;
  const promise = new Promise<void>((resolve) => (onStarted = resolve));
  return { promise, onStarted };
};

const changes: string[] = [];
const engagement: string[] = [];
const changeStart = started();
const changeSub = b.tweet.onChange.subscribe({ authorId: alice.user.id }, {
  onStarted: changeStart.onStarted,
  onData: ({ id, data }: { id: string; data: TweetChange }) => changes.push(`${id} ${data.type}${data.type === 'reset' ? '' : data.tweet ? ` v${data.tweet.version}` : ` ${data.id}`}`),
});
const statsSeen: number[] = [];
const statsSub = anon.system.onStats.subscribe(undefined, { onData: (s) => statsSeen.push(s.requestsPerSecond) });
await changeStart.promise;

const tweet = await a.tweet.create.mutate({ content: 'Hello, tweetstore! 👋🏽 #demo @bob https://example.com', idempotencyKey: `demo-${stamp}` });
say('tweet.create', `${tweet.id} weighted length ${tweet.weightedLength}, hashtags ${tweet.hashtags}, mentions ${tweet.mentions}, urls ${tweet.urls}`);
const again = await a.tweet.create.mutate({ content: 'Hello, tweetstore! 👋🏽 #demo @bob https://example.com', idempotencyKey: `demo-${stamp}` });
say('tweet.create (same idempotency key)', again.id === tweet.id ? 'returned the original tweet' : 'DUPLICATE!');
const engagementStart = started();
const engSub = a.tweet.onEngagement.subscribe({ ids: [tweet.id] }, {
  onStarted: engagementStart.onStarted,
  onData: ({ data }) => data.type === 'engagement' && engagement.push(`likes ${data.engagement.likes} retweets ${data.engagement.retweets} replies ${data.engagement.replies} views ${data.engagement.views}`),
});
await engagementStart.promise;

say('tweet.get', `bob sees: "${(await b.tweet.get.query({ id: tweet.id })).content}"`);
const v2 = await a.tweet.edit.mutate({ id: tweet.id, content: 'Hello, tweetstore! 👋🏽 #demo @bob (edited)', expectedVersion: 1 });
say('tweet.edit', `now v${v2.version}; ${v2.editControls.editsRemaining} edits left until ${v2.editControls.editableUntil.toISOString()}`);
await expectError('tweet.edit with a stale expectedVersion', a.tweet.edit.mutate({ id: tweet.id, content: 'stale', expectedVersion: 1 }));
await expectError('tweet.edit by someone else', b.tweet.edit.mutate({ id: tweet.id, content: 'not mine' }));
const versions = await b.tweet.versions.query({ id: tweet.id });
say('tweet.versions', versions.items.map((v) => `v${v.version} ${v.kind}: "${v.content}"`).join(' | '));
const diff = await b.tweet.diff.query({ id: tweet.id, from: 1, to: 2 });
say('tweet.diff 1→2', diff.ops.map(([op, text]) => (op === 0 ? text : op < 0 ? `[-${text}-]` : `{+${text}+}`)).join(''));
const v3 = await a.tweet.revert.mutate({ id: tweet.id, toVersion: 1 });
say('tweet.revert to v1', `appended v${v3.version} with v1's content (hash equal: ${v3.contentHash === tweet.contentHash})`);

say('tweet.engage like ×2', JSON.stringify(await b.tweet.engage.mutate({ id: tweet.id, action: 'like' }).then(() => b.tweet.engage.mutate({ id: tweet.id, action: 'like' })).then((e) => e.likes)) + ' like (idempotent)');
await b.tweet.engage.mutate({ id: tweet.id, action: 'retweet' });
await b.tweet.engage.mutate({ id: tweet.id, action: 'view' });
const reply = await b.tweet.create.mutate({ content: 'Nice post!', replyToId: tweet.id });
say('tweet.create reply', `${reply.id} → replies counted: ${(await a.tweet.get.query({ id: tweet.id })).engagement.replies}`);
await b.tweet.engage.mutate({ id: tweet.id, action: 'unretweet' });
await b.tweet.engage.mutate({ id: tweet.id, action: 'unlike' });

const draft = await a.tweet.create.mutate({ content: 'A draft only Alice sees', draft: true });
await expectError('tweet.get of a draft by bob', b.tweet.get.query({ id: draft.id }));
say('tweet.publish', `state ${(await a.tweet.publish.mutate({ id: draft.id })).state}`);
say('tweet.archive', `state ${(await a.tweet.archive.mutate({ id: draft.id })).state}`);
say('tweet.restore', `state ${(await a.tweet.restore.mutate({ id: draft.id })).state}`);
const page = await b.tweet.list.query({ authorId: alice.user.id, limit: 1 });
const page2 = await b.tweet.list.query({ authorId: alice.user.id, limit: 1, cursor: page.nextCursor });
say('tweet.list', `page 1: ${page.items[0]?.id}, page 2: ${page2.items[0]?.id}`);
await expectError('tweet.create over 280', a.tweet.create.mutate({ content: '🐦'.repeat(141) }));

// Media: an image made here (with EXIF that must not survive), uploaded as FormData, posted, served.
const photo = await sharp({ create: { width: 640, height: 360, channels: 3, background: { r: 30, g: 144, b: 255 } } })
  .jpeg()
  .withExif({ IFD0: { Make: 'DemoCam' } })
  .toBuffer();
const form = (bytes: Uint8Array, name: string, alt?: string) => {
  const f = new FormData();
  f.set('file', new Blob([new Uint8Array(bytes)]), name);
  if (alt) f.set('alt', alt);
  return f;
};
const media = await a.media.upload.mutate(form(photo, 'sky.jpg', 'a clear blue sky'));
say('media.upload', `${media.id.slice(0, 16)}… ${media.mime} ${media.width}×${media.height}, variants ${media.variants.map((v) => v.name).join(', ')}`);
say('media.upload again', `same id: ${(await a.media.upload.mutate(form(photo, 'copy.jpg'))).id === media.id}`);
await expectError('media.upload of a text file named .jpg', a.media.upload.mutate(form(new TextEncoder().encode('not an image'), 'fake.jpg')));
const withMedia = await a.tweet.create.mutate({ content: 'The sky today #demo', mediaIds: [media.id] });
const served = await fetch(`${url}${withMedia.media[0]!.variants.find((v) => v.name === 'medium')!.url}`);
say('GET /media/<id>/medium', `${served.status} ${served.headers.get('content-type')}, ${(await served.arrayBuffer()).byteLength} bytes, ${served.headers.get('cache-control')}`);
say('media.setAlt', `"${(await a.media.setAlt.mutate({ id: media.id, alt: 'a clear blue sky over the city' })).alt}"`);
await expectError('media.setAlt by someone else', b.media.setAlt.mutate({ id: media.id, alt: 'mine' }));

// Views are journaled once a second; give the last ViewsCounted time to stream.
await new Promise((r) => setTimeout(r, 1500));
say('tweet.onChange (bob, live)', changes.join(' | '));
say('tweet.onEngagement (alice, live)', engagement.at(-1) ?? 'none');
const stats = await anon.system.stats.query();
say('system.stats', `${stats.store.tweets} tweets, head seq ${stats.store.headSeq}, p99 ${stats.latencyMs.p99} ms, ${stats.connections.subscriptions} subscriptions`);
say('system.onStats', `${statsSeen.length} snapshots streamed`);
say('auth.logout', JSON.stringify(await b.auth.logout.mutate()));
changeSub.unsubscribe();
engSub.unsubscribe();
statsSub.unsubscribe();
await Promise.all([anon, a, b].map(closeClient));

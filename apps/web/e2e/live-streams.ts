// Which tRPC subscriptions a page has open, read off its WebSocket frames. A subscription made without
// lastEventId starts where the server's stream is when the server receives it, so a test that wants a page to see
// an event live must first wait until the page's subscription has started: waiting for that, not for time.
import type { Page, WebSocket } from 'playwright-core';

interface Subscription {
  path: string;
  /** The subscription's input as sent (JSON), to find the ids it covers. */
  input: string;
  started: boolean;
  ended: boolean;
  /** the server answered it with an error (a refusal, say) */
  failed: boolean;
}

export interface LiveStreams {
  /** True when a started, still open subscription to `path` exists whose input mentions `mentions` (if given). */
  listening(path: string, mentions?: string): boolean;
  /** True when the server answered a subscription to `path` with an error (it refused it, say). */
  failed(path: string): boolean;
}

function messages(payload: string | Buffer): { id?: unknown; method?: string; params?: { path?: string; input?: unknown }; result?: { type?: string }; error?: unknown }[] {
  try {
    const parsed: unknown = JSON.parse(payload.toString());
    return Array.isArray(parsed) ? parsed : [parsed as never];
  } catch {
    return [];
  }
}

function track(socket: WebSocket, into: Subscription[]): void {
  const byId = new Map<unknown, Subscription>();
  socket.on('framesent', ({ payload }) => {
    for (const message of messages(payload)) {
      if (message.method === 'subscription' && message.params?.path) {
        const subscription = { path: message.params.path, input: JSON.stringify(message.params.input ?? null), started: false, ended: false, failed: false };
        byId.set(message.id, subscription);
        into.push(subscription);
      } else if (message.method === 'subscription.stop') {
        const subscription = byId.get(message.id);
        if (subscription) subscription.ended = true;
      }
    }
  });
  socket.on('framereceived', ({ payload }) => {
    for (const message of messages(payload)) {
      const subscription = byId.get(message.id);
      if (!subscription) continue;
      if (message.result?.type === 'started') subscription.started = true;
      if (message.result?.type === 'stopped' || message.error) subscription.ended = true;
      if (message.error) subscription.failed = true;
    }
  });
  socket.on('close', () => byId.forEach((subscription) => (subscription.ended = true)));
}

/** Start watching a page's WebSockets; call before the page opens any. */
export function watchLiveStreams(page: Page): LiveStreams {
  const subscriptions: Subscription[] = [];
  page.on('websocket', (socket) => track(socket, subscriptions));
  return {
    listening: (path, mentions) => subscriptions.some((s) => s.path === path && s.started && !s.ended && (!mentions || s.input.includes(mentions))),
    failed: (path) => subscriptions.some((s) => s.path === path && s.failed),
  };
}

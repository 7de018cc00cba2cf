import { useSyncExternalStore } from 'react';

// The page's one live region for what an action did where nothing on screen says it: an archived post leaves the
// timeline with its card (and any live region in it), so the card cannot be what tells a screen reader it worked.
let said = { text: '', n: 0 };
const listeners = new Set<() => void>();
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** Has screen readers say `text` (politely), also when it is the same as the last. */
export function announce(text: string): void {
  said = { text, n: said.n + 1 };
  for (const listener of listeners) listener();
}

export function Announcer() {
  const { text, n } = useSyncExternalStore(subscribe, () => said);
  // a new node for each announcement: the same words said twice are said again
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" aria-label="Announcements">
      <span key={n}>{text}</span>
    </div>
  );
}

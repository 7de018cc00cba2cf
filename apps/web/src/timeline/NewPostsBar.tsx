/** "N new posts": tweets that arrived while the reader was reading, shown only when asked for. Kept in a polite
 * live region so screen readers hear it appear; the list itself waits for the click (the bar is the only thing
 * added above it). */
export function NewPostsBar({ count, onShow }: { count: number; onShow: () => void }) {
  return (
    <div className="new-posts-anchor" aria-live="polite">
      {count > 0 && (
        <button type="button" className="button primary new-posts" onClick={onShow}>
          {count === 1 ? '1 new post' : `${count} new posts`}
        </button>
      )}
    </div>
  );
}

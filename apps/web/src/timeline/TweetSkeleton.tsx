/** Placeholders the size of a short tweet while the first page loads, so the page does not jump when it arrives. */
export function TweetSkeletons({ count = 3, label = 'Loading posts' }: { count?: number; label?: string }) {
  return (
    <div className="skeletons">
      <span className="visually-hidden" role="status">
        {label}
      </span>
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="tweet-skeleton" aria-hidden="true">
          <span className="skeleton-avatar" />
          <span className="skeleton-lines">
            <span className="skeleton-line" style={{ width: '40%' }} />
            <span className="skeleton-line" style={{ width: '92%' }} />
            <span className="skeleton-line" style={{ width: '70%' }} />
          </span>
        </div>
      ))}
    </div>
  );
}

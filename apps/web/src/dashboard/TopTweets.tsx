import { useId } from 'react';
import { Link } from 'wouter';
import type { Stats } from '../trpc.ts';

/** The posts with the highest engagement velocity right now. */
export function TopTweets({ tweets }: { tweets: Stats['topTweets'] | undefined }) {
  const headingId = useId();
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Fastest-moving posts</h2>
      {!tweets ? (
        <p className="muted">Waiting for the first numbers…</p>
      ) : tweets.length === 0 ? (
        <p className="muted">Nothing is moving right now: likes, retweets, replies and views make posts show up here.</p>
      ) : (
        <ol className="dash-top" aria-label="Fastest-moving posts">
          {tweets.map((t) => (
            <li key={t.id}>
              <Link href={`/t/${t.id}`} className="dash-top-content">
                {t.content}
              </Link>
              <span className="muted">@{t.author}</span>
              <span className="dash-score">
                <span className="dash-number">{t.score.toFixed(1)}</span>
                <span className="dash-unit"> / min</span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

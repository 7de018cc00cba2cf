import '../ui/page.css';
import '../explore/explore.css';
import { useId, type ReactNode } from 'react';
import { Link } from 'wouter';
import { TRENDING_TAGS, useTrends } from '../explore/useTrends.ts';
import { TweetSkeletons } from '../timeline/TweetSkeleton.tsx';
import { LiveEngagement } from '../tweet/LiveEngagement.tsx';
import { TweetCard } from '../tweet/TweetCard.tsx';
import { tagPath } from '../tweet/TweetText.tsx';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { pageLocale } from '../ui/locale.ts';
import { usePageTitle } from '../ui/usePageTitle.ts';

const perMinute = new Intl.NumberFormat(pageLocale, { maximumFractionDigits: 1 });
const count = new Intl.NumberFormat(pageLocale);

/** /explore — the hashtags used fastest now and the posts engaged fastest now, both kept live (useTrends). */
export function ExplorePage() {
  usePageTitle('Explore');
  const { hashtags, tweets } = useTrends();
  return (
    <>
      <header className="page-header">
        <h1>Explore</h1>
        <p className="muted">What people are posting about and engaging with right now</p>
      </header>
      <TrendSection heading="Trending hashtags" query={hashtags} loading={<TrendSkeletons />} empty="No hashtags are trending yet.">
        {({ items }) => (
          <ol className="trend-list">
            {items.map((trend, i) => (
              <li key={trend.tag}>
                <Link href={tagPath(trend.tag)} className="trend">
                  <span className="trend-rank muted" aria-hidden="true">
                    {i + 1}
                  </span>
                  <span className="trend-tag">#{trend.tag}</span>
                  <span className="trend-figures muted">
                    {count.format(trend.uses)} {trend.uses === 1 ? 'post' : 'posts'} · {perMinute.format(trend.velocity)} per minute
                  </span>
                </Link>
              </li>
            ))}
          </ol>
        )}
      </TrendSection>
      <TrendSection heading="Trending posts" query={tweets} loading={<TweetSkeletons label="Loading trending posts" />} empty="No posts are trending yet.">
        {({ items }) => (
          <div>
            {items.map((tweet) => (
              <TweetCard key={tweet.id} tweet={tweet} seedUpdatedAt={tweets.dataUpdatedAt} />
            ))}
            <LiveEngagement ids={items.map((t) => t.id)} />
          </div>
        )}
      </TrendSection>
    </>
  );
}

interface TrendQuery<T> {
  isPending: boolean;
  data: { items: T[] } | undefined;
  error: unknown;
  refetch(): Promise<unknown>;
}

/** A headed list of trends: placeholders while it first loads, then the list (kept while it is read again), or the
 * error with "Try again" when there is nothing to show, or `empty`. */
function TrendSection<T>({ heading, query, loading, empty, children }: { heading: string; query: TrendQuery<T>; loading: ReactNode; empty: string; children: (data: { items: T[] }) => ReactNode }) {
  const id = useId();
  const { data } = query;
  return (
    <section aria-labelledby={id} className="trends">
      <h2 id={id} className="trends-heading">
        {heading}
      </h2>
      {query.isPending ? (
        loading
      ) : data?.items.length ? (
        children(data)
      ) : data ? (
        <p className="empty">{empty}</p>
      ) : (
        <div className="trends-message">
          <ErrorMessage error={query.error} retry={() => void query.refetch()} />
        </div>
      )}
    </section>
  );
}

/** Rows the height of a trend while the first list loads, so the posts below do not jump when it arrives. */
function TrendSkeletons() {
  return (
    <div className="trend-list" aria-hidden="true">
      {Array.from({ length: Math.min(TRENDING_TAGS, 5) }, (_, i) => (
        <div key={i} className="trend trend-skeleton">
          <span className="skeleton-line" style={{ width: '30%' }} />
          <span className="skeleton-line" style={{ width: '50%' }} />
        </div>
      ))}
    </div>
  );
}

import '../ui/page.css';
import { Link } from 'wouter';
import { Composer } from '../compose/Composer.tsx';
import { useSession } from '../session.ts';
import { Timeline } from '../timeline/Timeline.tsx';
import { TweetSkeletons } from '../timeline/TweetSkeleton.tsx';
import { LiveEngagement } from '../tweet/LiveEngagement.tsx';
import { TweetCard } from '../tweet/TweetCard.tsx';
import { trpc } from '../trpc.ts';
import { errorCode, ErrorMessage } from '../ui/ErrorMessage.tsx';
import { usePageTitle } from '../ui/usePageTitle.ts';

/** /t/:id — a post, the post it replies to, a reply box and the replies. */
export function ThreadPage({ id }: { id: string }) {
  const { user } = useSession();
  const post = trpc.tweet.get.useQuery({ id });
  usePageTitle(post.data ? `Post by @${post.data.author.username}` : 'Post');
  if (post.isPending) {
    return (
      <>
        <ThreadHeader />
        <TweetSkeletons count={1} label="Loading post" />
      </>
    );
  }
  if (post.isError) {
    const missing = isMissing(post.error);
    return (
      <>
        <ThreadHeader />
        <section className="card empty">
          {missing ? (
            <p>
              This post does not exist, or it is not visible to you. <Link href="/">Back to the timeline</Link>
            </p>
          ) : (
            <ErrorMessage error={post.error} retry={() => void post.refetch()} />
          )}
        </section>
      </>
    );
  }
  const tweet = post.data;
  return (
    <>
      <ThreadHeader />
      {tweet.replyToId && <ParentPost id={tweet.replyToId} />}
      <TweetCard tweet={tweet} className="tweet-focus" showReplyContext={false} />
      <LiveEngagement ids={tweet.replyToId ? [tweet.id, tweet.replyToId] : [tweet.id]} />
      {user && tweet.state === 'published' && <Composer replyToId={tweet.id} />}
      {tweet.state === 'published' && (
        <Timeline label="Replies" filter={{ replyToId: tweet.id }} empty="No replies yet." showReplyContext={false} />
      )}
    </>
  );
}

/** The post does not exist or is not visible to this reader (a malformed id is as missing as an unknown one). */
const isMissing = (error: unknown) => errorCode(error) === 'NOT_FOUND' || errorCode(error) === 'BAD_REQUEST';

function ThreadHeader() {
  return (
    <header className="page-header">
      <Link href="/" className="muted small">
        ← Timeline
      </Link>
      <h1>Post</h1>
    </header>
  );
}

/** The post this one replies to, above it; a short note if it is gone. */
function ParentPost({ id }: { id: string }) {
  const parent = trpc.tweet.get.useQuery({ id });
  if (parent.isPending) return <TweetSkeletons count={1} label="Loading the post this replies to" />;
  if (parent.isError) {
    // Only a post that is gone is "no longer available"; a refusal for now or a fault passes, so offer to try again.
    if (!isMissing(parent.error)) {
      return (
        <div className="card">
          <ErrorMessage error={parent.error} retry={() => void parent.refetch()} />
        </div>
      );
    }
    return <p className="card muted">The post this replies to is no longer available.</p>;
  }
  return <TweetCard tweet={parent.data} className="tweet-parent" />;
}

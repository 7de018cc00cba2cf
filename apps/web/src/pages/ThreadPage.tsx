import '../ui/page.css';
import '../thread/thread.css';
import { Fragment, useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { Composer } from '../compose/Composer.tsx';
import { useSession } from '../session.ts';
import { useThread } from '../thread/useThread.ts';
import { TweetSkeletons } from '../timeline/TweetSkeleton.tsx';
import { LiveEngagement } from '../tweet/LiveEngagement.tsx';
import { TweetCard } from '../tweet/TweetCard.tsx';
import type { Tweet } from '../trpc.ts';
import { errorCode, ErrorMessage } from '../ui/ErrorMessage.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { usePageTitle } from '../ui/usePageTitle.ts';

/**
 * /t/:id — the whole conversation around a post: the posts above it (root first; those the reader may not see are
 * left out, and a note stands where they were), the post, a reply box, and its replies, oldest first, each leading
 * on to its own replies.
 */
export function ThreadPage({ id }: { id: string }) {
  const { user } = useSession();
  const { query, ancestors, tweet, replies, addReply } = useThread(id);
  // (read before the checks below narrow `query` to a loaded one, whose next page may still fail)
  const failure = query.error;
  const focused = useRef<HTMLElement>(null);
  const repliesList = useRef<HTMLDivElement>(null);
  usePageTitle(tweet ? `Post by @${tweet.author.username}` : 'Post');

  // Arriving at a reply deep in a conversation: the post itself at the top of the screen, its ancestors above.
  const hasAncestors = ancestors.length > 0;
  useEffect(() => {
    if (hasAncestors) focused.current?.scrollIntoView?.({ block: 'start' });
  }, [id, hasAncestors]);
  // After "Show more replies", focus goes to the first reply it brought (the button may be gone), once it is shown.
  const [focusId, setFocusId] = useState<string | null>(null);
  useEffect(() => {
    const reply = focusId && repliesList.current?.querySelector<HTMLElement>(`[data-tweet-id="${focusId}"]`);
    if (reply) {
      reply.focus();
      setFocusId(null);
    }
  });

  if (query.isPending) {
    return (
      <>
        <ThreadHeader />
        <TweetSkeletons count={1} label="Loading post" />
      </>
    );
  }
  if (query.isError || !tweet) {
    const missing = errorCode(query.error) === 'NOT_FOUND' || errorCode(query.error) === 'BAD_REQUEST';
    return (
      <>
        <ThreadHeader />
        <section className="card empty">
          {missing ? (
            <p>
              This post does not exist, or it is not visible to you. <Link href="/">Back to the timeline</Link>
            </p>
          ) : (
            <ErrorMessage error={query.error} retry={() => void query.refetch()} />
          )}
        </section>
      </>
    );
  }

  const chain = [...ancestors, tweet];
  const { hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage, dataUpdatedAt } = query;
  const showMore = async () => {
    const before = replies.length;
    const result = await fetchNextPage();
    setFocusId(result.data?.pages.flatMap((page) => page.replies.items)[before]?.id ?? null);
  };

  return (
    <>
      <ThreadHeader />
      <section aria-label="Conversation" className="thread">
        {chain.map((post, i) => {
          const parent = chain[i - 1];
          const known = post.replyToId !== null && parent?.id === post.replyToId;
          return (
            <Fragment key={post.id}>
              {post.replyToId !== null && !known && <p className="thread-gap muted">A post in this conversation is not available.</p>}
              <TweetCard
                ref={post === tweet ? focused : undefined}
                tweet={post}
                seedUpdatedAt={dataUpdatedAt}
                className={post === tweet ? 'tweet-focus' : 'tweet-ancestor'}
                showReplyContext={false}
                parentAuthor={known ? parent!.author : undefined}
              />
            </Fragment>
          );
        })}
      </section>
      {user && tweet.state === 'published' && <Composer replyToId={tweet.id} onPosted={addReply} />}
      <section aria-label="Replies" className="thread-replies">
        <div ref={repliesList}>
          {replies.map((reply) => (
            <TweetCard key={reply.id} tweet={reply} seedUpdatedAt={dataUpdatedAt} showReplyContext={false} parentAuthor={tweet.author} linkReplies />
          ))}
        </div>
        {replies.length === 0 && !hasNextPage && <p className="empty">No replies yet.</p>}
        <div className="thread-more">
          {isFetchingNextPage ? (
            <Spinner label="Loading more replies" />
          ) : isFetchNextPageError ? (
            <ErrorMessage error={failure} retry={() => void showMore()} />
          ) : hasNextPage ? (
            <button type="button" className="button subtle" onClick={() => void showMore()}>
              Show more replies
            </button>
          ) : null}
        </div>
      </section>
      <LiveEngagement ids={[...chain, ...replies].map((t: Tweet) => t.id)} />
    </>
  );
}

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

import { useCallback, useEffect, useId, useRef, useState, type ComponentProps, type MouseEvent, type Ref } from 'react';
import { Link, useLocation } from 'wouter';
import { MediaGrid } from '../media/MediaGrid.tsx';
import { useSession } from '../session.ts';
import { trpc, type Tweet, type User } from '../trpc.ts';
import { ErrorText, useRetryWait } from '../ui/ErrorMessage.tsx';
import { Icon } from '../ui/icons.tsx';
import { Menu } from '../ui/Menu.tsx';
import { pageLocale } from '../ui/locale.ts';
import { RelativeTime } from '../ui/RelativeTime.tsx';
import { useNow } from '../ui/useNow.ts';
import { canEdit } from './editWindow.ts';
import { TweetEditor } from './TweetEditor.tsx';
import { TweetText } from './TweetText.tsx';
import { useEngagementToggle } from './useEngagementToggle.ts';
import { useTransitions } from './useTransitions.ts';
import { useViewCounter } from './useViewCounter.ts';
import './tweet.css';

/** A card re-reads its tweet when shown again after this long; live events keep it current while it is shown. */
const STALE_MS = 60_000;

export interface TweetCardProps extends Omit<ComponentProps<'article'>, 'children' | 'ref'> {
  /** The tweet as the page that lists it has it; the card then follows tweet.get({id}) seeded with it. */
  tweet: Tweet;
  /** When `tweet` was fetched, so a stale copy is refetched. */
  seedUpdatedAt?: number;
  /** "Replying to a post" above replies (not needed under the post they reply to). */
  showReplyContext?: boolean;
  /** The author of the post this one replies to, when the page has it: "Replying to @name". */
  parentAuthor?: User;
  /** "Show N replies", a way into this post's own thread (a reply listed in a thread). */
  linkReplies?: boolean;
  ref?: Ref<HTMLElement>;
}

export function TweetCard({ tweet: seed, seedUpdatedAt, showReplyContext = true, parentAuthor, linkReplies = false, ref, className, ...rest }: TweetCardProps) {
  const uid = useId();
  const { user } = useSession();
  const [, navigate] = useLocation();
  const now = useNow();
  const { data: tweet = seed } = trpc.tweet.get.useQuery(
    { id: seed.id },
    { initialData: seed, initialDataUpdatedAt: seedUpdatedAt, staleTime: STALE_MS },
  );
  const own = !!user && user.id === tweet.author.id;
  const published = tweet.state === 'published';
  const e = tweet.engagement;

  const like = useEngagementToggle(tweet, 'like');
  const retweet = useEngagementToggle(tweet, 'retweet');
  const transitions = useTransitions(tweet.id);

  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  useEffect(() => {
    if (!editing && returnFocus.current) {
      returnFocus.current = false;
      editButton.current?.focus();
    }
  }, [editing]);
  const closeEditor = () => {
    returnFocus.current = true;
    setEditing(false);
  };

  const article = useRef<HTMLElement | null>(null);
  const setArticle = useCallback(
    (element: HTMLElement | null) => {
      article.current = element;
      if (typeof ref === 'function') ref(element);
      else if (ref) ref.current = element;
    },
    [ref],
  );
  useViewCounter(article, tweet.id, !!user && published);

  const engage = (toggle: typeof like) => (event: MouseEvent) => (user ? toggle.toggle(event) : navigate('/signin'));
  const [failureVerb, failure, dismissFailure] = like.error
    ? (['like', like.error, like.dismissError] as const)
    : retweet.error
      ? (['retweet', retweet.error, retweet.dismissError] as const)
      : (transitions.failure ?? (['publish', null, () => {}] as const));
  // Refused for too many requests: the refused kind of action waits (likes and retweets share one limit, publish,
  // archive and restore another), and the refusal is forgotten once the wait is over.
  const refused = useRetryWait(failure, dismissFailure);
  const engaging = failureVerb === 'like' || failureVerb === 'retweet';
  const engageWaits = refused.waiting && engaging;
  const transitionBlocked = transitions.pending || (refused.waiting && !engaging);
  const menu = own && tweet.state !== 'draft' && (
    <Menu
      label="More"
      items={[
        tweet.state === 'published'
          ? { label: 'Archive', onSelect: () => transitions.run('archive'), disabled: transitionBlocked }
          : { label: 'Restore', onSelect: () => transitions.run('restore'), disabled: transitionBlocked },
      ]}
    />
  );

  return (
    <article
      ref={setArticle}
      aria-label={`Post by @${tweet.author.username}`}
      data-tweet-id={tweet.id}
      tabIndex={-1}
      className={['tweet', className].filter(Boolean).join(' ')}
      {...rest}
    >
      <div className="tweet-avatar" aria-hidden="true">
        {(tweet.author.displayName || tweet.author.username).slice(0, 1).toUpperCase()}
      </div>
      <div className="tweet-body">
        <header className="tweet-header">
          <Link href={`/@${tweet.author.username}`} className="tweet-author">
            <span className="tweet-name">{tweet.author.displayName || tweet.author.username}</span>
            <span className="muted">@{tweet.author.username}</span>
          </Link>
          <span className="muted" aria-hidden="true">
            ·
          </span>
          <Link href={`/t/${tweet.id}`} className="tweet-time muted">
            {/* A post's time is when it went out: a draft published later is dated by its publishing. */}
            <RelativeTime date={tweet.publishedAt ?? tweet.createdAt} />
          </Link>
          {tweet.editedAt && (
            <Link href={`/t/${tweet.id}/history`} className="tweet-edited" title={`Last edited ${tweet.editedAt.toLocaleString(pageLocale)}`}>
              Edited
            </Link>
          )}
          {tweet.state !== 'published' && <span className={`badge badge-${tweet.state}`}>{tweet.state === 'draft' ? 'Draft' : 'Archived'}</span>}
          {menu && <span className="tweet-menu">{menu}</span>}
        </header>
        {parentAuthor ? (
          <p className="tweet-context muted small">
            Replying to <Link href={`/@${parentAuthor.username}`}>@{parentAuthor.username}</Link>
          </p>
        ) : (
          showReplyContext &&
          tweet.replyToId && (
            <Link href={`/t/${tweet.replyToId}`} className="tweet-context muted small">
              Replying to a post
            </Link>
          )
        )}
        {editing ? <TweetEditor tweet={tweet} onClose={closeEditor} /> : <TweetText tweet={tweet} />}
        <MediaGrid media={tweet.media} />
        <div className="tweet-actions">
          {published && (
            <>
              <Link href={`/t/${tweet.id}`} className="action action-reply" aria-label="Reply" aria-describedby={`${uid}-replies`}>
                <Icon name="reply" />
                <Count id={`${uid}-replies`} testId="reply-count" value={e.replies} noun={['reply', 'replies']} />
              </Link>
              <button
                type="button"
                className="action action-retweet"
                aria-label="Retweet"
                aria-pressed={retweet.active}
                aria-describedby={`${uid}-retweets`}
                disabled={engageWaits}
                onClick={engage(retweet)}
              >
                <Icon name="retweet" />
                <Count id={`${uid}-retweets`} testId="retweet-count" value={e.retweets} noun={['retweet', 'retweets']} />
              </button>
              <button
                type="button"
                className="action action-like"
                aria-label="Like"
                aria-pressed={like.active}
                aria-describedby={`${uid}-likes`}
                disabled={engageWaits}
                onClick={engage(like)}
              >
                <Icon name="like" />
                <Count id={`${uid}-likes`} testId="like-count" value={e.likes} noun={['like', 'likes']} />
              </button>
              <span className="action action-views" title="Views">
                <Icon name="views" />
                <Count testId="view-count" value={e.views} noun={['view', 'views']} />
              </span>
            </>
          )}
          {tweet.state === 'draft' && <span className="muted small">Only you can see this draft</span>}
          <span className="grow" />
          {own && !editing && canEdit(tweet, now) && (
            <button ref={editButton} type="button" className="button subtle small" onClick={() => setEditing(true)}>
              <Icon name="edit" />
              Edit
            </button>
          )}
          {own && tweet.state !== 'published' && (
            <button
              type="button"
              className="button primary small"
              disabled={transitionBlocked}
              aria-busy={transitions.pending}
              onClick={() => transitions.run(tweet.state === 'draft' ? 'publish' : 'restore')}
            >
              {tweet.state === 'draft' ? 'Publish' : 'Restore'}
            </button>
          )}
        </div>
        {linkReplies && published && e.replies > 0 && (
          <Link href={`/t/${tweet.id}`} className="tweet-replies small">
            Show {e.replies === 1 ? '1 reply' : `${e.replies} replies`}
          </Link>
        )}
        {failure && !refused.over && (
          <p className="tweet-failure" role="alert">
            Could not {failureVerb} this post: <ErrorText error={failure} />
          </p>
        )}
      </div>
    </article>
  );
}

function Count({ id, testId, value, noun }: { id?: string; testId: string; value: number; noun: [string, string] }) {
  return (
    <span id={id} className="count">
      <span data-testid={testId}>{value}</span>
      <span className="visually-hidden"> {value === 1 ? noun[0] : noun[1]}</span>
    </span>
  );
}

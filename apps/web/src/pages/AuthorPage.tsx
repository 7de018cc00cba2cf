import '../ui/page.css';
import { Link } from 'wouter';
import { useSession } from '../session.ts';
import { Timeline } from '../timeline/Timeline.tsx';
import { trpc } from '../trpc.ts';
import { errorCode, ErrorMessage } from '../ui/ErrorMessage.tsx';
import { LinkTabs } from '../ui/LinkTabs.tsx';
import { pageLocale } from '../ui/locale.ts';
import { usePageTitle } from '../ui/usePageTitle.ts';

const joined = new Intl.DateTimeFormat(pageLocale, { month: 'long', year: 'numeric' });

/** /@:username — a user's profile and their posts (their drafts too, when it is their own page); on their own page,
 * /@:username/archived lists the posts they archived, each with Restore. */
export function AuthorPage({ username, archived = false }: { username: string; archived?: boolean }) {
  const { user: viewer } = useSession();
  const profile = trpc.user.get.useQuery({ username });
  usePageTitle(archived ? `Archived posts · @${username}` : `@${username}`);
  if (profile.isPending) {
    return (
      <header className="page-header profile" aria-busy="true">
        <h1>@{username}</h1>
        <p className="muted">Loading profile…</p>
      </header>
    );
  }
  if (profile.isError) {
    const missing = errorCode(profile.error) === 'NOT_FOUND' || errorCode(profile.error) === 'BAD_REQUEST';
    return (
      <section className="card empty">
        <h1>{missing ? 'This account does not exist' : `@${username}`}</h1>
        {missing ? (
          <p>
            No one is called @{username}. <Link href="/">Back to the timeline</Link>
          </p>
        ) : (
          <ErrorMessage error={profile.error} retry={() => void profile.refetch()} />
        )}
      </section>
    );
  }
  const user = profile.data;
  const own = viewer?.id === user.id;
  const home = `/@${user.username}`;
  return (
    <>
      <header className="page-header profile">
        <h1>{user.displayName || user.username}</h1>
        <p className="muted">
          @{user.username} · Joined {joined.format(user.createdAt)}
        </p>
      </header>
      {own && (
        <LinkTabs
          label="Your posts"
          tabs={[
            { label: 'Posts', href: home, current: !archived },
            { label: 'Archived', href: `${home}/archived`, current: archived },
          ]}
        />
      )}
      {!archived ? (
        <Timeline key="posts" label={`Posts by @${user.username}`} filter={{ authorId: user.id }} empty={`@${user.username} has not posted yet.`} />
      ) : own ? (
        <Timeline
          key="archived"
          label={`Archived posts by @${user.username}`}
          filter={{ authorId: user.id, archived: true }}
          empty="No archived posts. A post you archive (from its ⋯ menu) leaves the timelines and waits here, ready to restore."
        />
      ) : viewer === undefined ? null : (
        <p className="card empty">Only @{user.username} can see the posts they archived.</p>
      )}
    </>
  );
}

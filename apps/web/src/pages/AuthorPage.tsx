import '../ui/page.css';
import { Link } from 'wouter';
import { Timeline } from '../timeline/Timeline.tsx';
import { trpc } from '../trpc.ts';
import { errorCode, ErrorMessage } from '../ui/ErrorMessage.tsx';
import { pageLocale } from '../ui/locale.ts';
import { usePageTitle } from '../ui/usePageTitle.ts';

const joined = new Intl.DateTimeFormat(pageLocale, { month: 'long', year: 'numeric' });

/** /@:username — a user's profile and their posts (their drafts too, when it is their own page). */
export function AuthorPage({ username }: { username: string }) {
  const profile = trpc.user.get.useQuery({ username });
  usePageTitle(`@${username}`);
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
  return (
    <>
      <header className="page-header profile">
        <h1>{user.displayName || user.username}</h1>
        <p className="muted">
          @{user.username} · Joined {joined.format(user.createdAt)}
        </p>
      </header>
      <Timeline label={`Posts by @${user.username}`} filter={{ authorId: user.id }} empty={`@${user.username} has not posted yet.`} />
    </>
  );
}

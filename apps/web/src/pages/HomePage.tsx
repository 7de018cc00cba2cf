import '../ui/page.css';
import { Link } from 'wouter';
import { Composer } from '../compose/Composer.tsx';
import { useSession } from '../session.ts';
import { Timeline } from '../timeline/Timeline.tsx';
import { usePageTitle } from '../ui/usePageTitle.ts';

export function HomePage() {
  const { user } = useSession();
  usePageTitle('Home');
  return (
    <>
      <header className="page-header">
        <h1>Home</h1>
      </header>
      {user ? (
        <Composer />
      ) : user === null ? (
        <p className="card muted">
          <Link href="/signin">Sign in</Link> or <Link href="/signup">create an account</Link> to post.
        </p>
      ) : (
        <div className="composer-skeleton" aria-hidden="true" />
      )}
      <Timeline label="Timeline" filter={{}} empty="No posts yet. Be the first!" />
    </>
  );
}

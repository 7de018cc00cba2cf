import { lazy, Suspense } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { AuthPage } from './pages/AuthPage.tsx';
import { AuthorPage } from './pages/AuthorPage.tsx';
import { HistoryPage } from './pages/HistoryPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { ThreadPage } from './pages/ThreadPage.tsx';
import { useResetClients } from './providers.tsx';
import { useSession } from './session.ts';
import { trpc } from './trpc.ts';
import { Spinner } from './ui/Spinner.tsx';
import { usePageTitle } from './ui/usePageTitle.ts';

// The dashboard's chart library loads only when someone opens it, so it does not weigh on the first visit.
const DashboardPage = lazy(() => import('./pages/DashboardPage.tsx'));

function Nav() {
  const { user } = useSession();
  const reset = useResetClients();
  const [location, navigate] = useLocation();
  const logout = trpc.auth.logout.useMutation({
    onSuccess: () => {
      reset();
      navigate('/');
    },
  });
  const item = (href: string, label: string) => (
    <Link href={href} className="nav-link" aria-current={location === href ? 'page' : undefined}>
      {label}
    </Link>
  );
  return (
    <nav className="nav" aria-label="Main">
      <Link href="/" className="brand" aria-label="tweetstore home">
        <span aria-hidden="true" className="brand-dot" /> tweetstore
      </Link>
      {item('/', 'Home')}
      {user && item(`/@${user.username}`, 'Profile')}
      {item('/dashboard', 'Dashboard')}
      <span className="nav-spacer" />
      {user === undefined ? null : user ? (
        <span className="nav-user">
          <span className="muted">@{user.username}</span>
          <button type="button" className="button subtle" onClick={() => logout.mutate()} disabled={logout.isPending}>
            Sign out
          </button>
        </span>
      ) : (
        <span className="nav-user">
          {item('/signin', 'Sign in')}
          <Link href="/signup" className="button primary">
            Sign up
          </Link>
        </span>
      )}
    </nav>
  );
}

function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <section className="card empty">
      <h1>Page not found</h1>
      <p>
        <Link href="/">Back to the timeline</Link>
      </p>
    </section>
  );
}

export function App() {
  return (
    <div className="layout">
      <Nav />
      <main className="main" id="main">
        <Suspense fallback={<Spinner label="Loading page" />}>
          <Switch>
            <Route path="/" component={HomePage} />
            <Route path="/signin">{() => <AuthPage mode="signin" />}</Route>
            <Route path="/signup">{() => <AuthPage mode="signup" />}</Route>
            <Route path="/dashboard" component={DashboardPage} />
            <Route path="/t/:id/history">{(params) => <HistoryPage id={params.id} />}</Route>
            <Route path="/t/:id">{(params) => <ThreadPage id={params.id} />}</Route>
            {/* wouter reads "@:username" as literal text, so the author route is a pattern. */}
            <Route path={/^\/@(?<username>[A-Za-z0-9_]{1,15})\/?$/}>{(params) => <AuthorPage username={params.username!} />}</Route>
            <Route component={NotFoundPage} />
          </Switch>
        </Suspense>
      </main>
    </div>
  );
}

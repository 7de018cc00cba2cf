import { lazy, Suspense, type ReactNode } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { AuthPage } from './pages/AuthPage.tsx';
import { AuthorPage } from './pages/AuthorPage.tsx';
import { ExplorePage } from './pages/ExplorePage.tsx';
import { HistoryPage } from './pages/HistoryPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { SearchPage } from './pages/SearchPage.tsx';
import { TagPage } from './pages/TagPage.tsx';
import { ThreadPage } from './pages/ThreadPage.tsx';
import { useResetClients } from './providers.tsx';
import { SearchBox } from './search/SearchBox.tsx';
import { useSession } from './session.ts';
import { trpc } from './trpc.ts';
import { Announcer } from './ui/Announcer.tsx';
import { Icon } from './ui/icons.tsx';
import { Spinner } from './ui/Spinner.tsx';
import { usePageTitle } from './ui/usePageTitle.ts';

// The dashboard's chart library loads only when someone opens it, so it does not weigh on the first visit.
const DashboardPage = lazy(() => import('./pages/DashboardPage.tsx'));

function NavLink({ href, children, label, className }: { href: string; children: ReactNode; label?: string; className?: string }) {
  const [location] = useLocation();
  return (
    <Link href={href} className={['nav-link', className].filter(Boolean).join(' ')} aria-label={label} aria-current={location === href ? 'page' : undefined}>
      {children}
    </Link>
  );
}

function Nav() {
  const { user } = useSession();
  return (
    <nav className="nav" aria-label="Main">
      <Link href="/" className="brand" aria-label="tweetstore home">
        <span aria-hidden="true" className="brand-dot" /> tweetstore
      </Link>
      <SearchBox />
      <NavLink href="/">Home</NavLink>
      <NavLink href="/explore">Explore</NavLink>
      {user && <NavLink href={`/@${user.username}`}>Profile</NavLink>}
      <NavLink href="/dashboard">Dashboard</NavLink>
      {/* On a phone the bar has no room for the search field: this link leads to the search page, which has one. */}
      <NavLink href="/search" className="nav-search-link" label="Search">
        <Icon name="search" />
      </NavLink>
    </nav>
  );
}

/** Who is signed in, and Sign out (or Sign in and Sign up). It follows the page's content in the document, so a
 * keyboard reaches the composer before Sign out; the stylesheet puts it at the foot of the navigation column. */
function Account() {
  const { user } = useSession();
  const reset = useResetClients();
  const [, navigate] = useLocation();
  const logout = trpc.auth.logout.useMutation({
    onSuccess: () => {
      reset();
      navigate('/');
    },
  });
  if (user === undefined) return null;
  return (
    <section className="account" aria-label="Account">
      {user ? (
        <>
          <span className="muted">@{user.username}</span>
          <button type="button" className="button subtle" onClick={() => logout.mutate()} disabled={logout.isPending}>
            Sign out
          </button>
        </>
      ) : (
        <>
          <NavLink href="/signin">Sign in</NavLink>
          <Link href="/signup" className="button primary">
            Sign up
          </Link>
        </>
      )}
    </section>
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
      <a href="#main" className="skip-link">
        Skip to main content
      </a>
      <Nav />
      {/* tabIndex -1: the skip link moves focus here, so the next Tab goes on from the page's content. */}
      <main className="main" id="main" tabIndex={-1}>
        <Suspense fallback={<Spinner label="Loading page" />}>
          <Switch>
            <Route path="/" component={HomePage} />
            <Route path="/signin">{() => <AuthPage mode="signin" />}</Route>
            <Route path="/signup">{() => <AuthPage mode="signup" />}</Route>
            <Route path="/dashboard" component={DashboardPage} />
            <Route path="/search" component={SearchPage} />
            <Route path="/explore" component={ExplorePage} />
            <Route path="/tag/:tag">{(params) => <TagPage tag={params.tag} />}</Route>
            <Route path="/t/:id/history">{(params) => <HistoryPage id={params.id} />}</Route>
            <Route path="/t/:id">{(params) => <ThreadPage id={params.id} />}</Route>
            {/* wouter reads "@:username" as literal text, so the author route is a pattern. */}
            <Route path={/^\/@(?<username>[A-Za-z0-9_]{1,15})(?<archived>\/archived)?\/?$/}>
              {(params) => <AuthorPage username={params.username!} archived={!!params.archived} />}
            </Route>
            <Route component={NotFoundPage} />
          </Switch>
        </Suspense>
      </main>
      <Account />
      <Announcer />
    </div>
  );
}

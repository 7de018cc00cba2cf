import { skipToken } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'wouter';
import { Differences } from '../history/Differences.tsx';
import { revertErrorText, revertHint, useRevert } from '../history/useRevert.tsx';
import type { Comparison } from '../history/VersionPicker.tsx';
import { VersionList } from '../history/VersionList.tsx';
import { useSession } from '../session.ts';
import { trpc } from '../trpc.ts';
import { ErrorMessage, errorCode, useAfterWait, useRetryWait } from '../ui/ErrorMessage.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { usePageTitle } from '../ui/usePageTitle.ts';

/** The latest change: the previous version against the current one (of those the reader may see). */
const latestChange = (numbers: number[]): Comparison => ({ from: numbers.at(-2) ?? numbers.at(-1)!, to: numbers.at(-1)! });

/** `/t/:id/history`: every version of a tweet, a diff between any two, and revert for the author. */
export function HistoryPage({ id }: { id: string }) {
  const { user } = useSession();
  const utils = trpc.useUtils();
  const tweet = trpc.tweet.get.useQuery({ id });
  const versions = trpc.tweet.versions.useQuery({ id });
  usePageTitle(tweet.data ? `Edit history of a post by @${tweet.data.author.username}` : 'Edit history');
  // null follows the latest change as new versions arrive; a choice made with the selects sticks.
  const [chosen, setChosen] = useState<Comparison | null>(null);
  const revert = useRevert(id, () => setChosen(null));
  // Too many changes: reverting waits until the server's wait is over, and the refusal is forgotten then.
  const revertRefused = useRetryWait(revert.error, revert.reset);
  const versionsHeading = useId();
  const compareId = useId();

  // Edits made elsewhere (another tab, the CLI) show up here without a reload.
  const reload = () => Promise.all([utils.tweet.versions.invalidate({ id }), utils.tweet.get.invalidate({ id })]);
  const changes = trpc.tweet.onChange.useSubscription(tweet.data ? { authorId: tweet.data.author.id } : skipToken, {
    onData: ({ data: change }) => {
      if (change.type === 'reset' || change.id === id) void reload();
    },
  });
  // Refused (too many requests): tRPC does not ask again by itself; after the server's wait, start again and reload.
  useAfterWait(changes.error, () => {
    changes.reset();
    void reload();
  });

  const failed = tweet.error ?? versions.error;
  if (failed) {
    const code = errorCode(failed);
    if (code === 'NOT_FOUND' || code === 'BAD_REQUEST') {
      return (
        <section className="card empty">
          <h1>This post does not exist or is not visible to you</h1>
          <p>
            <Link href="/">Back to the timeline</Link>
          </p>
        </section>
      );
    }
    return (
      <section className="card">
        <ErrorMessage error={failed} retry={() => void Promise.all([tweet.refetch(), versions.refetch()])} />
      </section>
    );
  }
  if (!tweet.data || !versions.data) return <Spinner label="Loading the version history" />;

  const items = versions.data.items;
  const count = items.length;
  // Others see a tweet's versions from the one it was published at: the numbers need not start at 1.
  const numbers = items.map((v) => v.version);
  const comparison = chosen && numbers.includes(chosen.from) && numbers.includes(chosen.to) ? chosen : latestChange(numbers);
  const isAuthor = !!user && user.id === tweet.data.author.id;

  return (
    <div className="history">
      <header className="card history-header">
        <p>
          <Link href={`/t/${id}`}>← Back to the post</Link>
        </p>
        <h1>Edit history</h1>
        <p className="muted">
          A post by @{tweet.data.author.username}, {count === 1 ? 'never edited' : `${count} versions`}. Edits and reverts add a
          version; nothing is ever rewritten.
        </p>
      </header>
      <Differences domId={compareId} id={id} versions={numbers} value={comparison} onChange={setChosen} />
      <section className="card" aria-labelledby={versionsHeading}>
        <h2 id={versionsHeading}>Versions</h2>
        {isAuthor && <p className="muted version-hint">{revertHint(tweet.data)}</p>}
        <VersionList
          versions={items}
          canRevert={isAuthor}
          reverting={revert.isPending || revertRefused.waiting}
          revertError={
            revert.error && revert.variables && !revertRefused.over
              ? { version: revert.variables.toVersion, text: revertErrorText(revert.error), dismiss: () => revert.reset() }
              : null
          }
          onRevert={(toVersion) => revert.mutate({ id, toVersion, expectedVersion: items.at(-1)?.version })}
          onShowChanges={(version) => {
            setChosen({ from: version - 1, to: version });
            document.getElementById(compareId)?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
          }}
        />
      </section>
    </div>
  );
}

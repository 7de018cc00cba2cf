import { keepPreviousData, skipToken } from '@tanstack/react-query';
import { useId } from 'react';
import { trpc } from '../trpc.ts';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { DiffGranularityNote, DiffLegend, DiffText } from './DiffView.tsx';
import { VersionPicker, type Comparison } from './VersionPicker.tsx';

/** The "compare versions" card: two version selects and the diff between them. */
export function Differences({ domId, id, versions, value, onChange }: { domId?: string; id: string; versions: number[]; value: Comparison; onChange: (next: Comparison) => void }) {
  const headingId = useId();
  const count = versions.length;
  const same = value.from === value.to;
  // History is never rewritten, so a diff between two versions never changes.
  const diff = trpc.tweet.diff.useQuery(count > 1 && !same ? { id, from: value.from, to: value.to } : skipToken, {
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
  const shown = same ? undefined : diff.data;

  let body;
  if (count < 2) body = <p className="muted">This post has not been edited, so there is nothing to compare yet.</p>;
  else if (same) body = <p className="muted">Both sides are version {value.from}. Choose two different versions to see what changed.</p>;
  else if (diff.isError && !shown) body = <ErrorMessage error={diff.error} retry={() => void diff.refetch()} />;
  else if (!shown) body = <Spinner label="Loading the differences" />;
  else {
    body = (
      <>
        <p className="diff-caption muted">
          From version {shown.from} to version {shown.to}
          {shown.ops.every(([op]) => op === 0) ? ': no differences in the text' : ''}
        </p>
        <DiffGranularityNote granularity={shown.granularity} />
        <DiffText ops={shown.ops} />
      </>
    );
  }

  return (
    <section id={domId} className="card history-compare" aria-labelledby={headingId}>
      <h2 id={headingId}>Compare versions</h2>
      {count > 1 && <VersionPicker versions={versions} value={value} onChange={onChange} />}
      <section aria-label="Differences" className="diff-region" aria-live="polite" aria-busy={diff.isFetching}>
        {body}
      </section>
      {count > 1 && <DiffLegend />}
    </section>
  );
}

import './history.css';
import type { RouterOutputs } from '../trpc.ts';

export type DiffOps = RouterOutputs['tweet']['diff']['ops'];
type Granularity = RouterOutputs['tweet']['diff']['granularity'];

/** One diff as running text: deletions struck through, insertions underlined (readable without colour), and
 * announced to screen readers by the visually hidden markers in history.css. */
export function DiffText({ ops }: { ops: DiffOps }) {
  return (
    <p className="diff-text">
      {ops.map(([op, text], i) =>
        op === -1 ? <del key={i}>{text}</del> : op === 1 ? <ins key={i}>{text}</ins> : <span key={i}>{text}</span>,
      )}
    </p>
  );
}

const coarser: Record<Exclude<Granularity, 'character'>, string> = {
  word: 'These versions differ too much to compare letter by letter; changes are shown word by word.',
  whole: 'These versions differ too much to compare word by word; the changed part is shown as one replacement.',
};

/** Tells the reader when the server compared the versions more coarsely than letter by letter (big rewrites). */
export function DiffGranularityNote({ granularity }: { granularity: Granularity }) {
  return granularity === 'character' ? null : <p className="diff-note">{coarser[granularity]}</p>;
}

/** The legend uses look-alike spans, not <del>/<ins>, so the only real deletions on the page are the diff's. */
export function DiffLegend() {
  return (
    <p className="diff-legend muted">
      <span className="diff-removed">removed text</span> <span className="diff-added">added text</span>
    </p>
  );
}

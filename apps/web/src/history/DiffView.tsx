import './history.css';
import type { RouterOutputs } from '../trpc.ts';

export type DiffOps = RouterOutputs['tweet']['diff']['ops'];

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

/** The legend uses look-alike spans, not <del>/<ins>, so the only real deletions on the page are the diff's. */
export function DiffLegend() {
  return (
    <p className="diff-legend muted">
      <span className="diff-removed">removed text</span> <span className="diff-added">added text</span>
    </p>
  );
}

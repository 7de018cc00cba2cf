/** An accessible loading indicator that keeps its space, so content does not jump when it arrives. */
export function Spinner({ label = 'Loading', block = true }: { label?: string; block?: boolean }) {
  return (
    <div className={block ? 'spinner-block' : 'spinner-inline'} role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span className="visually-hidden">{label}</span>
    </div>
  );
}

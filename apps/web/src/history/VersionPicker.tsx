import { useId } from 'react';

export interface Comparison {
  from: number;
  to: number;
}

/** Two selects that choose any two versions to compare. */
export function VersionPicker({ count, value, onChange }: { count: number; value: Comparison; onChange: (next: Comparison) => void }) {
  const fromId = useId();
  const toId = useId();
  const options = Array.from({ length: count }, (_, i) => (
    <option key={i + 1} value={i + 1}>
      Version {i + 1}
      {i + 1 === count ? ' (current)' : ''}
    </option>
  ));
  return (
    <div className="version-picker">
      <div>
        <label htmlFor={fromId}>Compare from</label>
        <select id={fromId} value={value.from} onChange={(e) => onChange({ ...value, from: Number(e.target.value) })}>
          {options}
        </select>
      </div>
      <div>
        <label htmlFor={toId}>Compare to</label>
        <select id={toId} value={value.to} onChange={(e) => onChange({ ...value, to: Number(e.target.value) })}>
          {options}
        </select>
      </div>
    </div>
  );
}

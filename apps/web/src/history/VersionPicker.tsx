import { useId } from 'react';

export interface Comparison {
  from: number;
  to: number;
}

/** Two selects that choose any two of `versions` (their numbers, oldest first) to compare. */
export function VersionPicker({ versions, value, onChange }: { versions: number[]; value: Comparison; onChange: (next: Comparison) => void }) {
  const fromId = useId();
  const toId = useId();
  const options = versions.map((version, i) => (
    <option key={version} value={version}>
      Version {version}
      {i === versions.length - 1 ? ' (current)' : ''}
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

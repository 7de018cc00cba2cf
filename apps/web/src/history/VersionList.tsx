import './history.css';
import type { ReactNode } from 'react';
import { MediaGrid } from '../media/MediaGrid.tsx';
import type { RouterOutputs } from '../trpc.ts';
import { RelativeTime } from '../ui/RelativeTime.tsx';

export type TweetVersion = RouterOutputs['tweet']['versions']['items'][number];

const kindLabel: Record<TweetVersion['kind'], string> = { created: 'Posted', edited: 'Edited', reverted: 'Reverted' };

interface Props {
  versions: TweetVersion[];
  /** Offer "Revert to version N" (the author only). */
  canRevert: boolean;
  reverting: boolean;
  /** Why the last revert failed, shown at the version it targeted. */
  revertError?: { version: number; text: ReactNode; dismiss(): void } | null;
  onRevert(version: number): void;
  onShowChanges(version: number): void;
}

/** Every version, oldest first, with its full text; the last one is the current version. */
export function VersionList({ versions, canRevert, reverting, revertError, onRevert, onShowChanges }: Props) {
  const current = versions.at(-1)?.version;
  return (
    <ol className="version-list">
      {versions.map((v, i) => {
        const isCurrent = v.version === current;
        const mediaOf = (version: TweetVersion) => version.media.map((m) => m.id).join();
        const mediaChanged = i > 0 && mediaOf(v) !== mediaOf(versions[i - 1]!);
        return (
          <li key={v.version} aria-label={`Version ${v.version}`} aria-current={isCurrent ? 'true' : undefined} className="version">
            <div className="version-head">
              <strong>Version {v.version}</strong>
              {isCurrent && <span className="badge">Current</span>}
              {mediaChanged && <span className="badge">{v.media.length ? 'Media changed' : 'Media removed'}</span>}
              <span className="muted">
                {kindLabel[v.kind]} <RelativeTime date={v.createdAt} />
              </span>
            </div>
            <p className="version-content">{v.content}</p>
            <MediaGrid media={v.media} compact />
            <div className="version-actions">
              {i > 0 && (
                <button type="button" className="button subtle" onClick={() => onShowChanges(v.version)}>
                  Show changes in version {v.version}
                </button>
              )}
              {canRevert && !isCurrent && (
                <button type="button" className="button subtle" onClick={() => onRevert(v.version)} disabled={reverting}>
                  Revert to version {v.version}
                </button>
              )}
            </div>
            {revertError?.version === v.version && (
              <div className="error" role="alert">
                <span>{revertError.text}</span>
                <button type="button" className="button subtle" onClick={revertError.dismiss}>
                  Dismiss
                </button>
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}

// Full size: the large variant in a modal dialog (Escape or the close button closes it, arrows step through),
// with the alt text shown under the image.
import { useEffect, useRef } from 'react';
import type { Media } from '../trpc.ts';
import { variantUrl } from './MediaGrid.tsx';
import { placeholderUrl } from './placeholder.ts';

export function MediaViewer({ media, index, onIndex, onClose }: { media: Media[]; index: number; onIndex: (i: number) => void; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
  }, []);
  const m = media[index]!;
  const step = (by: number) => onIndex((index + by + media.length) % media.length);
  const placeholder = placeholderUrl(m.placeholder);
  return (
    <dialog
      ref={dialog}
      className="media-viewer"
      aria-label="Image viewer"
      onClose={onClose}
      onCancel={onClose}
      onKeyDown={(e) => {
        if (e.key === 'ArrowRight') step(1);
        if (e.key === 'ArrowLeft') step(-1);
      }}
      onClick={(e) => e.target === e.currentTarget && onClose()}
    >
      <figure>
        <img
          key={m.id}
          src={variantUrl(m, 'large') ?? variantUrl(m, 'original')}
          alt={m.alt ?? ''}
          width={m.width}
          height={m.height}
          style={{ backgroundImage: placeholder ? `url(${placeholder})` : undefined }}
        />
        {m.alt && <figcaption>{m.alt}</figcaption>}
      </figure>
      <div className="media-viewer-bar">
        {media.length > 1 && (
          <>
            <button type="button" className="button subtle" onClick={() => step(-1)} aria-label="Previous image">
              ‹
            </button>
            <span className="muted">
              {index + 1} / {media.length}
            </span>
            <button type="button" className="button subtle" onClick={() => step(1)} aria-label="Next image">
              ›
            </button>
          </>
        )}
        <a className="button subtle" href={variantUrl(m, 'original')} target="_blank" rel="noreferrer">
          Original
        </a>
        <button type="button" className="button primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}

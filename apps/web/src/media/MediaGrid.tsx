// A tweet's media: up to 4 images in a grid (each opens the viewer) or one video with controls. Images load the
// size that fits (srcset of the WebP variants) over their ThumbHash placeholder, at their own aspect ratio, so the
// card does not move when they arrive.
import { useState, type CSSProperties } from 'react';
import type { Media } from '../trpc.ts';
import { MediaViewer } from './MediaViewer.tsx';
import { placeholderUrl } from './placeholder.ts';
import './media.css';

export function variantUrl(media: Media, name: string): string | undefined {
  return media.variants.find((v) => v.name === name)?.url;
}

function srcSet(media: Media): string {
  return media.variants
    .filter((v) => v.mime === 'image/webp' && v.width)
    .map((v) => `${v.url} ${v.width}w`)
    .join(', ');
}

function ratio(media: Media): string | undefined {
  return media.width && media.height ? `${media.width} / ${media.height}` : undefined;
}

export function MediaGrid({ media, compact = false }: { media: Media[]; compact?: boolean }) {
  const [open, setOpen] = useState<number | null>(null);
  if (media.length === 0) return null;
  const video = media.find((m) => m.kind === 'video');
  if (video) {
    return (
      <div className="media-grid media-single">
        <video
          className="media-video"
          controls
          preload="metadata"
          playsInline
          src={variantUrl(video, 'original')}
          width={video.width}
          height={video.height}
          style={{ aspectRatio: ratio(video) }}
          aria-label={video.alt || 'Video'}
        />
      </div>
    );
  }
  return (
    <>
      <div className={`media-grid media-count-${media.length}${compact ? ' media-compact' : ''}`}>
        {media.map((m, i) => {
          const placeholder = placeholderUrl(m.placeholder);
          const style: CSSProperties = {
            aspectRatio: media.length === 1 ? ratio(m) : undefined,
            backgroundImage: placeholder ? `url(${placeholder})` : undefined,
          };
          return (
            <button key={m.id} type="button" className="media-tile" style={style} onClick={() => setOpen(i)} aria-label={`View image${m.alt ? `: ${m.alt}` : ''}`}>
              <img
                src={variantUrl(m, compact ? 'thumb' : 'medium')}
                srcSet={compact ? undefined : srcSet(m)}
                sizes="(max-width: 600px) 100vw, 560px"
                alt={m.alt ?? ''}
                width={m.width}
                height={m.height}
                loading="lazy"
                decoding="async"
                onLoad={(e) => e.currentTarget.parentElement?.setAttribute('data-loaded', '')}
              />
            </button>
          );
        })}
      </div>
      {open !== null && <MediaViewer media={media} index={open} onIndex={setOpen} onClose={() => setOpen(null)} />}
    </>
  );
}

// What the composer (or the editor) will post with the text: previews with upload progress, alt text for images,
// removal; and the button that adds more.
import { useRef } from 'react';
import { ErrorText, retryAfterMs, useRetryWait } from '../ui/ErrorMessage.tsx';
import { ACCEPT, type Attachment } from './useAttachments.ts';

export function AddMediaButton({ items, onAdd, small = false }: { items: Attachment[]; onAdd: (files: FileList) => void; small?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        className="composer-file"
        accept={ACCEPT}
        multiple
        aria-label="Add images or a video"
        onChange={(e) => {
          if (e.target.files) onAdd(e.target.files);
          e.target.value = '';
        }}
      />
      <button
        type="button"
        className={`button subtle${small ? ' small' : ''}`}
        onClick={() => input.current?.click()}
        disabled={items.length >= 4 || items.some((a) => a.kind === 'video')}
      >
        Add media
      </button>
    </>
  );
}

interface AttachmentsProps {
  items: Attachment[];
  onAlt: (key: string, alt: string) => void;
  onRemove: (key: string) => void;
  /** Upload again (after a refusal for too many uploads). */
  onRetry: (key: string) => void;
}

export function Attachments({ items, onAlt, onRemove, onRetry }: AttachmentsProps) {
  if (items.length === 0) return null;
  return (
    <ul className="attachments" aria-label="Attached media">
      {items.map((a) => (
        <li key={a.key} className="attachment" data-state={a.error ? 'failed' : a.media ? 'uploaded' : 'uploading'}>
          {a.kind === 'image' ? <img src={a.preview} alt="" /> : <video src={a.preview} muted playsInline preload="metadata" />}
          <div className="attachment-info">
            <span className="attachment-name">{a.name}</span>
            {!a.media && !a.error && (
              <progress max={1} value={a.progress} aria-label={`Uploading ${a.name}`}>
                {Math.round(a.progress * 100)}%
              </progress>
            )}
            {a.error && <UploadError error={a.error} onRetry={() => onRetry(a.key)} />}
            {a.kind === 'image' && !a.error && (
              <input type="text" className="attachment-alt" placeholder="Describe this image (alt text)" aria-label={`Alt text for ${a.name}`} maxLength={1000} value={a.alt} onChange={(e) => onAlt(a.key, e.target.value)} />
            )}
          </div>
          <button type="button" className="button subtle small" onClick={() => onRemove(a.key)} aria-label={`Remove ${a.name}`}>
            {a.media || a.error ? 'Remove' : 'Cancel'}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Why an upload failed. One refused for too many uploads can go again, once the server's wait is over. */
function UploadError({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const { waiting } = useRetryWait(error);
  return (
    <span className="attachment-error" role="alert">
      <ErrorText error={error} />
      {retryAfterMs(error) !== undefined && (
        <button type="button" className="button subtle small" onClick={onRetry} disabled={waiting}>
          Try again
        </button>
      )}
    </span>
  );
}

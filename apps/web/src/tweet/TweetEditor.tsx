import { MAX_CONTENT_CODE_UNITS } from '@tweetstore/core';
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { AddMediaButton, Attachments } from '../compose/Attachments.tsx';
import { CharacterCounter } from '../compose/CharacterCounter.tsx';
import { useAttachments } from '../compose/useAttachments.ts';
import { isOverLimit, useContentCheck } from '../compose/useContentCheck.ts';
import { trpc, type Tweet } from '../trpc.ts';
import { ErrorMessage, ErrorText, errorCode, useRetryWait } from '../ui/ErrorMessage.tsx';
import { useNow } from '../ui/useNow.ts';
import { storeTweet } from './cache.ts';
import { editAllowanceText } from './editWindow.ts';

/**
 * Edit in place. The edit names the version it started from (expectedVersion), so an edit made meanwhile elsewhere
 * is a CONFLICT, shown with the newer text; the typed text stays, and saving again applies it on top of that version.
 */
export function TweetEditor({ tweet, onClose }: { tweet: Tweet; onClose: () => void }) {
  const id = useId();
  const utils = trpc.useUtils();
  const now = useNow(15_000);
  const [text, setText] = useState(tweet.content);
  const [baseVersion, setBaseVersion] = useState(tweet.version);
  const [latest, setLatest] = useState<Tweet | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const content = useContentCheck(text);
  const attachments = useAttachments(tweet.media);
  const edit = trpc.tweet.edit.useMutation({
    onSuccess: (saved) => {
      storeTweet(utils, saved);
      onClose();
    },
  });
  // Refused for too many requests: saving waits until the server's wait is over (the alert counts it down).
  const refused = useRetryWait(edit.error ?? attachments.saveError);
  const blocked = !content.ok || attachments.uploading || attachments.failed || refused.waiting;
  const conflict = errorCode(edit.error) === 'CONFLICT';

  const loadLatest = async () => {
    try {
      const fresh = await utils.client.tweet.get.query({ id: tweet.id });
      storeTweet(utils, fresh);
      setLatest(fresh);
      setBaseVersion(fresh.version);
      setLoadError(null);
      edit.reset();
    } catch (error) {
      setLoadError(error);
    }
  };
  const save = async (event?: FormEvent) => {
    event?.preventDefault();
    if (edit.isPending || blocked) return;
    const mediaIds = await attachments.mediaIdsForPost();
    if (mediaIds) edit.mutate({ id: tweet.id, content: text, mediaIds, expectedVersion: baseVersion });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') onClose();
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) void save();
  };

  return (
    <form className="tweet-editor" onSubmit={(e) => void save(e)}>
      <textarea
        aria-label="Edit post text"
        aria-describedby={content.problem ? `${id}-count ${id}-allowance ${id}-problem` : `${id}-count ${id}-allowance`}
        aria-invalid={isOverLimit(content.weighed) || content.problem !== null || undefined}
        value={text}
        rows={3}
        maxLength={MAX_CONTENT_CODE_UNITS}
        autoFocus
        onFocus={(e) => e.currentTarget.setSelectionRange(e.currentTarget.value.length, e.currentTarget.value.length)}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      {content.problem && (
        <p id={`${id}-problem`} className="error">
          {content.problem}
        </p>
      )}
      <Attachments items={attachments.items} onAlt={attachments.setAlt} onRemove={attachments.remove} onRetry={attachments.retry} />
      {attachments.notice && (
        <p className="error" role="alert">
          {attachments.notice}
        </p>
      )}
      {attachments.saveError ? <ErrorMessage error={attachments.saveError} /> : null}
      <div className="tweet-editor-bar">
        <AddMediaButton items={attachments.items} onAdd={attachments.add} small />
        <CharacterCounter weighed={content.weighed} id={`${id}-count`} />
        <span id={`${id}-allowance`} className="muted small">
          {editAllowanceText(tweet, now)}
        </span>
        <span className="grow" />
        <button type="button" className="button subtle small" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button primary small" disabled={edit.isPending || blocked} aria-busy={edit.isPending}>
          Save
        </button>
      </div>
      {conflict ? (
        <div className="error" role="alert">
          <span>
            <strong>Edit conflict:</strong> this post was changed elsewhere after you started editing version {baseVersion}.
            Your text is kept; load the latest version, then save again to replace it.
            {loadError ? (
              <>
                {' '}
                (Could not load it: <ErrorText error={loadError} />)
              </>
            ) : null}
          </span>
          <button type="button" className="button subtle small" onClick={() => void loadLatest()}>
            Load latest
          </button>
        </div>
      ) : edit.error ? (
        <ErrorMessage error={edit.error} />
      ) : latest ? (
        <p className="muted small" role="status">
          Latest version ({latest.version}): “{latest.content}”
        </p>
      ) : null}
    </form>
  );
}

import { MAX_CONTENT_CODE_UNITS } from '@tweetstore/core';
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { storeTweet } from '../tweet/cache.ts';
import { trpc, type Tweet } from '../trpc.ts';
import { ErrorMessage, useRetryWait } from '../ui/ErrorMessage.tsx';
import { AddMediaButton, Attachments } from './Attachments.tsx';
import { CharacterCounter } from './CharacterCounter.tsx';
import { newIdempotencyKey } from './idempotency.ts';
import { useAttachments } from './useAttachments.ts';
import { isOverLimit, useContentCheck } from './useContentCheck.ts';
import './compose.css';

interface Attempt {
  key: string;
  content: string;
  draft: boolean;
  mediaIds: string;
}

/**
 * Write a post or, with `replyToId`, a reply, with up to 4 images or a video (uploaded as soon as they are picked).
 * Each submission carries an idempotency key that is kept until it succeeds, so a double click, or a retry after an
 * error, creates the tweet once; changing the text, the media or the kind of submission (post or draft) makes it a
 * new request with a new key.
 */
export function Composer({ replyToId, onPosted }: { replyToId?: string; onPosted?: (tweet: Tweet) => void }) {
  const id = useId();
  const utils = trpc.useUtils();
  const [text, setText] = useState('');
  const [announcement, setAnnouncement] = useState('');
  const attempt = useRef<Attempt | null>(null);
  const submitting = useRef(false);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const content = useContentCheck(text);
  const create = trpc.tweet.create.useMutation();
  const attachments = useAttachments();
  const failure = create.error ?? attachments.saveError;
  // Refused for too many requests: posting waits until the server's wait is over (the alert counts it down).
  const refused = useRetryWait(failure);
  const over = isOverLimit(content.weighed);
  const reply = replyToId !== undefined;
  const blocked = !content.ok || attachments.uploading || attachments.failed || refused.waiting;

  const submit = async (draft: boolean) => {
    if (submitting.current || blocked) return;
    submitting.current = true;
    setAnnouncement('');
    const mediaIds = await attachments.mediaIdsForPost();
    if (!mediaIds) {
      submitting.current = false;
      return;
    }
    const media = mediaIds.join(',');
    if (!attempt.current || attempt.current.content !== text || attempt.current.draft !== draft || attempt.current.mediaIds !== media) {
      attempt.current = { key: newIdempotencyKey(), content: text, draft, mediaIds: media };
    }
    create.mutate(
      { content: text, replyToId, draft: draft || undefined, idempotencyKey: attempt.current.key, mediaIds: mediaIds.length ? mediaIds : undefined },
      {
        onSuccess: (tweet) => {
          attempt.current = null;
          setText('');
          attachments.clear();
          storeTweet(utils, tweet, { insert: true });
          if (replyToId) void utils.tweet.get.invalidate({ id: replyToId });
          setAnnouncement(draft ? 'Draft saved' : reply ? 'Reply sent' : 'Post sent');
          textarea.current?.focus();
          onPosted?.(tweet);
        },
        onSettled: () => {
          submitting.current = false;
        },
      },
    );
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(false);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
      event.preventDefault();
      void submit(false);
    }
  };

  const label = reply ? 'Reply text' : 'Post text';
  return (
    <form className="composer" onSubmit={onSubmit} data-over={over || undefined} aria-label={reply ? 'Write a reply' : 'Write a post'}>
      <textarea
        ref={textarea}
        aria-label={label}
        aria-describedby={content.problem ? `${id}-count ${id}-problem` : `${id}-count`}
        aria-invalid={over || content.problem !== null || undefined}
        placeholder={reply ? 'Post your reply' : 'What is happening?'}
        rows={3}
        maxLength={MAX_CONTENT_CODE_UNITS}
        value={text}
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
      {failure ? <ErrorMessage error={failure} /> : null}
      <div className="composer-bar">
        <AddMediaButton items={attachments.items} onAdd={attachments.add} />
        <span className="grow" />
        <span className="visually-hidden" aria-live="polite">
          {announcement}
        </span>
        <CharacterCounter weighed={content.weighed} id={`${id}-count`} />
        {!reply && (
          <button type="button" className="button subtle" disabled={blocked || create.isPending} onClick={() => void submit(true)}>
            Save draft
          </button>
        )}
        <button type="submit" className="button primary" disabled={blocked || create.isPending} aria-busy={create.isPending}>
          {reply ? 'Reply' : 'Post'}
        </button>
      </div>
    </form>
  );
}

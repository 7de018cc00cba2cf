// The composer's attachments: each file starts uploading as soon as it is picked (media.upload over httpLink, with
// progress), can be described (alt text) and removed (an upload in flight is cancelled). A post may carry up to 4
// images or one video, as the server allows.
import pLimit from 'p-limit';
import { useCallback, useEffect, useRef, useState } from 'react';
import { trackUpload } from '../media/uploadProgress.ts';
import { trpc, type Media } from '../trpc.ts';

export const ACCEPT = 'image/jpeg,image/png,image/webp,image/gif,video/mp4,video/webm';
const MAX_IMAGES = 4;
/** API.md Limits: the server refuses a 4th upload in flight, and 4 images are a post's worth: the 4th waits its turn. */
const UPLOADS_AT_ONCE = 3;

export interface Attachment {
  key: string;
  name: string;
  kind: 'image' | 'video';
  /** an object URL of the picked file, for the preview */
  preview: string;
  /** 0..1 of the bytes sent */
  progress: number;
  alt: string;
  media: Media | null;
  /** why the upload failed (ErrorText says it) */
  error: Error | null;
}

let counter = 0;

/** What a post already carries, as attachments (editing keeps, reorders or removes them). */
function attached(media: Media): Attachment {
  const thumb = media.variants.find((v) => v.name === (media.kind === 'video' ? 'original' : 'thumb')) ?? media.variants[0];
  return { key: `a${++counter}`, name: media.alt || (media.kind === 'video' ? 'video' : 'image'), kind: media.kind, preview: thumb?.url ?? '', progress: 1, alt: media.alt ?? '', media, error: null };
}

const revoke = (a: Attachment) => a.preview.startsWith('blob:') && URL.revokeObjectURL(a.preview);

export function useAttachments(initial: readonly Media[] = []) {
  const utils = trpc.useUtils();
  const [items, setItems] = useState<Attachment[]>(() => initial.map(attached));
  const [notice, setNotice] = useState<string | null>(null);
  const aborts = useRef(new Map<string, AbortController>());
  const [turns] = useState(() => pLimit(UPLOADS_AT_ONCE));
  /** The picked files, to upload again after a refusal for too many uploads. */
  const pickedFiles = useRef(new Map<string, File>());
  const latest = useRef(items);
  latest.current = items;

  const update = useCallback((key: string, change: Partial<Attachment>) => {
    setItems((list) => list.map((a) => (a.key === key ? { ...a, ...change } : a)));
  }, []);

  const upload = useCallback(
    (key: string, file: File) => {
      const form = new FormData();
      form.set('file', file, file.name);
      const abort = new AbortController();
      aborts.current.set(key, abort);
      trackUpload(form, (progress) => update(key, { progress }));
      void turns(async () => {
        if (abort.signal.aborted) return; // removed while it waited its turn
        await utils.client.media.upload.mutate(form, { signal: abort.signal }).then(
          (media) => update(key, { media, progress: 1 }),
          (error: unknown) => abort.signal.aborted || update(key, { error: error instanceof Error ? error : new Error(String(error)) }),
        );
      }).finally(() => aborts.current.delete(key));
    },
    [utils, update, turns],
  );

  const add = useCallback(
    (files: Iterable<File>) => {
      setNotice(null);
      const picked = [...files];
      const current = latest.current;
      const videos = picked.filter((f) => f.type.startsWith('video/'));
      const hasVideo = current.some((a) => a.kind === 'video');
      if (videos.length > 0 && (hasVideo || current.length > 0 || picked.length > 1)) {
        setNotice('A post can have one video, and nothing else with it.');
        return;
      }
      if (hasVideo || current.length + picked.length > MAX_IMAGES) {
        setNotice(`A post can have up to ${MAX_IMAGES} images.`);
        return;
      }
      const added = picked.map((file) => ({
        key: `a${++counter}`,
        name: file.name,
        kind: file.type.startsWith('video/') ? ('video' as const) : ('image' as const),
        preview: URL.createObjectURL(file),
        progress: 0,
        alt: '',
        media: null,
        error: null,
        file,
      }));
      setItems((list) => [...list, ...added.map(({ file: _, ...a }) => a)]);
      for (const a of added) {
        pickedFiles.current.set(a.key, a.file);
        upload(a.key, a.file);
      }
    },
    [upload],
  );

  const retry = useCallback(
    (key: string) => {
      const file = pickedFiles.current.get(key);
      if (!file) return;
      update(key, { error: null, progress: 0 });
      upload(key, file);
    },
    [update, upload],
  );

  const remove = useCallback((key: string) => {
    aborts.current.get(key)?.abort();
    pickedFiles.current.delete(key);
    setItems((list) => {
      const gone = list.find((a) => a.key === key);
      if (gone) revoke(gone);
      return list.filter((a) => a.key !== key);
    });
  }, []);

  const clear = useCallback(() => {
    for (const a of latest.current) revoke(a);
    pickedFiles.current.clear();
    setItems([]);
    setNotice(null);
  }, []);

  useEffect(
    () => () => {
      for (const abort of aborts.current.values()) abort.abort();
      for (const a of latest.current) revoke(a);
    },
    [],
  );

  /** The media ids to post, once every alt text typed here is saved on its media; null (and saveError) if one fails. */
  const [saveError, setSaveError] = useState<unknown>(null);
  const mediaIdsForPost = useCallback(async (): Promise<string[] | null> => {
    const ready = latest.current;
    setSaveError(null);
    try {
      await Promise.all(
        ready.filter((a) => a.media && a.alt.trim() !== (a.media.alt ?? '')).map((a) => utils.client.media.setAlt.mutate({ id: a.media!.id, alt: a.alt })),
      );
    } catch (error) {
      setSaveError(error);
      return null;
    }
    return ready.map((a) => a.media!.id);
  }, [utils]);

  const uploading = items.some((a) => !a.media && !a.error);
  const failed = items.some((a) => a.error);
  return { items, notice, saveError, add, retry, remove, clear, setAlt: (key: string, alt: string) => update(key, { alt }), uploading, failed, mediaIdsForPost };
}

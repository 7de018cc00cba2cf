// Upload progress for tRPC's httpLink: fetch cannot report how much of a request body has been sent, XMLHttpRequest
// can. The link hands its fetch the FormData it was given as the body, so a caller registers that FormData with a
// progress callback (trackUpload) and this fetch sends it with XMLHttpRequest; anything else goes to window.fetch.

const listeners = new WeakMap<object, (fraction: number) => void>();

/** Calls `onProgress` with 0..1 as `form` is sent (once it is passed to a call that uploads it). */
export function trackUpload(form: FormData, onProgress: (fraction: number) => void): void {
  listeners.set(form, onProgress);
}

export const progressFetch: typeof fetch = (input, init) => {
  const listener = init?.body instanceof FormData ? listeners.get(init.body) : undefined;
  if (!listener) return fetch(input, init);
  return new Promise<Response>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(init?.method ?? 'POST', typeof input === 'string' || input instanceof URL ? String(input) : input.url);
    new Headers(init?.headers).forEach((value, key) => xhr.setRequestHeader(key, value));
    xhr.withCredentials = init?.credentials === 'include';
    xhr.responseType = 'arraybuffer';
    xhr.upload.onprogress = (e) => e.lengthComputable && listener(e.loaded / e.total);
    xhr.onload = () => {
      listener(1);
      const headers = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
        const at = line.indexOf(':');
        if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      const empty = xhr.status === 204 || xhr.status === 304;
      resolve(new Response(empty ? null : (xhr.response as ArrayBuffer), { status: xhr.status, statusText: xhr.statusText, headers }));
    };
    xhr.onerror = () => reject(new TypeError('network error while uploading'));
    xhr.onabort = () => reject(new DOMException('the upload was cancelled', 'AbortError'));
    init?.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(init!.body as FormData);
  });
};

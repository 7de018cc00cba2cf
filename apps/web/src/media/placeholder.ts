// A media object's ThumbHash as a tiny PNG data URL, painted under the image until it loads.
import { thumbHashToDataURL } from 'thumbhash';

const made = new Map<string, string>();

export function placeholderUrl(hash: string | undefined): string | undefined {
  if (!hash) return undefined;
  let url = made.get(hash);
  if (url === undefined) {
    try {
      url = thumbHashToDataURL(Uint8Array.from(atob(hash), (c) => c.charCodeAt(0)));
    } catch {
      url = ''; // a malformed hash: no placeholder, never an error
    }
    made.set(hash, url);
  }
  return url || undefined;
}

import { useEffect } from 'react';

/** Names the page in the browser's tab, history and bookmarks, and to a screen reader on arrival: "Home · tweetstore". */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · tweetstore`;
  }, [title]);
}

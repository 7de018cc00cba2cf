import { useSearchParams } from 'wouter';

export type SearchSort = 'latest' | 'top';

/** The address of a search: /search?q=…, with &sort=top for Top (Latest is the default), so it can be shared. */
export function searchPath(q: string, sort: SearchSort = 'latest'): string {
  const params = new URLSearchParams({ q });
  if (sort === 'top') params.set('sort', 'top');
  return `/search?${params}`;
}

/** The search the address names (an empty query when there is none). */
export function useSearchAddress(): { q: string; sort: SearchSort } {
  const [params] = useSearchParams();
  return { q: params.get('q') ?? '', sort: params.get('sort') === 'top' ? 'top' : 'latest' };
}

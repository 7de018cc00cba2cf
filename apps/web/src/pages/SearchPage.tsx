import '../ui/page.css';
import { useMemo, useRef } from 'react';
import { SearchBox } from '../search/SearchBox.tsx';
import { searchPath, useSearchAddress, type SearchSort } from '../search/searchUrl.ts';
import { useSearchResults } from '../search/useSearchResults.ts';
import { TweetFeed } from '../timeline/TweetFeed.tsx';
import { LinkTabs } from '../ui/LinkTabs.tsx';
import { useDocumentTop } from '../ui/useDocumentTop.ts';
import { usePageTitle } from '../ui/usePageTitle.ts';

const SORTS: { sort: SearchSort; label: string }[] = [
  { sort: 'latest', label: 'Latest' },
  { sort: 'top', label: 'Top' },
];

/** /search?q=…&sort=top — posts matching a query (API.md's query language), Latest or Top, a page at a time. */
export function SearchPage() {
  const { q, sort } = useSearchAddress();
  const query = q.trim();
  usePageTitle(query ? `${query} · Search` : 'Search');
  return (
    <>
      <header className="page-header">
        <h1>{query ? <>Results for “{query}”</> : 'Search'}</h1>
      </header>
      <SearchBox className="search-page-box" />
      {query ? (
        <>
          <LinkTabs label="Order of results" tabs={SORTS.map((s) => ({ label: s.label, href: searchPath(query, s.sort), current: s.sort === sort }))} />
          <SearchResults key={`${sort}:${query}`} q={query} sort={sort} />
        </>
      ) : (
        <div className="empty">
          <p>Search posts by words, “an exact phrase”, #hashtag, @mention or from:username; -word leaves a word out.</p>
        </div>
      )}
    </>
  );
}

function SearchResults({ q, sort }: { q: string; sort: SearchSort }) {
  const list = useRef<HTMLDivElement>(null);
  const listTop = useDocumentTop(list);
  const { query, items } = useSearchResults(q, sort);
  const label = useMemo(() => `${sort === 'top' ? 'Top' : 'Latest'} results for “${q}”`, [q, sort]);
  return (
    <TweetFeed
      label={label}
      query={query}
      items={items}
      empty={<p>No posts match “{q}”. Try fewer or other words.</p>}
      refused="Nothing to search for"
      listRef={list}
      listTop={listTop}
    />
  );
}

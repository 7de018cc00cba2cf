import { MAX_QUERY_LENGTH } from '@tweetstore/core';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { Icon } from '../ui/icons.tsx';
import { searchPath, useSearchAddress } from './searchUrl.ts';
import './search.css';

/** A search field: Enter goes to /search?q=… (keeping Top when on Top). On the results page it holds the query shown,
 * and follows Back and Forward. */
export function SearchBox({ className }: { className?: string }) {
  const id = useId();
  const [location, navigate] = useLocation();
  const shown = useSearchAddress();
  const onResults = location === '/search';
  const current = onResults ? shown.q : '';
  const [text, setText] = useState(current);
  useEffect(() => setText(current), [current]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const q = text.trim();
    if (q) navigate(searchPath(q, onResults ? shown.sort : 'latest'));
  };
  return (
    <form role="search" aria-label="Search posts" className={['search-box', className].filter(Boolean).join(' ')} onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        Search posts
      </label>
      <Icon name="search" />
      <input
        id={id}
        type="search"
        name="q"
        placeholder="Search"
        autoComplete="off"
        enterKeyHint="search"
        maxLength={MAX_QUERY_LENGTH}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
    </form>
  );
}

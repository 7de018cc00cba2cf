import '../ui/page.css';
import { tagKey } from '@tweetstore/core';
import { Timeline } from '../timeline/Timeline.tsx';
import { usePageTitle } from '../ui/usePageTitle.ts';

/** /tag/:tag — the published posts carrying a hashtag (any case, with or without #), newest first, kept live. */
export function TagPage({ tag }: { tag: string }) {
  const name = tag.replace(/^[#＃]/, '');
  usePageTitle(`#${name}`);
  return (
    <>
      <header className="page-header">
        <h1>#{name}</h1>
        <p className="muted">Posts with this hashtag, newest first</p>
      </header>
      <Timeline key={tagKey(name)} label={`Posts with #${name}`} filter={{ hashtag: tagKey(name) }} empty={`No posts with #${name} yet.`} refused="This is not a hashtag" />
    </>
  );
}

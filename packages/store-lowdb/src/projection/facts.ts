// A tweet's hashtags, mentions and urls packed into one string: three small arrays per tweet cost ~150 bytes of
// heap and most of the time of parsing a checkpoint, and only a view needs them. Items hold no whitespace (the
// text parser ends them there), so `tags\nmentions\nurls` with items split by spaces is exact; anything else is
// kept as JSON (which starts with '[', as no hashtag can).
import type { TextFacts } from '@tweetstore/store';

type Facts = Pick<TextFacts, 'hashtags' | 'mentions' | 'urls'>;

const PLAIN_ITEM = /^[^\s[][^\s]*$/u;

export function packFacts({ hashtags, mentions, urls }: Facts): string {
  if (hashtags.length + mentions.length + urls.length === 0) return '';
  const groups = [hashtags, mentions, urls];
  if (groups.every((items) => items.every((item) => PLAIN_ITEM.test(item)))) return groups.map((items) => items.join(' ')).join('\n');
  return JSON.stringify(groups);
}

export function unpackFacts(packed: string): Facts {
  if (packed === '') return { hashtags: [], mentions: [], urls: [] };
  const [hashtags, mentions, urls] = packed.startsWith('[')
    ? (JSON.parse(packed) as string[][])
    : packed.split('\n').map((group) => (group === '' ? [] : group.split(' ')));
  return { hashtags: hashtags!, mentions: mentions!, urls: urls! };
}

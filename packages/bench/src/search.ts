// The search rows' queries (issue 15 point 7): one of each kind, in the seed's vocabulary
// (packages/store/src/seed/content.ts), so they match real fixture tweets. The seed draws its tokens independently,
// so a phrase is two words that happen to fall side by side: "coffee morning" does in ~0.08% of the texts (80 of the
// 100k fixture's), the two words anywhere in ~1.5%, `coffee` (a word, or inside #coffee) in ~13%, #coffee in ~6.5%.

export const SEARCH_KINDS = ['one-word', 'two-word', 'hashtag', 'phrase'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export const SEARCH_QUERIES: Record<SearchKind, string> = {
  'one-word': 'coffee',
  'two-word': 'coffee morning',
  hashtag: '#coffee',
  phrase: '"coffee morning"',
};

/** Every search row asks for the newest page of this many. */
export const SEARCH_LIMIT = 20;

/** A search row's scenario name, e.g. `search phrase`. */
export const searchScenario = (kind: SearchKind) => `search ${kind}`;

/** The kind of a search row's scenario, or null for any other row. */
export function searchKindOf(scenario: string): SearchKind | null {
  const kind = scenario.startsWith('search ') ? scenario.slice(7) : '';
  return (SEARCH_KINDS as readonly string[]).includes(kind) ? (kind as SearchKind) : null;
}

/** The trends rows: trends.hashtags and trends.tweets, each its own row. */
export const TRENDS = ['hashtags', 'tweets'] as const;
export type TrendsList = (typeof TRENDS)[number];
export const trendsScenario = (list: TrendsList) => `trends ${list}`;

/** Whether a row is one of issue 15's (a search or a trends list, 1 client). */
export const isSearchOrTrends = (scenario: string) => searchKindOf(scenario) !== null || scenario.startsWith('trends ');

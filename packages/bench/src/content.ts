// Deterministic, realistic-looking post texts for the load generators and the fixture loader: words, emoji,
// CJK, hashtags, mentions and URLs, well under the 280 weighted-character limit.

/** mulberry32: a tiny seeded PRNG, so every run sends the same mix. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  'the a of and to in is it that for on with as was at by this from have not be are or we you they new just one more about today time like good people now great first really think know make see'.split(
    ' ',
  );
const EMOJI = ['😀', '🎉', '🚀', '❤️', '👍🏽', '🔥', '✨', '👨‍👩‍👧', '🇯🇵', '☕'];
const CJK = ['今日は良い天気です', '你好世界', '안녕하세요', '東京タワー'];
const TAGS = ['#bench', '#tweetstore', '#nodejs', '#今日', '#trpc', '#lowdb'];
const URLS = ['https://example.com/a', 'https://nodejs.org/en/docs', 'http://t.co/abc123'];

/** A post of roughly 40..160 weighted characters; `n` makes it unique. */
export function postText(rand: () => number, n: number): string {
  const parts: string[] = [];
  const words = 5 + Math.floor(rand() * 18);
  for (let i = 0; i < words; i++) parts.push(WORDS[Math.floor(rand() * WORDS.length)]!);
  const extra = rand();
  if (extra < 0.35) parts.push(EMOJI[Math.floor(rand() * EMOJI.length)]!);
  if (rand() < 0.15) parts.push(CJK[Math.floor(rand() * CJK.length)]!);
  if (rand() < 0.3) parts.push(TAGS[Math.floor(rand() * TAGS.length)]!);
  if (rand() < 0.1) parts.push(URLS[Math.floor(rand() * URLS.length)]!);
  if (rand() < 0.1) parts.push('@bench0');
  parts.push(`#${n.toString(36)}`);
  return parts.join(' ');
}

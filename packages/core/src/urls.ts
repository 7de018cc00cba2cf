// twitter-text's extractUrlsWithIndices, with the same answers, in time linear in the text.
//
// Its URL regex (`(pre)((https?://)?(subdomain* domainName TLD)(:port)?(/path)?(?query)?)`, case-insensitive, global) is
// tried at every position. At each, `subdomain*` runs greedily to the end of the chain of dotted labels and then backs
// off label by label looking for a TLD, so a long chain with no reachable TLD costs its length at every position in
// it: 'a.'×5000 took ~150 ms, '字.'×5000 ~1.2 s. Here the farthest TLD each label can reach is worked out once, right
// to left, so each position answers at once. Then each match goes through twitter-text's own checks (URL length,
// punycode label lengths, ASCII-only domains, t.co slugs), ported below with its regexes, because its punycode step
// costs ~2 µs per label through punycode.toASCII: a 4,000-character domain of one-letter labels took 5-8 ms.
// test/urls.test.ts checks these pieces spell the library's regex and compares the answers with the library's.
import punycode from 'punycode';
import twitterText from 'twitter-text';

const { regexen } = twitterText;

export type UrlEntity = { url: string; indices: [number, number] };

/** One match of the URL regex: `start` is its preceding character's (if it took one), `url` where its $3 starts. */
export interface UrlMatch {
  start: number;
  url: number;
  domain: number;
  domainEnd: number;
  hasPath: boolean;
  end: number;
}

// Sticky copies of the regex's parts, with its flags; each use sets lastIndex first, so no state carries over.
const precedingChar = new RegExp(regexen.validUrlPrecedingChars.source, 'iy');
const protocol = /https?:\/\//iy;
const tld = new RegExp(`(?:${regexen.validGTLD.source}|${regexen.validCCTLD.source}|${regexen.validPunycode.source})`, 'iy');
/** Port, path and query: all optional, so they always match and never make the regex back into the domain. */
const afterDomain = new RegExp(
  `(?::(${regexen.validPortNumber.source}))?(\\/${regexen.validUrlPath.source}*)?(\\?${regexen.validUrlQueryChars.source}*${regexen.validUrlQueryEndingChars.source})?`,
  'iy',
);
const domainChar = new RegExp(regexen.validDomainChars.source, 'i');

const DOT = 0x2e;
const HYPHEN = 0x2d;
const UNDERSCORE = 0x5f;

/** All of twitter-text's URLs in the text: its extractUrlsWithIndices. */
export function extractUrls(text: string): UrlEntity[] {
  const urls: UrlEntity[] = [];
  for (const match of urlMatches(text)) urls.push(...urlsIn(text, match));
  return urls;
}

/** Where the URL regex matches, in order. A match holds zero or more URLs (see urlsIn). */
export function* urlMatches(text: string): Generator<UrlMatch> {
  if (!text.includes('.')) return; // every domain has a dot
  const domainEnd = domainEnds(text);
  // A match needs a domain or a protocol right at i or after the character i: most positions are out at a glance.
  const mayStartAt = (at: number) => domainEnd[at]! >= 0 || (text.charCodeAt(at) | 0x20) === 0x68; // h or H
  for (let i = 0; i < text.length; ) {
    const match = mayStartAt(i) || mayStartAt(i + 1) ? matchAt(text, i, domainEnd) : null;
    if (match === null) {
      i++;
      continue;
    }
    yield match;
    i = match.end; // as the global regex goes on after a match, whether twitter-text keeps it or not
  }
}

/** The regex's match tried at `i`, or null; its alternatives in its own order. */
function matchAt(text: string, i: number, domainEnd: Int32Array): UrlMatch | null {
  precedingChar.lastIndex = i;
  const before = precedingChar.exec(text);
  if (before === null) return null;
  if (before[0].length === 1) {
    const match = urlAt(text, i, i + 1, domainEnd);
    if (match !== null || i !== 0) return match;
  }
  return urlAt(text, i, i, domainEnd); // `^`: only at 0 (the class failed, or nothing followed it)
}

function urlAt(text: string, start: number, url: number, domainEnd: Int32Array): UrlMatch | null {
  protocol.lastIndex = url;
  const scheme = protocol.exec(text);
  let domain = scheme ? url + scheme[0].length : url;
  let end = domainEnd[domain]!;
  if (end < 0 && scheme) end = domainEnd[(domain = url)]!;
  if (end < 0) return null;
  afterDomain.lastIndex = end;
  const rest = afterDomain.exec(text)!;
  return { start, url, domain, domainEnd: end, hasPath: rest[2] !== undefined, end: end + rest[0].length };
}

/**
 * For every position, where a domain starting there ends (-1: none). A label runs to the next dot: domain characters,
 * with `-` or `_` inside (a subdomain) or `-` only (the label before the TLD). The regex takes the most labels it can
 * and backs off, so a domain ends after the farthest TLD that follows a label the chain reaches.
 */
function domainEnds(text: string): Int32Array {
  const n = text.length;
  const end = new Int32Array(n + 1).fill(-1);
  const isDomainChar = domainCharTest();
  let dot = -1; // the next dot at or after i with no character between that breaks a label
  let underscore = false; // an underscore lies between i and that dot
  let tldAfterDot: number | undefined; // tldEnd(dot + 1), once per dot
  for (let i = n - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      dot = i;
      underscore = false;
      tldAfterDot = undefined;
      continue;
    }
    if (c === UNDERSCORE) underscore = true;
    else if (c !== HYPHEN && !isDomainChar(c)) {
      dot = -1;
      continue;
    }
    // A label starts and ends with a domain character.
    if (dot < 0 || !isDomainChar(c) || !isDomainChar(text.charCodeAt(dot - 1))) continue;
    const farther = end[dot + 1]!;
    if (farther >= 0) end[i] = farther;
    else if (!underscore) end[i] = tldAfterDot ??= tldEnd(text, dot + 1);
  }
  return end;
}

function tldEnd(text: string, at: number): number {
  tld.lastIndex = at;
  const match = tld.exec(text);
  return match ? at + match[0].length : -1;
}

/** validDomainChars per UTF-16 unit (the regex has no `u` flag), remembered per text: a text has few distinct ones. */
function domainCharTest(): (unit: number) => boolean {
  const known = new Map<number, boolean>();
  return (unit) => {
    let yes = known.get(unit);
    if (yes === undefined) known.set(unit, (yes = domainChar.test(String.fromCharCode(unit))));
    return yes;
  };
}

// The rest is twitter-text 3.1.0's extractUrlsWithIndices after its regex matched (Copyright 2018 Twitter, Inc.,
// Apache-2.0), for one match, with its constants.
const MAX_URL_LENGTH = 4096;
const MAX_TCO_SLUG_LENGTH = 40;
const MAX_DOMAIN_LABEL_LENGTH = 63;
const DEFAULT_PROTOCOL = 'https://';

/** The URLs twitter-text keeps from one match of its regex. */
export function urlsIn(text: string, match: UrlMatch): UrlEntity[] {
  let url = text.slice(match.url, match.end);
  const scheme = text.slice(match.url, match.domain);
  const domain = text.slice(match.domain, match.domainEnd);
  if (!isValidUrl(url, scheme || DEFAULT_PROTOCOL, domain)) return [];
  if (scheme) {
    // In the case of t.co URLs, don't allow additional path characters.
    const tco = regexen.validTcoUrl.exec(url);
    if (tco) {
      if (tco[1]!.length > MAX_TCO_SLUG_LENGTH) return [];
      url = tco[0];
    }
    return [{ url, indices: [match.url, match.url + url.length] }];
  }
  if (regexen.invalidUrlWithoutProtocolPrecedingChars.test(text.slice(match.start, match.url))) return [];
  // Without a protocol, only the ASCII-only domains inside the domain are URLs; the last one takes the path.
  const urls: UrlEntity[] = [];
  let asciiEnd = 0;
  for (const ascii of domain.match(regexen.validAsciiDomain) ?? []) {
    const asciiStart = domain.indexOf(ascii, asciiEnd);
    asciiEnd = asciiStart + ascii.length;
    urls.push({ url: ascii, indices: [match.url + asciiStart, match.url + asciiEnd] });
  }
  const last = urls.at(-1);
  if (last && match.hasPath) {
    last.url = url.replace(domain, last.url);
    last.indices[1] = match.end;
  }
  return urls;
}

function isValidUrl(url: string, scheme: string, domain: string): boolean {
  // idna.toAscii gives back the domain itself when it is valid, so the URL's length is its own.
  return scheme.length + url.length <= MAX_URL_LENGTH && isValidIdnaDomain(domain);
}

/** twitter-text's idna.toAscii(domain) is not empty. */
function isValidIdnaDomain(domain: string): boolean {
  // Punycode encoded url cannot contain non ASCII characters
  if (domain.substring(0, 4) === 'xn--' && !domain.match(regexen.validAsciiDomain)) return false;
  return domain.split('.').every((label) => {
    const length = punycodeLength(label);
    return length >= 1 && length <= MAX_DOMAIN_LABEL_LENGTH;
  });
}

const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;
const NON_ASCII = /[^\0-\x7F]/;
const IDNA_DOTS = /[\u3002\uFF0E\uFF61]/;

/**
 * punycode.toASCII(label).length, computed as it does (a label holds no `.` or `@`): each part between IDNA dots,
 * printable ASCII as it is, else `xn--` and its encoding. Its own wrapping of each call costs ~2 µs, 4× the encoding.
 * ASCII parts with control characters go to toASCII itself: punycode 1.4.1 (npm, the browser's) encodes them, Node's
 * own 2.1.0 does not. -1 when punycode cannot encode a part (it throws "Overflow" on long labels of far-apart code
 * points, and so does twitter-text's extractor; parseTweet counts such a URL as text, and so does this).
 */
function punycodeLength(label: string): number {
  if (PRINTABLE_ASCII.test(label)) return label.length;
  try {
    return label.split(IDNA_DOTS).reduce((length, part, i) => length + (i > 0 ? 1 : 0) + encodedLength(part), 0);
  } catch {
    return -1;
  }
}

function encodedLength(part: string): number {
  if (PRINTABLE_ASCII.test(part)) return part.length;
  return NON_ASCII.test(part) ? 4 + punycode.encode(part).length : punycode.toASCII(part).length;
}

// twitter-text 3.1.0 ships no types; this declares only the parts we call.
// CommonJS (`module.exports = {...}`) and an ESM build whose default export is the same object.
declare module 'twitter-text' {
  namespace twitterText {
    interface WeightRange {
      start: number;
      end: number;
      weight: number;
    }
    interface ParseTweetConfig {
      version: number;
      maxWeightedTweetLength: number;
      scale: number;
      defaultWeight: number;
      transformedURLLength: number;
      ranges: WeightRange[];
      emojiParsingEnabled?: boolean;
    }
    interface ParsedTweet {
      weightedLength: number;
      valid: boolean;
      permillage: number;
      validRangeStart: number;
      validRangeEnd: number;
      displayRangeStart: number;
      displayRangeEnd: number;
    }
    type Indices = [start: number, end: number];
    type UrlRegexPart =
      | 'validUrlPrecedingChars'
      | 'validDomainChars'
      | 'validGTLD'
      | 'validCCTLD'
      | 'validPunycode'
      | 'validPortNumber'
      | 'validUrlPath'
      | 'validUrlQueryChars'
      | 'validUrlQueryEndingChars'
      | 'validAsciiDomain'
      | 'validTcoUrl'
      | 'invalidUrlWithoutProtocolPrecedingChars';
    interface TwitterText {
      configs: { version1: ParseTweetConfig; version2: ParseTweetConfig; version3: ParseTweetConfig; defaults: ParseTweetConfig };
      parseTweet(text: string, config?: ParseTweetConfig): ParsedTweet;
      hasInvalidCharacters(text: string): boolean;
      extractHashtags(text: string): string[];
      extractHashtagsWithIndices(text: string, options?: { checkUrlOverlap: boolean }): { hashtag: string; indices: Indices }[];
      extractMentions(text: string): string[];
      extractMentionsWithIndices(text: string): { screenName: string; indices: Indices }[];
      extractUrls(text: string): string[];
      extractUrlsWithIndices(text: string): { url: string; indices: Indices }[];
      /** The regexes the extractors are built from; src/urls.ts drives the URL regex's parts. */
      regexen: Record<UrlRegexPart | 'extractUrl' | 'validDomain' | 'validSubdomain' | 'validDomainName', RegExp>;
      /** Sorts by start index and drops each entity overlapping the one before it, in place. */
      removeOverlappingEntities(entities: { indices: Indices }[]): void;
    }
  }
  const twitterText: twitterText.TwitterText;
  export = twitterText;
}

// The browser's twitter-text: the same package's own ES-module build, but only the functions and regexes
// packages/core uses (the CommonJS main bundles autolinking, twemoji's regex and more: 37 KB gzip against 15 KB).
// vite.config.ts points `twitter-text` here for the web build; the server keeps the main.
import configs from 'twitter-text/dist/esm/configs';
import extractHashtagsWithIndices from 'twitter-text/dist/esm/extractHashtagsWithIndices';
import extractMentions from 'twitter-text/dist/esm/extractMentions';
import hasInvalidCharacters from 'twitter-text/dist/esm/hasInvalidCharacters';
import invalidUrlWithoutProtocolPrecedingChars from 'twitter-text/dist/esm/regexp/invalidUrlWithoutProtocolPrecedingChars';
import validAsciiDomain from 'twitter-text/dist/esm/regexp/validAsciiDomain';
import validCCTLD from 'twitter-text/dist/esm/regexp/validCCTLD';
import validDomainChars from 'twitter-text/dist/esm/regexp/validDomainChars';
import validGTLD from 'twitter-text/dist/esm/regexp/validGTLD';
import validPortNumber from 'twitter-text/dist/esm/regexp/validPortNumber';
import validPunycode from 'twitter-text/dist/esm/regexp/validPunycode';
import validTcoUrl from 'twitter-text/dist/esm/regexp/validTcoUrl';
import validUrlPath from 'twitter-text/dist/esm/regexp/validUrlPath';
import validUrlPrecedingChars from 'twitter-text/dist/esm/regexp/validUrlPrecedingChars';
import validUrlQueryChars from 'twitter-text/dist/esm/regexp/validUrlQueryChars';
import validUrlQueryEndingChars from 'twitter-text/dist/esm/regexp/validUrlQueryEndingChars';
import removeOverlappingEntities from 'twitter-text/dist/esm/removeOverlappingEntities';

/** The URL regex's parts (packages/core/src/urls.ts runs them in linear time). */
const regexen = {
  invalidUrlWithoutProtocolPrecedingChars,
  validAsciiDomain,
  validCCTLD,
  validDomainChars,
  validGTLD,
  validPortNumber,
  validPunycode,
  validTcoUrl,
  validUrlPath,
  validUrlPrecedingChars,
  validUrlQueryChars,
  validUrlQueryEndingChars,
};

export default { configs, extractHashtagsWithIndices, extractMentions, hasInvalidCharacters, regexen, removeOverlappingEntities };

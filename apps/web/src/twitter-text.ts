// The browser's twitter-text: the same package's own ES-module build, but only the functions
// packages/core/src/text.ts uses (the CommonJS main bundles autolinking, twemoji's regex and more: 37 KB
// gzip against 15 KB). vite.config.ts points `twitter-text` here for the web build; the server keeps the main.
import configs from 'twitter-text/dist/esm/configs';
import extractHashtagsWithIndices from 'twitter-text/dist/esm/extractHashtagsWithIndices';
import extractMentions from 'twitter-text/dist/esm/extractMentions';
import extractUrlsWithIndices from 'twitter-text/dist/esm/extractUrlsWithIndices';
import hasInvalidCharacters from 'twitter-text/dist/esm/hasInvalidCharacters';
import removeOverlappingEntities from 'twitter-text/dist/esm/removeOverlappingEntities';

export default { configs, extractHashtagsWithIndices, extractMentions, extractUrlsWithIndices, hasInvalidCharacters, removeOverlappingEntities };

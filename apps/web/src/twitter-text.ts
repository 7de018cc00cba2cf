// The browser's twitter-text: the same package's own ES-module build, but only the functions
// packages/core/src/text.ts uses (the CommonJS main bundles autolinking, twemoji's regex and more: 37 KB
// gzip against 15 KB). vite.config.ts points `twitter-text` here for the web build; the server keeps the main.
import configs from 'twitter-text/dist/esm/configs';
import extractHashtags from 'twitter-text/dist/esm/extractHashtags';
import extractMentions from 'twitter-text/dist/esm/extractMentions';
import extractUrls from 'twitter-text/dist/esm/extractUrls';
import extractUrlsWithIndices from 'twitter-text/dist/esm/extractUrlsWithIndices';
import hasInvalidCharacters from 'twitter-text/dist/esm/hasInvalidCharacters';

export default { configs, extractHashtags, extractMentions, extractUrls, extractUrlsWithIndices, hasInvalidCharacters };

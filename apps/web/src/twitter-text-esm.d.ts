// Types for the per-function modules of twitter-text's ES-module build (see src/twitter-text.ts), from the
// declaration of the package in packages/core.
/// <reference path="../../../packages/core/src/twitter-text.d.ts" />
type TwitterText = typeof import('twitter-text');
declare module 'twitter-text/dist/esm/configs' {
  const configs: TwitterText['configs'];
  export default configs;
}
declare module 'twitter-text/dist/esm/extractHashtagsWithIndices' {
  const fn: TwitterText['extractHashtagsWithIndices'];
  export default fn;
}
declare module 'twitter-text/dist/esm/extractMentions' {
  const fn: TwitterText['extractMentions'];
  export default fn;
}
declare module 'twitter-text/dist/esm/regexp/*' {
  const regex: RegExp;
  export default regex;
}
declare module 'twitter-text/dist/esm/hasInvalidCharacters' {
  const fn: TwitterText['hasInvalidCharacters'];
  export default fn;
}
declare module 'twitter-text/dist/esm/removeOverlappingEntities' {
  const fn: TwitterText['removeOverlappingEntities'];
  export default fn;
}

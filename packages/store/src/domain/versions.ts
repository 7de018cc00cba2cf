// Version bodies in the projection: the current text follows from the previous one and the new body.
import { rebuildVersion, type VersionBody } from '@tweetstore/core';

export function nextContent(prev: string, body: VersionBody): string {
  return body.keyframe ? body.content : rebuildVersion([{ keyframe: true, content: prev }, body], 2);
}

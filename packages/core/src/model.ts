// The public objects of API.md. Shapes may gain fields, never lose them.

export interface User {
  id: string;
  username: string;
  displayName: string;
  createdAt: Date;
}

export type TweetState = 'draft' | 'published' | 'archived';

export interface EngagementCounts {
  likes: number;
  retweets: number;
  replies: number;
  views: number;
}

/** Events per minute, exponentially decayed (see velocity.ts). */
export type Velocity = EngagementCounts;

export interface Engagement extends EngagementCounts {
  likedByCurrentUser: boolean;
  retweetedByCurrentUser: boolean;
  velocity: Velocity;
}

export interface MediaVariant {
  name: string;
  url: string;
  width?: number;
  height?: number;
  mime: string;
}

export interface Media {
  /** sha256 hex of the original bytes */
  id: string;
  kind: 'image' | 'video';
  mime: string;
  bytes: number;
  width?: number;
  height?: number;
  alt?: string;
  variants: MediaVariant[];
  /** ThumbHash (base64) of an image: a blurred preview the web client paints while the image loads */
  placeholder?: string;
}

export interface EditControls {
  editableUntil: Date;
  editsRemaining: number;
}

export interface Tweet {
  id: string;
  author: User;
  content: string;
  contentHash: string;
  weightedLength: number;
  hashtags: string[];
  mentions: string[];
  urls: string[];
  media: Media[];
  replyToId: string | null;
  state: TweetState;
  version: number;
  createdAt: Date;
  /** When it was published: later than createdAt for a draft published later; null while a draft. An addition to
   * API.md's shape (its names keep their meaning), so a client can show a post's time as the time it went out. */
  publishedAt: Date | null;
  editedAt: Date | null;
  editControls: EditControls;
  engagement: Engagement;
}

export type VersionKind = 'created' | 'edited' | 'reverted';

export interface TweetVersion {
  version: number;
  content: string;
  contentHash: string;
  media: Media[];
  createdAt: Date;
  kind: VersionKind;
}

export type DiffOp = [op: -1 | 0 | 1, text: string];

/** How finely two versions were compared: letter by letter (grapheme clusters), word by word where they differ too
 * much for letters, or one replacement of everything between their common start and end. */
export type DiffGranularity = 'character' | 'word' | 'whole';

export interface TextDiff {
  granularity: DiffGranularity;
  ops: DiffOp[];
}

export interface TweetDiff extends TextDiff {
  from: number;
  to: number;
}

export type EngageAction = 'like' | 'unlike' | 'retweet' | 'unretweet' | 'view';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// @tweetstore/media: what an upload is (sniffed from its bytes), and the files served for it (processed images,
// checked video containers). No storage here: bytes go to the store's BlobStore, metadata to the TweetStore.
export * from './refused.ts';
export * from './sniff.ts';
export * from './image.ts';
export * from './video.ts';
export * from './upload.ts';

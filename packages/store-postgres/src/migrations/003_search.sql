-- Search and hashtags (API.md tweet.search, list({hashtag}), trends.hashtags), written by the transaction of each change.

-- The terms of each published tweet's current version (engine/search.ts: the shared analyzer's words with their
-- positions, and its #tag and @user terms), in a table of its own: a like rewrites the whole tweets row (every
-- velocity_level change is a non-HOT update), and with the vector in that row each like would also write the vector
-- again and add every one of its terms to the GIN index (20k likes at 100k tweets: 24 MB of WAL against 18 MB).
create table tweet_terms (
  tweet_id text collate "C" primary key,
  terms tsvector not null
);
create index tweet_terms_gin on tweet_terms using gin (terms);

-- The hashtags (tagKey) of each published tweet's current version: newest first by tag is a backward scan of the key.
create table tweet_tags (
  tag text collate "C" not null,
  tweet_id text collate "C" not null,
  primary key (tag, tweet_id)
);

-- Per tag: published tweets carrying it now, and core's decayed rate of its counted uses with the rate's time-free
-- level (core's velocityLevel), whose order is the velocity's at every time: trends are an index scan from the level
-- of TAG_MIN_RATE now. Uses are in no index, so a use that does not count (its author counted within the hour)
-- updates the row in place (HOT), on pages left half free for it.
create table tag_stats (
  tag text collate "C" primary key,
  uses integer not null,
  rate_value double precision,
  rate_at bigint,
  rate_level double precision
) with (fillfactor = 50);
create index tag_stats_trending on tag_stats (rate_level desc) where rate_level is not null;

-- When an author last counted for a tag's velocity (once per TAG_AUTHOR_WINDOW_MS).
create table tag_authors (
  tag text collate "C" not null,
  author_id text collate "C" not null,
  counted_at bigint not null,
  primary key (tag, author_id)
);

-- Fills of derived tables for rows written before they existed, done at open (engine/backfill.ts): how far each got.
create table backfills (
  name text primary key,
  after_id text collate "C" not null default '',
  done boolean not null default false
);
insert into backfills (name) values ('search');

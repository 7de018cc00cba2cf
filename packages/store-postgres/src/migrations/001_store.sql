-- The store: the events (the record, in seq order) and the tables the API reads, all written by one transaction per
-- batch of commands. Times are epoch ms (bigint), as the events carry them; ids are the store's own strings.

-- One row: the seq of the newest event, the counts stats reports, and the stream's identity. Every write transaction
-- locks this row first, so writers from every instance take turns and seqs commit in order, with no gaps.
create table stream_head (
  one boolean primary key default true check (one),
  head bigint not null default 0,
  users bigint not null default 0,
  tweets bigint not null default 0,
  versions bigint not null default 0,
  sessions bigint not null default 0,
  media bigint not null default 0,
  store_id text not null
);
insert into stream_head (store_id) values (gen_random_uuid()::text);

create table events (
  seq bigint primary key,
  type text not null,
  tweet_id text,
  at bigint not null,
  -- the event without seq, type and at
  payload jsonb not null
);

create table users (
  id text primary key,
  username text not null,
  -- as JavaScript lower-cases it (the embedded engine's comparison)
  username_lower text not null unique,
  display_name text not null,
  password_hash text not null,
  created_at bigint not null
);

create table sessions (
  token_hash text primary key,
  user_id text not null,
  expires_at bigint not null
);

-- ids compare as JavaScript compares them (byte order, "C"): pages are cut by id
create table tweets (
  id text collate "C" primary key,
  author_id text collate "C" not null,
  reply_to_id text collate "C",
  state text not null,
  created_at bigint not null,
  published_at bigint,
  edited_at bigint,
  edits_since_publish integer not null default 0,
  version_count integer not null default 1,
  content text not null,
  content_hash text not null,
  weighted_length integer not null,
  hashtags text[] not null,
  mentions text[] not null,
  urls text[] not null,
  media_ids text[] not null,
  likes integer not null default 0,
  retweets integer not null default 0,
  -- published replies
  replies integer not null default 0,
  views bigint not null default 0,
  -- kind -> core's DecayedRate {value, at}
  velocity jsonb,
  -- core's velocityLevel of the rates: the same order as their sum at any time, so the ranking is an index scan
  velocity_level double precision
);
create index tweets_by_author on tweets (author_id, id);
create index tweets_by_parent on tweets (reply_to_id, id) where reply_to_id is not null;
create index tweets_by_velocity on tweets (velocity_level desc, id desc) where state = 'published' and velocity_level is not null;

-- Version 1 whole, each later one a delta or a keyframe (core's VersionBody).
create table versions (
  tweet_id text not null,
  version integer not null,
  kind text not null,
  at bigint not null,
  content_hash text not null,
  media_ids text[] not null,
  body jsonb not null,
  primary key (tweet_id, version)
);

-- One row per user, tweet and kind ('likes' | 'retweets'): whether it is given now, and whether it was taken back
-- before (velocity counts a user once per tweet and kind).
create table engagements (
  tweet_id text not null,
  user_id text not null,
  kind text not null,
  active boolean not null,
  taken_back boolean not null default false,
  primary key (tweet_id, user_id, kind)
);

create table idempotency_keys (
  author_id text not null,
  key text not null,
  tweet_id text not null,
  at bigint not null,
  primary key (author_id, key)
);

create table media (
  id text primary key,
  kind text not null,
  mime text not null,
  bytes bigint not null,
  width integer,
  height integer,
  files jsonb not null,
  placeholder text,
  uploaded_at bigint not null,
  attached boolean not null default false
);
create index media_sweepable on media (uploaded_at) where not attached;

create table media_owners (
  media_id text not null,
  user_id text not null,
  alt text not null,
  primary key (media_id, user_id)
);

-- Tweets with a version everyone sees while the tweet is published that carried the media (rules/visibility.ts).
create table media_shown (
  media_id text not null,
  tweet_id text not null,
  primary key (media_id, tweet_id)
);

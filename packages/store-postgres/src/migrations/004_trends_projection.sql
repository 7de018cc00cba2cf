-- Trends (tag_stats, tag_authors) become a projection of the events, kept after commit (engine/trends.ts): the write
-- transaction, which holds the stream lock every writer waits for, no longer updates a hot row per tag (measured: the
-- statement of a batch's tag uses was the largest part of its time under the lock).

-- What an event did to a published tweet's hashtags (tag keys come or go, and whether those coming count for their
-- velocity), written by the writer with the event: the projection needs the tags a tweet had before an edit, an
-- archive or a restore, which the event itself does not carry. Null for the events that change no hashtag.
alter table events add column tags jsonb;

-- How far each projection of the events has got: it updates its tables and its position in one transaction, holding
-- this row's lock, so each event is applied once, by one instance at a time, and a projector killed mid-way leaves
-- the position of its last commit. The tables were kept up to date until now: they start at the head.
create table projections (
  name text primary key,
  position bigint not null
);
insert into projections (name, position) select 'trends', head from stream_head;

-- Every column holding a tweet or user id compares in the "C" collation, as tweets.id, author_id and reply_to_id
-- always did. With the database's default collation on one side of a join and "C" on the other, PostgreSQL could not
-- use the other side's index: every read of a tweet for a signed-in viewer scanned the whole engagements table for
-- the viewer's like and retweet (65 ms at 100k tweets and 120k engagements), and the users table for the author.
-- Ids are ULIDs (ASCII digits and capitals), whose "C" order is their time order.
alter table users alter column id type text collate "C";
alter table sessions alter column user_id type text collate "C";
alter table engagements alter column tweet_id type text collate "C", alter column user_id type text collate "C";
alter table versions alter column tweet_id type text collate "C";
alter table idempotency_keys alter column author_id type text collate "C", alter column tweet_id type text collate "C";
alter table media_owners alter column user_id type text collate "C";
alter table media_shown alter column tweet_id type text collate "C";
alter table events alter column tweet_id type text collate "C";

-- OneKey schema, version 33: blocks of call ids reserved by a cti-server (issue 23). A new call's id is taken from a
-- block the server reserved beforehand, so the screen pop carries it without waiting for the call's row to be written
-- (before: the pop waited up to 300 ms for the insert, and every new call's row cost a commit of its own). A
-- reservation moves next_id past the block in one committed transaction; ids of a block a server did not use (it
-- stopped) are never given again. Every insert into calls carries an id from a block (JooqCallRepository).
CREATE TABLE id_blocks (
  name     VARCHAR(32)  NOT NULL PRIMARY KEY,
  next_id  BIGINT       NOT NULL
);
INSERT INTO id_blocks (name, next_id) SELECT 'calls', COALESCE(MAX(id), 0) + 1 FROM calls;

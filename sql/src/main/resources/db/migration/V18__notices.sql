-- OneKey schema, version 18: notices to seats (公告便签, issue 19 item 6). A supervisor posts a notice with a time it
-- holds until, to every seat or to the seats named (usernames, comma-separated); a seat sees it pinned until it
-- expires and acknowledges it (one row per seat).
CREATE TABLE notices (
  id          BIGINT AUTO_INCREMENT PRIMARY KEY,
  created_at  BIGINT        NOT NULL,
  created_by  VARCHAR(64)   NOT NULL,
  text        VARCHAR(1000) NOT NULL,
  until_at    BIGINT        NOT NULL,
  to_users    VARCHAR(1000)
);
CREATE INDEX ix_notices_until ON notices (until_at);
CREATE TABLE notice_acks (
  notice_id   BIGINT        NOT NULL,
  account_id  BIGINT        NOT NULL,
  username    VARCHAR(64)   NOT NULL,
  acked_at    BIGINT        NOT NULL,
  CONSTRAINT pk_notice_acks PRIMARY KEY (notice_id, account_id),
  CONSTRAINT fk_notice_acks_notice FOREIGN KEY (notice_id) REFERENCES notices (id) ON DELETE CASCADE
);

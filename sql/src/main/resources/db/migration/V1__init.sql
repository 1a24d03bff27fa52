-- placeholder replaced by the store work
CREATE TABLE lines (
  number VARCHAR(32) NOT NULL PRIMARY KEY,
  service VARCHAR(16) NOT NULL,
  priority INT NOT NULL
);

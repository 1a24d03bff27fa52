-- OneKey schema, version 22 (issue 21): life services. Suppliers with their categories, service area and scorecard;
-- work orders to them, each change a history row (who, when); the offers made to suppliers one at a time.
-- Lists (categories, sub-districts, phones) are stored comma-joined with a comma before and after (",助浴,维修,") so
-- one LIKE '%,助浴,%' matches a whole entry on H2 and MariaDB alike.
CREATE TABLE suppliers (
  id               BIGINT AUTO_INCREMENT PRIMARY KEY,
  name             VARCHAR(128)  NOT NULL,
  categories       VARCHAR(512)  NOT NULL,
  phones           VARCHAR(256)  NOT NULL,
  lat              DOUBLE,
  lon              DOUBLE,
  radius_km        DOUBLE,
  sub_districts    VARCHAR(1024),
  open_hours       VARCHAR(128),
  contract_until   VARCHAR(10),
  licence_until    VARCHAR(10),
  supplier_state   VARCHAR(16)   NOT NULL,
  dispatch_by      VARCHAR(16)   NOT NULL,
  webhook_url      VARCHAR(512),
  webhook_key      VARCHAR(128),
  orders_done      INT           NOT NULL DEFAULT 0,
  callbacks        INT           NOT NULL DEFAULT 0,
  quality_sum      INT           NOT NULL DEFAULT 0,
  price_sum        INT           NOT NULL DEFAULT 0,
  satisfaction_sum INT           NOT NULL DEFAULT 0,
  complaints       INT           NOT NULL DEFAULT 0,
  on_time          INT           NOT NULL DEFAULT 0,
  created_at       BIGINT        NOT NULL,
  updated_at       BIGINT        NOT NULL
);
-- the matching's bounding-box prefilter (lat BETWEEN .. AND lon BETWEEN ..)
CREATE INDEX ix_suppliers_lat_lon ON suppliers (lat, lon);
CREATE INDEX ix_suppliers_state ON suppliers (supplier_state);

-- kind: service (a supplier's work), registration (a hospital booking), taxi; fields: the kind's own (JSON).
-- state: created, dispatched, accepted, in-service, done, called-back, closed, cancelled, failed (OrderState).
-- task: what a dispatcher must do (complaint, failed, callback), task_state open/done.
CREATE TABLE work_orders (
  id               BIGINT AUTO_INCREMENT PRIMARY KEY,
  kind             VARCHAR(16)   NOT NULL,
  elder_id         BIGINT        NOT NULL,
  call_id          BIGINT,
  category         VARCHAR(32)   NOT NULL,
  need             VARCHAR(1000) NOT NULL,
  wanted_at        BIGINT        NOT NULL,
  price            DECIMAL(10,2),
  payer            VARCHAR(16)   NOT NULL,
  subsidy_percent  INT           NOT NULL,
  notes            VARCHAR(1000),
  fields           VARCHAR(2000),
  order_state      VARCHAR(16)   NOT NULL,
  supplier_id      BIGINT,
  candidates       VARCHAR(8000),
  created_at       BIGINT        NOT NULL,
  created_by       VARCHAR(64)   NOT NULL,
  updated_at       BIGINT        NOT NULL,
  accepted_at      BIGINT,
  started_at       BIGINT,
  done_at          BIGINT,
  closed_at        BIGINT,
  cb_done          BOOLEAN,
  cb_quality       INT,
  cb_price         INT,
  cb_satisfaction  INT,
  cb_at            BIGINT,
  cb_by            VARCHAR(64),
  task             VARCHAR(16),
  task_state       VARCHAR(8),
  task_note        VARCHAR(500),
  task_at          BIGINT,
  task_by          VARCHAR(64)
);
CREATE INDEX ix_work_orders_state ON work_orders (order_state, id);
CREATE INDEX ix_work_orders_task ON work_orders (task_state, id);
CREATE INDEX ix_work_orders_elder ON work_orders (elder_id, id);

CREATE TABLE order_history (
  id               BIGINT AUTO_INCREMENT PRIMARY KEY,
  order_id         BIGINT        NOT NULL,
  at_ms            BIGINT        NOT NULL,
  order_state      VARCHAR(16)   NOT NULL,
  order_event      VARCHAR(16)   NOT NULL,
  by_user          VARCHAR(64)   NOT NULL,
  supplier_id      BIGINT,
  detail           VARCHAR(500)
);
CREATE INDEX ix_order_history_order ON order_history (order_id, id);

-- One offer of an order to one supplier (a voice call: its outbound leg is (orders, order id, seq); a webhook).
-- asking_order is the order's id while the offer waits for an answer and NULL once it has one: its unique index
-- makes "at most one supplier asked at a time" a fact of the database, whatever restarts in between.
CREATE TABLE order_offers (
  id               BIGINT AUTO_INCREMENT PRIMARY KEY,
  order_id         BIGINT        NOT NULL,
  seq              INT           NOT NULL,
  supplier_id      BIGINT        NOT NULL,
  via              VARCHAR(16)   NOT NULL,
  offer_state      VARCHAR(16)   NOT NULL,
  asking_order     BIGINT,
  asked_at         BIGINT        NOT NULL,
  ended_at         BIGINT,
  distance_km      DOUBLE,
  score            DOUBLE,
  picked_by        VARCHAR(64),
  prompt_text      VARCHAR(2000),
  prompt_ms        BIGINT,
  digits           VARCHAR(16),
  delivered_at     BIGINT,
  deliveries       INT           NOT NULL DEFAULT 0,
  detail           VARCHAR(500)
);
CREATE UNIQUE INDEX uq_order_offers_seq ON order_offers (order_id, seq);
CREATE UNIQUE INDEX uq_order_offers_asking ON order_offers (asking_order);
CREATE INDEX ix_order_offers_state ON order_offers (offer_state);

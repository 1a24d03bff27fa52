-- OneKey schema, version 28 (issue 21, matching speed): a supplier's sub-districts and categories one row each, so
-- the matching's prefilter finds "covers this sub-district" and "serves this category" through an index instead of a
-- LIKE '%,x,%' over every supplier (which no index can serve, on H2 or MariaDB). The comma lists in suppliers stay
-- (the API reads them); these tables are kept in step by OrderRepository on every supplier save, and filled from
-- the existing suppliers by V28_1 (a Java migration: splitting a list is not portable SQL between H2 and MariaDB).
CREATE TABLE supplier_sub_districts (
  supplier_id      BIGINT        NOT NULL,
  sub_district     VARCHAR(64)   NOT NULL,
  PRIMARY KEY (supplier_id, sub_district)
);
CREATE INDEX ix_supplier_sub_districts ON supplier_sub_districts (sub_district, supplier_id);

CREATE TABLE supplier_categories (
  supplier_id      BIGINT        NOT NULL,
  category         VARCHAR(32)   NOT NULL,
  PRIMARY KEY (supplier_id, category)
);
CREATE INDEX ix_supplier_categories ON supplier_categories (category, supplier_id);

-- the prefilter's box is as wide as the widest radius any supplier has (MAX(radius_km) read from this index), not
-- the configured ceiling orders.maxRadiusKm
CREATE INDEX ix_suppliers_radius ON suppliers (radius_km);

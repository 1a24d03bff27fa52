-- OneKey schema, version 20: where an elder lives, as a place and not only as text (issues 21, 22, 24).
-- lat / lon: the home in WGS-84 degrees (the frame GPS and OpenStreetMap use; coordinates from Chinese map
-- services, GCJ-02 or BD-09, are converted before they are stored). coord_source: where they came from
-- ("entered", "imported", "map", or a tag of the import). sub_district: 街道/镇; community: 居委/村委.
-- Both coordinates or neither: a half position is refused by the API.
ALTER TABLE elders ADD COLUMN lat DOUBLE;
ALTER TABLE elders ADD COLUMN lon DOUBLE;
ALTER TABLE elders ADD COLUMN coord_source VARCHAR(32);
ALTER TABLE elders ADD COLUMN sub_district VARCHAR(64);
ALTER TABLE elders ADD COLUMN community VARCHAR(64);
CREATE INDEX ix_elders_lat_lon ON elders (lat, lon);
CREATE INDEX ix_elders_sub_district ON elders (sub_district);

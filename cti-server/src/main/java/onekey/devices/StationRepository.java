package onekey.devices;

import static onekey.store.jooq.Tables.STATIONS;

import java.util.List;
import java.util.Optional;
import onekey.store.Constraints;
import onekey.store.Database;
import onekey.store.jooq.tables.records.StationsRecord;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

/** The 驿站 register (schema V30); queries visible here. */
public final class StationRepository {

    /** A station name that another station already has. */
    public static final class Taken extends RuntimeException {
        Taken() {
            super("name: another station has this name", null, false, false);
        }
    }

    private final DSLContext dsl;

    public StationRepository(Database db) {
        this.dsl = db.dsl();
    }

    public Station insert(Station s) {
        try {
            long id = dsl.insertInto(STATIONS)
                    .set(STATIONS.NAME, s.name())
                    .set(STATIONS.ADDRESS, s.address())
                    .set(STATIONS.LAT, s.lat())
                    .set(STATIONS.LON, s.lon())
                    .set(STATIONS.PHONE, s.phone())
                    .set(STATIONS.HOURS, s.hours())
                    .set(STATIONS.STAFF, s.staff())
                    .set(STATIONS.SUB_DISTRICT, s.subDistrict())
                    .set(STATIONS.ACTIVE, s.active())
                    .set(STATIONS.CREATED_AT, s.createdAt())
                    .set(STATIONS.UPDATED_AT, s.updatedAt())
                    .returning(STATIONS.ID).fetchOne().getId();
            return get(id).orElseThrow();
        } catch (DataAccessException e) {
            throw taken(e);
        }
    }

    public Station update(Station s) {
        try {
            dsl.update(STATIONS)
                    .set(STATIONS.NAME, s.name())
                    .set(STATIONS.ADDRESS, s.address())
                    .set(STATIONS.LAT, s.lat())
                    .set(STATIONS.LON, s.lon())
                    .set(STATIONS.PHONE, s.phone())
                    .set(STATIONS.HOURS, s.hours())
                    .set(STATIONS.STAFF, s.staff())
                    .set(STATIONS.SUB_DISTRICT, s.subDistrict())
                    .set(STATIONS.ACTIVE, s.active())
                    .set(STATIONS.UPDATED_AT, s.updatedAt())
                    .where(STATIONS.ID.eq(s.id())).execute();
            return get(s.id()).orElseThrow();
        } catch (DataAccessException e) {
            throw taken(e);
        }
    }

    private static RuntimeException taken(DataAccessException e) {
        return Constraints.violates(e, "uq_stations_name") ? new Taken() : e;
    }

    public Optional<Station> get(long id) {
        return dsl.selectFrom(STATIONS).where(STATIONS.ID.eq(id)).fetchOptional(StationRepository::station);
    }

    /** Every station (a district has tens to a few hundred), by id. */
    public List<Station> list() {
        return dsl.selectFrom(STATIONS).orderBy(STATIONS.ID).limit(10_000).fetch(StationRepository::station);
    }

    private static Station station(StationsRecord r) {
        return new Station(r.getId(), r.getName(), r.getAddress(), r.getLat(), r.getLon(), r.getPhone(), r.getHours(),
                r.getStaff(), r.getSubDistrict(), r.getActive(), r.getCreatedAt(), r.getUpdatedAt());
    }
}

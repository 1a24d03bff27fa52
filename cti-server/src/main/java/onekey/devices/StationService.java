package onekey.devices;

import java.time.Clock;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import onekey.elders.Coordinates;
import onekey.elders.PhoneNumbers;
import onekey.elders.Place;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The register of 驿站 (community service stations; issue 24: the alarm pop names "the nearest 驿站"). Stations are
 * registered and changed by supervisors and admins (audited {@code station.register} / {@code station.update}); every
 * field is checked here ("field: message"). {@link #nearest}: the nearest active station open at this moment (in the
 * centre's time zone) to a position, by great-circle distance, for the pop of an alarm — the seat reads its name,
 * distance and phone, and may send its staff, who are minutes away on foot.
 */
public final class StationService {
    private static final Logger log = LoggerFactory.getLogger(StationService.class);

    /** The nearest station to a position: how far (metres) and whether it is open now. */
    public record Nearest(Station station, long meters, boolean open) {}

    private final StationRepository repo;
    private final AuditLog audit;
    private final Clock clock;
    private final ZoneId zone;
    private final String defaultAreaCode;

    public StationService(StationRepository repo, AuditLog audit, Clock clock, ZoneId zone, String defaultAreaCode) {
        this.repo = repo;
        this.audit = audit;
        this.clock = clock;
        this.zone = zone;
        this.defaultAreaCode = defaultAreaCode;
    }

    public Station register(Station.Draft d, Account by) {
        Station s = checked(0, d, null);
        Station saved = repo.insert(s);
        audit.record(by, "station.register", "station", Long.toString(saved.id()), "name=" + saved.name());
        log.info("station={} registered by={}", saved.id(), by.username());
        return saved;
    }

    /** Replaces a station's fields (a field left out keeps its value; coordinates go together). */
    public Station update(long id, Station.Draft d, Account by) {
        Station old = repo.get(id).orElseThrow(() -> new NoSuchElementException("no such station: " + id));
        Station.Draft merged = new Station.Draft(
                d.name() != null ? d.name() : old.name(),
                d.address() != null ? d.address() : old.address(),
                d.lat() != null || d.lon() != null ? d.lat() : Double.valueOf(old.lat()),
                d.lat() != null || d.lon() != null ? d.lon() : Double.valueOf(old.lon()),
                d.lat() != null || d.lon() != null ? d.coordSystem() : null,
                d.phone() != null ? d.phone() : old.phone(),
                d.hours() != null ? d.hours() : old.hours(),
                d.staff() != null ? d.staff() : old.staff(),
                d.subDistrict() != null ? d.subDistrict() : old.subDistrict(),
                d.active() != null ? d.active() : old.active());
        Station saved = repo.update(checked(id, merged, old));
        audit.record(by, "station.update", "station", Long.toString(id), "name=" + saved.name() + " active="
                + saved.active());
        return saved;
    }

    public Optional<Station> get(long id) {
        return repo.get(id);
    }

    public List<Station> list() {
        return repo.list();
    }

    /**
     * The nearest active station that is open now to {@code lat, lon} (WGS-84); when none is open, the nearest active
     * one with {@code open} false (the seat still has its phone); empty when the register is empty.
     */
    public Optional<Nearest> nearest(double lat, double lon) {
        return nearest(repo.list(), lat, lon, clock.instant().atZone(zone));
    }

    static Optional<Nearest> nearest(List<Station> stations, double lat, double lon, java.time.ZonedDateTime now) {
        Nearest best = null;
        for (Station s : stations) {
            if (!s.active()) {
                continue;
            }
            boolean open;
            try {
                open = StationHours.parse(s.hours()).openAt(now);
            } catch (IllegalArgumentException e) {
                open = false; // checked when stored; a row edited by hand is not offered as open
            }
            long m = Math.round(Coordinates.distanceKm(lat, lon, s.lat(), s.lon()) * 1000);
            Nearest n = new Nearest(s, m, open);
            if (best == null || ORDER.compare(n, best) < 0) {
                best = n;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Open before closed, then the nearer. */
    private static final Comparator<Nearest> ORDER = Comparator.comparing((Nearest n) -> !n.open())
            .thenComparingLong(Nearest::meters);

    private Station checked(long id, Station.Draft d, Station old) {
        String name = text("name", d.name(), 100, true);
        String address = text("address", d.address(), 255, true);
        if (d.lat() == null || d.lon() == null) {
            throw new IllegalArgumentException(d.lat() == null ? "lat: required (WGS-84 degrees, with lon)"
                    : "lon: required (WGS-84 degrees, with lat)");
        }
        Coordinates.Frame frame;
        try {
            frame = Coordinates.Frame.parse(d.coordSystem());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("coordSystem: " + e.getMessage());
        }
        if (d.lat().isNaN() || d.lat() < -90 || d.lat() > 90) {
            throw new IllegalArgumentException("lat: must be between -90 and 90 (WGS-84 degrees)");
        }
        if (d.lon().isNaN() || d.lon() < -180 || d.lon() > 180) {
            throw new IllegalArgumentException("lon: must be between -180 and 180 (WGS-84 degrees)");
        }
        Coordinates.LatLon p = Coordinates.toWgs84(d.lat(), d.lon(), frame);
        new Place(p.lat(), p.lon(), frame.name().toLowerCase(java.util.Locale.ROOT), null, null); // the same checks as a home
        String phone = text("phone", d.phone(), 32, true);
        // kept as written (a seat reads it out and dials it as written); checked as the elders' numbers are
        String normal = phone;
        if (!PhoneNumbers.plausible(phone) || PhoneNumbers.normalize(phone, defaultAreaCode) == null) {
            throw new IllegalArgumentException("phone: not a phone number");
        }
        String hours = StationHours.parse(d.hours()).text();
        String staff = text("staff", d.staff(), 255, false);
        String sub = text("subDistrict", d.subDistrict(), 64, false);
        long now = clock.millis();
        return new Station(id, name, address, p.lat(), p.lon(), normal, hours, staff, sub,
                d.active() == null || d.active(), old == null ? now : old.createdAt(), now);
    }

    private static String text(String field, String v, int max, boolean required) {
        if (v == null || v.isBlank()) {
            if (required) {
                throw new IllegalArgumentException(field + ": required");
            }
            return null;
        }
        String t = v.trim();
        if (t.length() > max) {
            throw new IllegalArgumentException(field + ": at most " + max + " characters");
        }
        return t;
    }
}

package onekey.devices;

import static onekey.store.jooq.Tables.ELDER_THRESHOLDS;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import onekey.store.Database;
import org.jooq.DSLContext;

/**
 * An elder's own ranges for health readings (schema V30; issue 24: a platform's readings are judged "against the
 * elder's thresholds"): a doctor's range for a reading overrides the centre's {@link Thresholds#DEFAULT} for that
 * reading only. Set by supervisors and admins ({@link #set}, audited {@code elder.thresholds}); a range must lie within
 * what the reading can physically be ({@link #PLAUSIBLE}) and have min below max.
 */
public final class ElderThresholds {

    /** What each reading can be at all: a range outside this is a typing error, refused. */
    static final Map<String, double[]> PLAUSIBLE = Map.of(
            "heartRate", new double[] {20, 250},
            "spo2", new double[] {50, 100},
            "systolic", new double[] {50, 260},
            "diastolic", new double[] {30, 160},
            "temperature", new double[] {30, 43});

    private final DSLContext dsl;
    private final AuditLog audit;
    private final Clock clock;

    public ElderThresholds(Database db, AuditLog audit, Clock clock) {
        this.dsl = db == null ? null : db.dsl();
        this.audit = audit;
        this.clock = clock;
    }

    /** The elder's own ranges only: reading → {min, max}. */
    public Map<String, double[]> own(long elderId) {
        Map<String, double[]> m = new TreeMap<>();
        dsl.selectFrom(ELDER_THRESHOLDS).where(ELDER_THRESHOLDS.ELDER_ID.eq(elderId))
                .forEach(r -> m.put(r.getReading(), new double[] {r.getMinValue(), r.getMaxValue()}));
        return m;
    }

    /** The ranges an elder's readings are judged by: the defaults with the elder's own over them. */
    public Thresholds forElder(long elderId) {
        return Thresholds.DEFAULT.with(own(elderId));
    }

    /**
     * Replaces the elder's own ranges ({@code reading → {min, max}}; an empty map: the defaults again), audited.
     * IllegalArgumentException "reading: message" for an unknown reading or an impossible range.
     */
    public void set(long elderId, Map<String, double[]> ranges, Account by) {
        Map<String, double[]> ok = check(ranges);
        long now = clock.millis();
        dsl.transaction(c -> {
            DSLContext tx = c.dsl();
            tx.deleteFrom(ELDER_THRESHOLDS).where(ELDER_THRESHOLDS.ELDER_ID.eq(elderId)).execute();
            for (Map.Entry<String, double[]> e : ok.entrySet()) {
                tx.insertInto(ELDER_THRESHOLDS)
                        .set(ELDER_THRESHOLDS.ELDER_ID, elderId)
                        .set(ELDER_THRESHOLDS.READING, e.getKey())
                        .set(ELDER_THRESHOLDS.MIN_VALUE, e.getValue()[0])
                        .set(ELDER_THRESHOLDS.MAX_VALUE, e.getValue()[1])
                        .set(ELDER_THRESHOLDS.SET_BY, by.username())
                        .set(ELDER_THRESHOLDS.SET_AT, now)
                        .execute();
            }
        });
        audit.record(by, "elder.thresholds", "elder", Long.toString(elderId), "readings=" + ok.keySet());
    }

    /** Checks each range; the checked copy in reading order. */
    static Map<String, double[]> check(Map<String, double[]> ranges) {
        Map<String, double[]> out = new TreeMap<>();
        for (Map.Entry<String, double[]> e : ranges.entrySet()) {
            String k = e.getKey();
            double[] limits = PLAUSIBLE.get(k);
            if (limits == null) {
                throw new IllegalArgumentException(k + ": not a reading (heartRate, spo2, systolic, diastolic, temperature)");
            }
            double[] r = e.getValue();
            if (r == null || r.length != 2 || Double.isNaN(r[0]) || Double.isNaN(r[1])) {
                throw new IllegalArgumentException(k + ": give {\"min\", \"max\"}");
            }
            if (r[0] >= r[1]) {
                throw new IllegalArgumentException(k + ": min must be below max");
            }
            if (r[0] < limits[0] || r[1] > limits[1]) {
                throw new IllegalArgumentException(k + ": must lie within " + fmt(limits[0]) + "-" + fmt(limits[1]));
            }
            out.put(k, new double[] {r[0], r[1]});
        }
        return out;
    }

    /** The wire shape: reading → {"min","max","source": "elder"|"default"}. */
    public static Map<String, Object> shape(Map<String, double[]> own) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : new TreeMap<>(Thresholds.DEFAULT.ranges()).keySet()) {
            double[] r = own.getOrDefault(k, Thresholds.DEFAULT.ranges().get(k));
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("min", r[0]);
            v.put("max", r[1]);
            v.put("source", own.containsKey(k) ? "elder" : "default");
            m.put(k, v);
        }
        return m;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}

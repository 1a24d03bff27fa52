package onekey.reports;

import static onekey.store.jooq.Tables.CALLS;
import static onekey.store.jooq.Tables.CALL_SUMMARY;
import static onekey.store.jooq.Tables.CALL_SUMMARY_DAYS;
import static onekey.store.jooq.Tables.CALL_SUMMARY_WAITS;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * The per-day roll-up of the inbound calls (V29, issue 22): a month's report reads ~31 summed rows per key instead of a
 * million calls. Built on demand for a (day, dimension) once the day has been closed for {@link #GRACE_MS} — summed by
 * the very query the raw path runs, so the figures are the same — and dropped again ({@link #invalidate}) when a call
 * of that day is written or an elder's class changes; the next report rebuilds it. Partial days and days not yet
 * closed are read raw. Dimensions: the attribute groupings (line, agent, outcome, category, sub-district, care level)
 * and {@code none} for the time groupings (a day lies in exactly one week and one month).
 */
public final class CallSummaries {

    /** A day is summed once it ended this long ago: a call written later with an arrival that old drops the day. */
    static final long GRACE_MS = 3_600_000L;
    static final List<String> ELDER_DIMS = List.of("category", "sub-district", "care-level");

    private final DSLContext dsl;
    private final ReportQueries raw;

    CallSummaries(DSLContext dsl, ReportQueries raw) {
        this.dsl = dsl;
        this.raw = raw;
    }

    /**
     * Adds the summaries of {@code p}'s whole closed days to {@code sink} (label, sums) and returns the ranges the caller
     * must read raw, in order.
     */
    List<long[]> read(Period p, GroupBy g, boolean waits, long now, BiConsumer<String, ReportQueries.CallSums> sink) {
        GroupBy dim = g.time() ? GroupBy.NONE : g;
        List<long[]> rawRanges = new ArrayList<>();
        Map<Long, Long> whole = new LinkedHashMap<>(); // day start → day end
        long cursor = p.from();
        for (LocalDate d = p.firstDay(); !d.isAfter(p.lastDay()); d = d.plusDays(1)) {
            long s = d.atStartOfDay(p.zone()).toInstant().toEpochMilli();
            long e = d.plusDays(1).atStartOfDay(p.zone()).toInstant().toEpochMilli();
            if (s >= p.from() && e <= p.to() && e <= now - GRACE_MS) {
                if (cursor < s) {
                    rawRanges.add(new long[] {cursor, s});
                }
                whole.put(s, e);
                cursor = e;
            }
        }
        if (cursor < p.to()) {
            rawRanges.add(new long[] {cursor, p.to()});
        }
        if (whole.isEmpty()) {
            return rawRanges;
        }
        long first = whole.keySet().iterator().next();
        long last = first;
        for (long s : whole.keySet()) {
            last = Math.max(last, s);
        }
        String dimName = dim.wire();
        Set<Long> built = new HashSet<>();
        for (Record r : dsl.select(CALL_SUMMARY_DAYS.DAY_START, CALL_SUMMARY_DAYS.DAY_END).from(CALL_SUMMARY_DAYS)
                .where(CALL_SUMMARY_DAYS.DIM.eq(dimName)).and(CALL_SUMMARY_DAYS.DAY_START.between(first, last)).fetch()) {
            if (r.get(CALL_SUMMARY_DAYS.DAY_END).equals(whole.get(r.get(CALL_SUMMARY_DAYS.DAY_START)))) {
                built.add(r.get(CALL_SUMMARY_DAYS.DAY_START));
            }
        }
        for (var e : whole.entrySet()) {
            if (!built.contains(e.getKey())) {
                build(dim, e.getKey(), e.getValue(), now);
            }
        }
        List<Object[]> buckets = g.time() ? ReportQueries.buckets(p, g) : null;
        Map<String, ReportQueries.CallSums> byKey = new HashMap<>(); // "dayStart|k" → sums
        for (Record r : dsl.selectFrom(CALL_SUMMARY).where(CALL_SUMMARY.DIM.eq(dimName))
                .and(CALL_SUMMARY.DAY_START.between(first, last)).fetch()) {
            long s = r.get(CALL_SUMMARY.DAY_START);
            if (!r.get(CALL_SUMMARY.DAY_END).equals(whole.get(s))) {
                continue;
            }
            ReportQueries.CallSums c = new ReportQueries.CallSums();
            c.offered = r.get(CALL_SUMMARY.OFFERED);
            c.answered = r.get(CALL_SUMMARY.ANSWERED);
            c.abandoned = r.get(CALL_SUMMARY.ABANDONED);
            c.waitSum = r.get(CALL_SUMMARY.WAIT_SUM);
            c.longest = r.get(CALL_SUMMARY.LONGEST);
            c.talkSum = r.get(CALL_SUMMARY.TALK_SUM);
            c.handled = r.get(CALL_SUMMARY.HANDLED);
            c.within[0] = r.get(CALL_SUMMARY.WITHIN15);
            c.within[1] = r.get(CALL_SUMMARY.WITHIN60);
            c.within[2] = r.get(CALL_SUMMARY.WITHIN180);
            byKey.put(s + "|" + r.get(CALL_SUMMARY.K), c);
        }
        if (waits) {
            for (Record r : dsl.selectFrom(CALL_SUMMARY_WAITS).where(CALL_SUMMARY_WAITS.DIM.eq(dimName))
                    .and(CALL_SUMMARY_WAITS.DAY_START.between(first, last)).fetch()) {
                long s = r.get(CALL_SUMMARY_WAITS.DAY_START);
                if (!r.get(CALL_SUMMARY_WAITS.DAY_END).equals(whole.get(s))) {
                    continue;
                }
                byKey.computeIfAbsent(s + "|" + r.get(CALL_SUMMARY_WAITS.K), k -> new ReportQueries.CallSums()).waitSeconds
                        .merge(r.get(CALL_SUMMARY_WAITS.WAIT_S), r.get(CALL_SUMMARY_WAITS.N), Long::sum);
            }
        }
        byKey.forEach((dk, sums) -> {
            int bar = dk.indexOf('|');
            long s = Long.parseLong(dk.substring(0, bar));
            String label = dk.substring(bar + 1);
            if (buckets != null) {
                for (Object[] b : buckets) {
                    if ((Long) b[0] <= s) {
                        label = (String) b[1];
                    }
                }
            }
            sink.accept(label, sums);
        });
        return rawRanges;
    }

    /** Sums one closed day by one dimension from the raw rows and stores it (idempotent: the day's old rows go first). */
    private void build(GroupBy dim, long start, long end, long now) {
        Map<String, ReportQueries.CallSums> by = new LinkedHashMap<>();
        raw.rawCallSums(dim, start, end, true, by);
        String d = dim.wire();
        try {
            dsl.transaction(cfg -> {
                DSLContext tx = DSL.using(cfg);
                tx.deleteFrom(CALL_SUMMARY_WAITS).where(CALL_SUMMARY_WAITS.DAY_START.eq(start))
                        .and(CALL_SUMMARY_WAITS.DAY_END.eq(end)).and(CALL_SUMMARY_WAITS.DIM.eq(d)).execute();
                tx.deleteFrom(CALL_SUMMARY).where(CALL_SUMMARY.DAY_START.eq(start))
                        .and(CALL_SUMMARY.DAY_END.eq(end)).and(CALL_SUMMARY.DIM.eq(d)).execute();
                tx.deleteFrom(CALL_SUMMARY_DAYS).where(CALL_SUMMARY_DAYS.DAY_START.eq(start))
                        .and(CALL_SUMMARY_DAYS.DAY_END.eq(end)).and(CALL_SUMMARY_DAYS.DIM.eq(d)).execute();
                List<Query> batch = new ArrayList<>();
                for (var e : by.entrySet()) {
                    ReportQueries.CallSums c = e.getValue();
                    batch.add(tx.insertInto(CALL_SUMMARY).set(CALL_SUMMARY.DAY_START, start).set(CALL_SUMMARY.DAY_END, end)
                            .set(CALL_SUMMARY.DIM, d).set(CALL_SUMMARY.K, e.getKey())
                            .set(CALL_SUMMARY.OFFERED, c.offered).set(CALL_SUMMARY.ANSWERED, c.answered)
                            .set(CALL_SUMMARY.ABANDONED, c.abandoned).set(CALL_SUMMARY.WAIT_SUM, c.waitSum)
                            .set(CALL_SUMMARY.LONGEST, c.longest).set(CALL_SUMMARY.TALK_SUM, c.talkSum)
                            .set(CALL_SUMMARY.HANDLED, c.handled).set(CALL_SUMMARY.WITHIN15, c.within[0])
                            .set(CALL_SUMMARY.WITHIN60, c.within[1]).set(CALL_SUMMARY.WITHIN180, c.within[2]));
                    c.waitSeconds.forEach((sec, n) -> batch.add(tx.insertInto(CALL_SUMMARY_WAITS)
                            .set(CALL_SUMMARY_WAITS.DAY_START, start).set(CALL_SUMMARY_WAITS.DAY_END, end)
                            .set(CALL_SUMMARY_WAITS.DIM, d).set(CALL_SUMMARY_WAITS.K, e.getKey())
                            .set(CALL_SUMMARY_WAITS.WAIT_S, sec).set(CALL_SUMMARY_WAITS.N, n)));
                }
                batch.add(tx.insertInto(CALL_SUMMARY_DAYS).set(CALL_SUMMARY_DAYS.DAY_START, start)
                        .set(CALL_SUMMARY_DAYS.DAY_END, end).set(CALL_SUMMARY_DAYS.DIM, d).set(CALL_SUMMARY_DAYS.BUILT_AT, now));
                tx.batch(batch).execute();
            });
        } catch (DataAccessException e) {
            // another report built the same day at the same moment (primary key): its rows are the same sums
            if (!dsl.fetchExists(CALL_SUMMARY_DAYS, CALL_SUMMARY_DAYS.DAY_START.eq(start)
                    .and(CALL_SUMMARY_DAYS.DAY_END.eq(end)).and(CALL_SUMMARY_DAYS.DIM.eq(d)))) {
                throw e;
            }
        }
    }

    /**
     * Drops every summary of the day holding {@code arrivedAt} (all zones, all dimensions) when that day may have been
     * summed ({@code arrivedAt} older than {@link #GRACE_MS}): called by the writes of a call's row.
     */
    public static void invalidate(DSLContext dsl, Long arrivedAt, long now) {
        if (arrivedAt == null || arrivedAt >= now - GRACE_MS) {
            return;
        }
        long lo = arrivedAt - 27 * 3_600_000L; // a day is at most 25 h, whatever the zone
        dsl.deleteFrom(CALL_SUMMARY_DAYS).where(CALL_SUMMARY_DAYS.DAY_START.between(lo, arrivedAt))
                .and(CALL_SUMMARY_DAYS.DAY_END.gt(arrivedAt)).execute();
        dsl.deleteFrom(CALL_SUMMARY).where(CALL_SUMMARY.DAY_START.between(lo, arrivedAt))
                .and(CALL_SUMMARY.DAY_END.gt(arrivedAt)).execute();
        dsl.deleteFrom(CALL_SUMMARY_WAITS).where(CALL_SUMMARY_WAITS.DAY_START.between(lo, arrivedAt))
                .and(CALL_SUMMARY_WAITS.DAY_END.gt(arrivedAt)).execute();
    }

    /** Drops the call row's day ({@link #invalidate(DSLContext, Long, long)}), the row read by id. */
    public static void invalidateCall(DSLContext dsl, long callId, long now) {
        invalidate(dsl, dsl.select(CALLS.ARRIVED_AT).from(CALLS).where(CALLS.ID.eq(callId)).fetchOne(CALLS.ARRIVED_AT), now);
    }

    /** An elder's class (category, sub-district, care level) changed: the summaries keyed by them are rebuilt. */
    public static void invalidateElderDims(DSLContext dsl) {
        dsl.deleteFrom(CALL_SUMMARY_DAYS).where(CALL_SUMMARY_DAYS.DIM.in(ELDER_DIMS)).execute();
        dsl.deleteFrom(CALL_SUMMARY).where(CALL_SUMMARY.DIM.in(ELDER_DIMS)).execute();
        dsl.deleteFrom(CALL_SUMMARY_WAITS).where(CALL_SUMMARY_WAITS.DIM.in(ELDER_DIMS)).execute();
    }
}

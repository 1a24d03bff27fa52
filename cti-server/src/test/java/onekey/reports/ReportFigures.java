package onekey.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of {@link ReportSeed}'s day, worked out by hand from its timelines; the same on either engine.
 * Waits 5, 20, 70, 200 s; talks 60, 120, 30, 10 s; ann's wrap-ups 10 and 20 s.
 */
public final class ReportFigures {
    private ReportFigures() {
    }

    /** {@code key, offered, answered, ≤15s, ≤60s, ≤180s, abandoned, avgWaitMs, avgHandleMs} as a row. */
    static Map<String, Object> calls(String key, long offered, long answered, long w15, long w60, long w180,
                                     long abandoned, Long avgWait, Long avgHandle) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (key != null) {
            m.put("key", key);
        }
        m.put("offered", offered);
        m.put("answered", answered);
        m.put("answeredWithin15s", w15);
        m.put("answeredWithin60s", w60);
        m.put("answeredWithin180s", w180);
        m.put("abandoned", abandoned);
        m.put("avgWaitMs", avgWait);
        m.put("avgHandleMs", avgHandle);
        return m;
    }

    static Map<String, Object> row(List<String> cols, Object... values) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", values[0]);
        for (int i = 0; i < cols.size(); i++) {
            m.put(cols.get(i), values[i + 1]);
        }
        return m;
    }

    public static final Map<String, Object> CALLS_TOTAL = calls(null, 6, 4, 1, 2, 3, 2, 73_750L, 62_500L);

    public static void assertAll(ReportQueries q) {
        Period p = ReportSeed.day();
        Report byLine = q.report("calls", p, GroupBy.LINE);
        assertEquals(List.of(
                calls("consult", 1, 1, 0, 0, 0, 0, 200_000L, 10_000L),
                calls("general", 2, 1, 0, 0, 1, 1, 70_000L, 30_000L),
                calls("sos", 2, 2, 1, 2, 2, 0, 12_500L, 105_000L),
                calls("taxi", 1, 0, 0, 0, 0, 1, null, null)), byLine.rows());
        assertEquals(CALLS_TOTAL, byLine.total());
        assertEquals(List.of("from", "to", "rows", "total"), List.copyOf(byLine.json().keySet()));
        assertEquals("2026-06-01T00:00+08:00", byLine.json().get("from"));

        Report byDay = q.report("calls", p, GroupBy.DAY);
        Map<String, Object> dayRow = new LinkedHashMap<>(CALLS_TOTAL);
        Map<String, Object> keyed = new LinkedHashMap<>();
        keyed.put("key", "2026-06-01");
        keyed.putAll(dayRow);
        assertEquals(List.of(keyed), byDay.rows());

        Report byCategory = q.report("calls", p, GroupBy.CATEGORY);
        assertEquals(List.of("district-paid", "subsidised", "unregistered"),
                byCategory.rows().stream().map(r -> r.get("key")).toList());
        assertEquals(3L, byCategory.rows().get(1).get("offered"));
        assertEquals(2L, byCategory.rows().get(1).get("abandoned"));
        assertEquals(List.of("unknown", "天平路街道", "湖南路街道"),
                q.report("calls", p, GroupBy.SUB_DISTRICT).rows().stream().map(r -> r.get("key")).toList());

        Report waits = q.report("answer-times", p, GroupBy.LINE);
        List<String> wc = ReportQueries.COLUMNS.get("answer-times");
        assertEquals(row(wc, "sos", 2L, 12_500L, 20_000L, 20_000L, 90_000L, 15_000L, 105_000L), waits.rows().get(2));
        assertEquals(200_000L, waits.total().get("p90WaitMs"));
        assertEquals(7_500L, waits.total().get("avgWrapUpMs"));

        List<String> ic = ReportQueries.COLUMNS.get("incidents");
        assertEquals(List.of(
                row(ic, "abandoned-sos", 1L, 0L, 0L, 0L, 0L, 1L, null, null, null),
                row(ic, "no-response", 1L, 0L, 1L, 0L, 1L, 0L, 60_000L, 540_000L, 1_200_000L)),
                q.report("sos", p, GroupBy.REASON).rows());

        List<String> fc = ReportQueries.COLUMNS.get("follow-ups");
        assertEquals(List.of(row(fc, "consult", 1L, 1L, 0L, 1L, 0L, 0L), row(fc, "sos", 2L, 1L, 1L, 0L, 1L, 1L)),
                q.report("follow-ups", p, GroupBy.REASON).rows());

        List<String> sc = ReportQueries.COLUMNS.get("satisfaction");
        Report sat = q.report("satisfaction", p, GroupBy.REASON);
        assertEquals(List.of(row(sc, "consult", 1L, 3.0, 0L, 0L, 1L, 0L, 0L), row(sc, "sos", 1L, 5.0, 0L, 0L, 0L, 0L, 1L)),
                sat.rows());
        assertEquals(4.0, sat.total().get("avgScore"));

        List<String> bc = ReportQueries.COLUMNS.get("broadcasts");
        assertEquals(List.of(row(bc, "booking", 1L, 1L, 1L, 0L, 0L, 0L), row(bc, "campaign", 2L, 1L, 0L, 2L, 0L, 0L)),
                q.report("campaigns", p, GroupBy.KIND).rows());

        List<String> ec = ReportQueries.COLUMNS.get("elders");
        assertEquals(List.of(
                row(ec, "district-paid", 1L, 1L, 1L, 1L, 0L, 0L, 0L, 1L, 0L, 1L, 0L),
                row(ec, "market", 1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 1L, 0L, 1L),
                row(ec, "subsidised", 1L, 1L, 0L, 0L, 0L, 0L, 1L, 0L, 0L, 0L, 0L)),
                q.report("elders", p, GroupBy.CATEGORY).rows());
        assertNull(q.report("calls", p, GroupBy.LINE).rows().get(3).get("avgWaitMs"));
        assertEquals(Arrays.asList("2026-W22", "2026-W23"),
                ReportQueries.labels(new Period(ReportSeed.at(0, 0) - 86_400_000L, ReportSeed.at(0, 0) + 86_400_000L,
                        ReportSeed.ZONE), GroupBy.WEEK));
    }
}

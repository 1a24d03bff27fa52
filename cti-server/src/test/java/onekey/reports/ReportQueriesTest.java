package onekey.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import onekey.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reports over H2 (StorageIT runs the same figures on MariaDB too), periods and groupings. */
class ReportQueriesTest {
    @TempDir
    Path tmp;
    Database db;
    ReportQueries q;

    @BeforeEach
    void seed() {
        db = onekey.testkit.H2Template.open(tmp.resolve("reports"), "sa", 4);
        ReportSeed.seed(db.dsl());
        q = new ReportQueries(db.dsl(), (from, to) -> List.of(Map.of("username", "ann", "calls", 2, "talkMs", 180_000L,
                "wrapUpMs", 30_000L, "notReadyMs", 0L, "readyMs", 1000L)),
                Clock.fixed(Instant.ofEpochMilli(ReportSeed.NOW), ReportSeed.ZONE));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void everyReportGivesTheFiguresWorkedOutByHand() {
        ReportFigures.assertAll(q);
        assertEquals(List.of(ReportFigures.row(ReportQueries.COLUMNS.get("agents"), "ann", 2L, 180_000L, 30_000L, 0L, 1000L)),
                q.report("agents", ReportSeed.day(), null).rows());
    }

    @Test
    void aMonthByDayListsEveryDayEmptyOnesAsZerosAndMonthsFollowTheCalendar() {
        Period june = Period.month(ReportSeed.DAY, ReportSeed.ZONE);
        Report r = q.report("calls", june, GroupBy.DAY);
        assertEquals(30, r.rows().size());
        assertEquals("2026-06-01", r.rows().get(0).get("key"));
        assertEquals(6L, r.rows().get(0).get("offered"));
        assertEquals(0L, r.rows().get(29).get("offered"));
        assertEquals(ReportFigures.CALLS_TOTAL, r.total());
        Period spring = new Period(Period.parse("2026-05-15", ReportSeed.ZONE, false), Period.parse("2026-06-02", ReportSeed.ZONE, true),
                ReportSeed.ZONE);
        Report months = q.report("calls", spring, GroupBy.MONTH);
        assertEquals(List.of("2026-05", "2026-06"), months.rows().stream().map(m -> m.get("key")).toList());
        assertEquals(1L, months.rows().get(0).get("offered")); // the call of the day before (31 May)
        assertEquals(6L, months.rows().get(1).get("offered"));
    }

    @Test
    void periodsReadIsoAndEpochMillisAndRefuseTheRest() {
        long d = ReportSeed.at(0, 0);
        assertEquals(d, Period.parse("2026-06-01", ReportSeed.ZONE, false));
        assertEquals(d + 86_400_000L, Period.parse("2026-06-01", ReportSeed.ZONE, true));
        assertEquals(d, Period.parse("2026-05-31T16:00:00Z", ReportSeed.ZONE, false));
        assertEquals(d, Period.parse("2026-06-01T00:00+08:00", ReportSeed.ZONE, false));
        assertEquals(d, Period.parse("2026-06-01T00:00", ReportSeed.ZONE, false));
        assertEquals(d, Period.parse(Long.toString(d), ReportSeed.ZONE, false));
        assertThrows(IllegalArgumentException.class, () -> Period.parse("June", ReportSeed.ZONE, false));
        assertThrows(IllegalArgumentException.class, () -> q.report("elders", ReportSeed.day(), GroupBy.AGENT));
        assertThrows(IllegalArgumentException.class, () -> q.report("payroll", ReportSeed.day(), null));
        assertEquals(GroupBy.SUB_DISTRICT, GroupBy.parse("subDistrict", null));
        assertEquals(GroupBy.SUB_DISTRICT, GroupBy.parse("sub-district", null));
        assertEquals(LocalDate.of(2026, 6, 30), Period.month(ReportSeed.DAY, ReportSeed.ZONE).lastDay());
    }
}

package onekey.reports;

import static onekey.store.jooq.Tables.CALLS;
import static onekey.store.jooq.Tables.CALL_SUMMARY_DAYS;
import static onekey.store.jooq.Tables.ELDERS;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jooq.DSLContext;

/**
 * Issue 22, V29: the calls' figures read from the per-day summaries equal the raw rows' on the same data — for every
 * grouping of the calls and answer-times reports, over a period with partial days at both ends, and again after a
 * call of a summed day was written (its day dropped and rebuilt) and after an elder's class changed.
 */
public final class SummaryCheck {

    private SummaryCheck() {
    }

    /** A week of generated calls before {@link ReportSeed#DAY} (its own seed too): lines, elders, waits, abandons. */
    public static void seedWeek(DSLContext dsl) {
        List<Long> elders = dsl.select(ELDERS.ID).from(ELDERS).fetch(ELDERS.ID);
        String[] lines = {"sos", "general", "taxi", "consult"};
        long start = ReportSeed.at(0, 0) - 7 * 86_400_000L;
        for (int i = 0; i < 700; i++) {
            long arrived = start + (i * 7_919_000L) % (8 * 86_400_000L); // spread over the 7 days and DAY
            boolean abandoned = i % 9 == 0;
            long wait = (i * 13_337L) % 240_000L; // 0 to 4 min: on both sides of 15, 60 and 180 s
            Long answered = abandoned ? null : arrived + wait;
            long ended = (abandoned ? arrived + wait : arrived + wait + 30_000 + (i * 17L) % 200_000);
            dsl.insertInto(CALLS).set(CALLS.LINKEDID, "week." + i).set(CALLS.SERVICE, lines[i % lines.length])
                    .set(CALLS.ELDER_ID, i % 11 == 0 || elders.isEmpty() ? null : elders.get(i % elders.size()))
                    .set(CALLS.ARRIVED_AT, arrived).set(CALLS.ANSWERED_AT, answered).set(CALLS.ENDED_AT, ended)
                    .set(CALLS.AGENT_ID, abandoned ? null : (long) (ReportSeed.ANN + i % 2))
                    .set(CALLS.AGENT_NAME, abandoned ? null : (i % 2 == 0 ? "ann" : "bob"))
                    .set(CALLS.OUTCOME, abandoned ? "abandoned" : "completed")
                    .set(CALLS.DIRECTION, i % 50 == 7 ? "seat" : null).execute();
        }
    }

    /** Compares both paths for every grouping; returns how many (day, dimension) summaries exist afterwards. */
    public static int assertSummariesEqualRaw(DSLContext dsl) {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(ReportSeed.NOW + 2 * 86_400_000L), ReportSeed.ZONE);
        ReportQueries summed = new ReportQueries(dsl, (f, t) -> List.of(), clock, true);
        ReportQueries raw = new ReportQueries(dsl, (f, t) -> List.of(), clock, false);
        // from 10:30 six days before DAY to DAY's 15:00: partial days at both ends, five whole days between
        Period p = new Period(ReportSeed.at(10, 30) - 6 * 86_400_000L, ReportSeed.at(15, 0), ReportSeed.ZONE);
        // and a week of whole days only, up to the end of DAY (closed by the clock)
        Period whole = new Period(ReportSeed.at(0, 0) - 6 * 86_400_000L, ReportSeed.at(0, 0) + 86_400_000L, ReportSeed.ZONE);
        for (Period period : List.of(p, whole)) {
            for (String name : List.of("calls", "answer-times")) {
                for (GroupBy g : ReportQueries.GROUPINGS.get(name)) {
                    Report a = summed.report(name, period, g);
                    Report b = raw.report(name, period, g);
                    assertThat(a.rows()).as(name + " by " + g.wire()).isEqualTo(b.rows());
                    assertThat(a.total()).as(name + " by " + g.wire() + " total").isEqualTo(b.total());
                }
            }
        }
        Report month = raw.report("calls", whole, GroupBy.NONE);
        assertThat((Long) month.total().get("offered")).as("the generated week is counted").isGreaterThan(500L);
        return dsl.fetchCount(CALL_SUMMARY_DAYS);
    }
}

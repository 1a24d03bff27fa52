package onekey.bench;

import static onekey.store.jooq.Tables.CALLS;
import static onekey.store.jooq.Tables.ELDERS;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import onekey.reports.GroupBy;
import onekey.reports.Period;
import onekey.reports.Report;
import onekey.reports.ReportExports;
import onekey.reports.ReportQueries;
import onekey.store.Database;
import org.jooq.DSLContext;
import org.jooq.Query;

/**
 * Reports benchmark (issue 22 test 5; not a test, no assertion): a month's report over 1,000,000 stored calls (a
 * month of a busy district, 5 lines, 10,000 elders in three classes and 12 sub-districts, 20 agents, 8 % abandoned)
 * on an H2 file database, as {@code GET /api/reports/calls} computes it. Target: ≤ 2 s. Prints the figures and
 * appends a section to the markdown file given as the first argument ({@code ./onekey bench reports}).
 * Optional second argument: the number of calls (default 1000000).
 */
public final class ReportsBench {

    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final int CHUNK = 100_000;
    private static final String[] LINES = {"sos", "registration", "taxi", "consult", "general"};
    private static final String[] CATEGORIES = {"district-paid", "subsidised", "market"};

    private ReportsBench() {}

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : Integer.getInteger("bench.calls", 1_000_000);
        Path dir = Files.createTempDirectory("onekey-reports-bench-");
        double[] load0 = loadAvg();
        LocalDate month = LocalDate.of(2026, 5, 1);
        Period p = Period.month(month, ZONE);
        try (Database db = Database.open(Database.h2FileUrl(dir.resolve("onekey")), "sa", "", 4)) {
            long t0 = System.nanoTime();
            load(db.dsl(), calls, p);
            double loadS = (System.nanoTime() - t0) / 1e9;
            long bytes = Files.size(dir.resolve("onekey.mv.db"));
            System.out.printf(Locale.ROOT, "loaded %,d calls in %.1f s (H2 file %,d MB)%n", calls, loadS, bytes >> 20);
            // the raw path (every call read) and the per-day summaries (V29) in the same run, two rounds: each round
            // drops the summaries first, so its first summed report of each kind pays the roll-up of the month's days
            ReportQueries rawQ = new ReportQueries(db.dsl(), (a, b) -> List.of(), Clock.systemUTC(), false);
            ReportQueries q = new ReportQueries(db.dsl(), (a, b) -> List.of(), Clock.systemUTC(), true);
            List<String[]> runs = List.of(new String[] {"calls", "line"}, new String[] {"calls", "day"},
                    new String[] {"calls", "category"}, new String[] {"calls", "sub-district"},
                    new String[] {"answer-times", "line"}, new String[] {"elders", "category"});
            List<String> rows = new ArrayList<>();
            int run = 0;
            for (int round = 1; round <= 2; round++) {
                db.dsl().deleteFrom(onekey.store.jooq.Tables.CALL_SUMMARY_WAITS).execute();
                db.dsl().deleteFrom(onekey.store.jooq.Tables.CALL_SUMMARY).execute();
                db.dsl().deleteFrom(onekey.store.jooq.Tables.CALL_SUMMARY_DAYS).execute();
                long rawSum = 0;
                long sumSum = 0;
                for (String[] r : runs) {
                    // each run a period 1 ms longer (no call is there): a new SQL text, so H2 cannot hand back the
                    // result it kept for the same statement over unchanged tables
                    long[] ms = new long[5];
                    long[] sm = new long[5];
                    Report rep = null;
                    Report summed = null;
                    for (int i = 0; i < ms.length; i++) {
                        Period pi = new Period(p.from(), p.to() + (++run), p.zone());
                        long s = System.nanoTime();
                        rep = rawQ.report(r[0], pi, GroupBy.parse(r[1], null));
                        ms[i] = (System.nanoTime() - s) / 1_000_000;
                        s = System.nanoTime();
                        summed = q.report(r[0], pi, GroupBy.parse(r[1], null));
                        sm[i] = (System.nanoTime() - s) / 1_000_000;
                    }
                    if (!rep.rows().equals(summed.rows()) || !rep.total().equals(summed.total())) {
                        throw new IllegalStateException("the summaries differ from the raw rows: " + r[0] + " by " + r[1]);
                    }
                    long build = sm[0];
                    java.util.Arrays.sort(ms);
                    long[] warm = java.util.Arrays.copyOfRange(sm, 1, 5);
                    java.util.Arrays.sort(warm);
                    rawSum += ms[2];
                    sumSum += warm[1];
                    rows.add(String.format(Locale.ROOT, "| %d | `%s?groupBy=%s` (%d rows; total offered %s) | median %d ms (min %d, max %d) | first %d ms (builds the days' roll-up if new); then median %d ms (min %d, max %d) |",
                            round, r[0], r[1], rep.rows().size(), rep.total().getOrDefault("offered", rep.total().get("answered")),
                            ms[2], ms[0], ms[4], build, warm[1], warm[0], warm[3]));
                    System.out.println(rows.get(rows.size() - 1));
                }
                rows.add(String.format(Locale.ROOT, "| %d | all six (sum of medians; the elders report reads no calls) | %d ms | %d ms (raw / summed = %.1f×) |",
                        round, rawSum, sumSum, sumSum == 0 ? 0.0 : (double) rawSum / sumSum));
                System.out.println(rows.get(rows.size() - 1));
            }
            ReportExports ex = new ReportExports(ReportExports.DEFAULT_FONT, "一键通呼叫中心");
            List<Report> monthly = new ArrayList<>();
            long s = System.nanoTime();
            for (String[] r : onekey.reports.ReportService.MONTHLY_CONTENTS) {
                monthly.add(q.report(r[0], p, GroupBy.parse(r[1], null)));
            }
            long figures = (System.nanoTime() - s) / 1_000_000;
            s = System.nanoTime();
            byte[] pdf = ex.pdf(monthly, p);
            long pdfMs = (System.nanoTime() - s) / 1_000_000;
            s = System.nanoTime();
            byte[] xlsx = ex.xlsx(monthly, p);
            long xlsxMs = (System.nanoTime() - s) / 1_000_000;
            rows.add(String.format(Locale.ROOT, "| | the monthly report: %d reports' figures | | %d ms |", monthly.size(), figures));
            rows.add(String.format(Locale.ROOT, "| | … its PDF (A4, %d KB, first PDF of the JVM: font and chart classes loaded) | | %d ms |",
                    pdf.length >> 10, pdfMs));
            rows.add(String.format(Locale.ROOT, "| | … its XLSX (%d KB) | | %d ms |", xlsx.length >> 10, xlsxMs));
            double[] load1 = loadAvg();
            StringBuilder md = new StringBuilder();
            md.append("\n## Reports — ").append(ZonedDateTime.now()).append(" (issue 22, ./onekey bench reports)\n\n");
            md.append(String.format(Locale.ROOT, "Machine: %d cores, %s %s, Java %s. Load average before %.2f %.2f %.2f, after %.2f %.2f %.2f. "
                            + "H2 file database (%,d MB) with %,d calls in May 2026 (Asia/Shanghai), 10,000 elders, loaded in %.0f s. "
                            + "Each figure: 5 runs, each with a new SQL text (no result reuse), raw and summed alternately in the same JVM; the summed path's first run builds the month's per-day roll-up (dropped before each round), its median is of the 4 after; the two paths' figures compared equal in every run. Target ≤ 2 s for a month (a benchmark figure, not an assertion).%n%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                    System.getProperty("java.version"), load0[0], load0[1], load0[2], load1[0], load1[1], load1[2],
                    bytes >> 20, calls, loadS));
            md.append("| round | report of the month | raw rows | per-day summaries (V29) |\n|---|---|---|---|\n");
            rows.forEach(r -> md.append(r).append('\n'));
            Files.writeString(out, md.toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            System.out.print(md);
        } finally {
            try (var w = Files.walk(dir)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static double[] loadAvg() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2])};
        } catch (Exception e) {
            double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return new double[] {l, l, l};
        }
    }

    private static void load(DSLContext dsl, int calls, Period p) {
        List<Query> batch = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            batch.add(dsl.insertInto(ELDERS).set(ELDERS.NAME, "老人" + i).set(ELDERS.CATEGORY, CATEGORIES[i % 3])
                    .set(ELDERS.SUB_DISTRICT, "街道" + (i % 12)).set(ELDERS.CARE_LEVEL, i % 4 == 0 ? null : "assisted")
                    .set(ELDERS.CREATED_AT, 0L).set(ELDERS.UPDATED_AT, 0L));
            if (batch.size() == 1000) {
                dsl.batch(batch).execute();
                batch.clear();
            }
        }
        // ("X" quoted: SYSTEM_RANGE's column is upper case, and the database folds unquoted names to lower case)
        // the calls made by H2 itself in one statement (a pseudo-random but fixed mix from the row number X): 5 lines,
        // 1 in 20 callers unregistered, 8 % abandoned, waits up to 20 s (1 in 10 up to 170 s), talk 30 s to 5.5 min
        long span = p.to() - p.from();
        String arrived = p.from() + " + MOD(\"X\" * 104729, " + span + ")";
        String abandoned = "MOD(\"X\" * 31, 100) < 8";
        String wait = "(MOD(\"X\" * 13, 20000) + CASE WHEN MOD(\"X\", 10) = 0 THEN 150000 ELSE 0 END)";
        // 100,000 rows a statement (each its own transaction: one transaction of a million rows holds them all in memory)
        for (int a = 0; a < calls; a += CHUNK) {
            dsl.execute("INSERT INTO calls (linkedid, service, elder_id, priority, arrived_at, answered_at, ended_at, agent_id,"
                    + " agent_name, outcome) SELECT 'b.' || \"X\","
                    + " CASE MOD(\"X\", 5) WHEN 0 THEN 'sos' WHEN 1 THEN 'registration' WHEN 2 THEN 'taxi' WHEN 3 THEN 'consult'"
                    + " ELSE 'general' END,"
                    + " CASE WHEN MOD(\"X\", 20) = 0 THEN NULL ELSE 1 + MOD(\"X\" * 7919, 10000) END, 0, " + arrived + ","
                    + " CASE WHEN " + abandoned + " THEN NULL ELSE " + arrived + " + " + wait + " END,"
                    + " " + arrived + " + " + wait + " + CASE WHEN " + abandoned + " THEN 0 ELSE 30000 + MOD(\"X\" * 17, 300000) END,"
                    + " CASE WHEN " + abandoned + " THEN NULL ELSE MOD(\"X\", 20) END,"
                    + " CASE WHEN " + abandoned + " THEN NULL ELSE '10' || MOD(\"X\", 20) END,"
                    + " CASE WHEN " + abandoned + " THEN 'abandoned' ELSE 'completed' END"
                    + " FROM SYSTEM_RANGE(" + (a + 1) + ", " + Math.min(calls, a + CHUNK) + ")");
        }
    }
}

package onekey.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The district's reports (issue 22): figures of any period computed from the stored timelines
 * ({@link ReportQueries}), exported as XLSX, PDF or CSV ({@link ReportExports}), and the monthly report made by itself
 * on the first day of each month (and on demand) and kept under {@code paths.reports}. Every report read or
 * downloaded is audited ({@code report.view}, {@code report.download}, {@code report.monthly-download}): the district
 * supervises the centre, and the centre knows what the district took.
 */
public final class ReportService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReportService.class);
    /** A monthly report's files: {@code onekey-report-2026-05.pdf} / {@code .xlsx}. */
    private static final Pattern MONTHLY = Pattern.compile("onekey-report-([0-9]{4}-[0-9]{2})\\.(pdf|xlsx)");

    /** A monthly report on disk. */
    public record MonthlyFile(String name, String month, String format, long bytes, long madeAt) {}

    private final ReportQueries queries;
    private final ReportExports exports;
    private final AuditLog audit;
    private final Clock clock;
    private final ZoneId zone;
    private final Path dir;
    private final ReportNotifier notifier;
    private ScheduledFuture<?> monthlyJob;

    public ReportService(ReportQueries queries, ReportExports exports, AuditLog audit, Clock clock, ZoneId zone, Path dir,
                         ReportNotifier notifier) {
        this.queries = queries;
        this.exports = exports;
        this.audit = audit;
        this.clock = clock;
        this.zone = zone;
        this.dir = dir;
        this.notifier = notifier;
    }

    public ZoneId zone() {
        return zone;
    }

    public ReportExports exports() {
        return exports;
    }

    /** {@code from}/{@code to} as given (ISO-8601 or epoch ms; null: today so far, to the end of the day). */
    public Period period(String from, String to) {
        LocalDate today = LocalDate.now(clock.withZone(zone));
        long f = from == null ? today.atStartOfDay(zone).toInstant().toEpochMilli() : Period.parse(from, zone, false);
        long t = to == null ? (from == null ? today.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli()
                : Math.max(f + 1, today.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli()))
                : Period.parse(to, zone, true);
        if (t - f > 400L * 86_400_000L) {
            throw new IllegalArgumentException("a report covers at most 400 days");
        }
        return new Period(f, t, zone);
    }

    /** The report as JSON figures; audited {@code report.view} (or {@code report.download} with its format). */
    public Report report(Account by, String name, Period p, GroupBy g, String format) {
        Report r = queries.report(name, p, g);
        audit.record(by, format == null ? "report.view" : "report.download", "report", r.name(),
                "from=" + p.iso(p.from()) + " to=" + p.iso(p.to()) + " groupBy=" + r.groupBy().wire()
                        + (format == null ? "" : " format=" + format));
        return r;
    }

    /** A page of the raw call list as CSV rows (no personal data); audited {@code report.call-list} with its rows. */
    public onekey.store.Cursor.Page<Map<String, Object>> callList(Account by, Period p, onekey.store.Cursor after, int limit) {
        var page = queries.callList(p.from(), p.to(), after, limit);
        audit.record(by, "report.call-list", "report", "call-list", "from=" + p.iso(p.from()) + " to=" + p.iso(p.to())
                + " rows=" + page.items().size() + (after == null ? "" : " cursor=" + after.token()));
        return page;
    }

    /** The report without an audit row (the monthly job, the bench). */
    public Report compute(String name, Period p, GroupBy g) {
        return queries.report(name, p, g);
    }

    // ------------------------------------------------------------------ monthly

    /** What a monthly report holds: each report with its grouping, in order. */
    public static final List<String[]> MONTHLY_CONTENTS = List.of(
            new String[] {"calls", "day"}, new String[] {"calls", "line"}, new String[] {"calls", "category"},
            new String[] {"calls", "sub-district"}, new String[] {"answer-times", "line"},
            new String[] {"incidents", "reason"}, new String[] {"incidents", "outcome"},
            new String[] {"follow-ups", "reason"}, new String[] {"broadcasts", "kind"},
            new String[] {"elders", "category"}, new String[] {"elders", "care-level"},
            new String[] {"agents", "agent"}, new String[] {"satisfaction", "reason"});

    /** The monthly report's reports over {@code month}. */
    public List<Report> monthlyReports(YearMonth month) {
        Period p = Period.month(month.atDay(1), zone);
        List<Report> out = new ArrayList<>();
        for (String[] c : MONTHLY_CONTENTS) {
            out.add(queries.report(c[0], p, GroupBy.parse(c[1], null)));
        }
        return out;
    }

    /**
     * Makes the monthly report of {@code month} (PDF and XLSX) under {@code paths.reports}, replacing an earlier one;
     * written to a temporary file and moved into place, so a reader never sees half a file.
     */
    public List<MonthlyFile> makeMonthly(YearMonth month, Account by) {
        List<Report> reports = monthlyReports(month);
        Period p = Period.month(month.atDay(1), zone);
        try {
            Files.createDirectories(dir);
            List<MonthlyFile> out = new ArrayList<>();
            for (String fmt : List.of("pdf", "xlsx")) {
                byte[] bytes = fmt.equals("pdf") ? exports.pdf(reports, p) : exports.xlsx(reports, p);
                Path target = dir.resolve("onekey-report-" + month + "." + fmt);
                Path tmp = Files.createTempFile(dir, ".report-", "." + fmt);
                Files.write(tmp, bytes);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                out.add(file(target).orElseThrow());
            }
            if (by != null) {
                audit.record(by, "report.monthly-make", "report", month.toString(), null);
            }
            log.info("reports.monthly-made month={} dir={} by={}", month, dir, by == null ? "schedule" : by.username());
            if (notifier != null) {
                notifier.monthlyMade(month.toString(), out.stream().map(MonthlyFile::name).toList(), reports.stream()
                        .filter(r -> r.name().equals("calls")).findFirst().map(Report::total).orElse(Map.of()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the monthly report under " + dir, e);
        }
    }

    /** The monthly reports kept, newest month first. */
    public List<MonthlyFile> monthly() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(this::file).flatMap(Optional::stream)
                    .sorted(java.util.Comparator.comparing(MonthlyFile::month).reversed().thenComparing(MonthlyFile::format))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Optional<MonthlyFile> file(Path p) {
        var m = MONTHLY.matcher(p.getFileName().toString());
        if (!m.matches() || !Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new MonthlyFile(p.getFileName().toString(), m.group(1), m.group(2), Files.size(p),
                    Files.getLastModifiedTime(p).toMillis()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A kept monthly report's bytes by its file name, audited {@code report.monthly-download}; empty when unknown. */
    public Optional<byte[]> monthlyFile(Account by, String name) {
        if (!MONTHLY.matcher(name).matches()) {
            return Optional.empty(); // only our own names: no path ever reaches the file system from a request
        }
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try {
            byte[] b = Files.readAllBytes(p);
            audit.record(by, "report.monthly-download", "report", name, "bytes=" + b.length);
            return Optional.of(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The last month's report, made when it is missing: checked 10 minutes after start (not at once: a start is busy
     * enough, and a short-lived test server need not make one) and then every hour, so it is made on the first day of
     * the month within the hour after midnight, or soon after the first start when the server was down then.
     */
    public void ensureLastMonth() {
        YearMonth last = YearMonth.now(clock.withZone(zone)).minusMonths(1);
        boolean have = monthly().stream().filter(f -> f.month().equals(last.toString())).count() >= 2;
        if (!have) {
            try {
                makeMonthly(last, null);
            } catch (RuntimeException e) {
                log.error("reports.monthly-failed month={} error={}", last, e.toString(), e);
            }
        }
    }

    public synchronized ReportService start(ScheduledExecutorService scheduler) {
        monthlyJob = scheduler.scheduleWithFixedDelay(this::ensureLastMonth, 10, 60, TimeUnit.MINUTES);
        return this;
    }

    @Override
    public synchronized void close() {
        if (monthlyJob != null) {
            monthlyJob.cancel(false);
        }
    }
}

package onekey.reports;

import static onekey.store.jooq.Tables.REPORT_PUSHES;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import onekey.auth.AuditLog;
import onekey.config.RetrySpec;
import onekey.orders.Signatures;
import onekey.store.jooq.tables.records.ReportPushesRecord;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monthly report pushed to the district's platform (issue 22: "optionally pushed to the district platform by a
 * signed webhook"): when a monthly report is made, a POST of its month, the files' links and the calls summary (JSON, no
 * personal data) to each configured URL ({@code reports.pushUrls}), signed as the orders' supplier webhooks are
 * ({@link Signatures}: {@code X-OneKey-Timestamp} and {@code X-OneKey-Signature: sha256=} HMAC-SHA256 under
 * {@code reports.pushKey} over the timestamp, a dot and the body), until the platform answers 2xx, retried with
 * back-off ({@code reports.pushRetry} "6x60": 6 deliveries, 60 s, 120 s, 240 s … apart). Each push is a row
 * ({@code report_pushes}, V32) written before the first attempt, so a push pending at a restart is delivered after it.
 * Audited: {@code report.push} (delivered) and {@code report.push-failed} (every attempt refused).
 */
public final class ReportPush implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReportPush.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The push's settings, checked: a bad one is refused at start naming the key. */
    public record Config(List<URI> urls, String key, RetrySpec retry) {
        @Override
        public String toString() { // never the key in a log line
            return "ReportPush.Config[urls=" + urls + ", key=" + (key.isEmpty() ? "none" : "set") + ", retry=" + retry + "]";
        }

        /**
         * From the configuration's text: {@code urls} comma-separated absolute http(s) URLs (empty: no push), {@code key}
         * the shared secret (at least 16 characters when there is a URL), {@code retry} as {@link RetrySpec}.
         * {@link IllegalArgumentException} naming the setting when one is wrong.
         */
        public static Config parse(String urls, String key, String retry) {
            List<URI> out = new ArrayList<>();
            for (String u : (urls == null ? "" : urls).split(",")) {
                String s = u.trim();
                if (s.isEmpty()) {
                    continue;
                }
                URI uri;
                try {
                    uri = URI.create(s);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("reports.pushUrls: '" + s + "' is not a URL");
                }
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                    throw new IllegalArgumentException("reports.pushUrls: '" + s + "' is not an absolute http(s) URL");
                }
                out.add(uri);
            }
            String k = key == null ? "" : key.trim();
            if (!out.isEmpty() && k.length() < 16) {
                throw new IllegalArgumentException("reports.pushKey: the push's signing key must be set (at least 16"
                        + " characters) when reports.pushUrls names a URL");
            }
            RetrySpec r;
            try {
                r = RetrySpec.parse(retry);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("reports.pushRetry: " + e.getMessage());
            }
            return new Config(List.copyOf(out), k, r);
        }
    }

    private final DSLContext dsl;
    private final Config config;
    private final AuditLog audit;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final HttpClient http;
    private final String centre;
    private ScheduledFuture<?> next;
    private long nextAt = Long.MAX_VALUE;
    private boolean closed;
    private final Object running = new Object();
    private Runnable owned = () -> { };

    /** {@code timer}: where deliveries run (one at a time); {@code http}: the client that posts. */
    public ReportPush(DSLContext dsl, Config config, AuditLog audit, Clock clock, ScheduledExecutorService timer,
                      HttpClient http, String centre) {
        this.dsl = dsl;
        this.config = config;
        this.audit = audit;
        this.clock = clock;
        this.timer = timer;
        this.http = http;
        this.centre = centre;
    }

    /**
     * The server's: its own timer thread (a slow platform never holds the housekeeping) and HTTP client, both shut
     * when it is closed; null when no URL is configured.
     */
    public static ReportPush create(DSLContext dsl, Config config, AuditLog audit, Clock clock, String centre) {
        if (config.urls().isEmpty()) {
            return null;
        }
        ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("report-push").factory());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ReportPush p = new ReportPush(dsl, config, audit, clock, timer, http, centre);
        p.owned = () -> {
            timer.shutdownNow();
            http.close();
        };
        return p;
    }

    /** Delivers what was pending when the server stopped (and what comes due later). */
    public ReportPush start() {
        schedule(clock.millis());
        return this;
    }

    /** What the platform receives for a month: links to the files (read with a district account) and the summary. */
    byte[] body(String month, List<String> files, Map<String, Object> summary) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "report.monthly");
        m.put("month", month);
        m.put("centre", centre);
        m.put("madeAt", clock.millis());
        List<Map<String, Object>> fs = new ArrayList<>();
        for (String f : files) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", f);
            e.put("format", f.substring(f.lastIndexOf('.') + 1));
            e.put("href", "/api/reports/monthly/" + f);
            fs.add(e);
        }
        m.put("files", fs);
        m.put("summary", summary == null ? Map.of() : summary);
        try {
            return JSON.writeValueAsBytes(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A monthly report was made: one pending row per URL, delivered from now on. */
    void monthlyMade(String month, List<String> files, Map<String, Object> summary) {
        if (config.urls().isEmpty()) {
            return;
        }
        String body = new String(body(month, files, summary), java.nio.charset.StandardCharsets.UTF_8);
        long now = clock.millis();
        for (URI u : config.urls()) {
            dsl.insertInto(REPORT_PUSHES).set(REPORT_PUSHES.REPORT_MONTH, month).set(REPORT_PUSHES.URL, u.toString())
                    .set(REPORT_PUSHES.BODY, body).set(REPORT_PUSHES.STATE, "pending").set(REPORT_PUSHES.ATTEMPTS, 0)
                    .set(REPORT_PUSHES.NEXT_AT, now).set(REPORT_PUSHES.CREATED_AT, now).execute();
        }
        schedule(now);
    }

    private synchronized void schedule(long at) {
        if (closed || at >= nextAt && next != null && !next.isDone()) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        nextAt = at;
        next = timer.schedule(this::runDue, Math.max(0, at - clock.millis()), TimeUnit.MILLISECONDS);
    }

    /** Delivers every row that is due, then waits for the next one. */
    void runDue() {
        synchronized (this) {
            nextAt = Long.MAX_VALUE;
            next = null;
        }
        synchronized (running) { // one delivery round at a time: a row is never posted twice at once
            runDueNow();
        }
    }

    private void runDueNow() {
        try {
            for (ReportPushesRecord row : dsl.selectFrom(REPORT_PUSHES).where(REPORT_PUSHES.STATE.eq("pending"))
                    .and(REPORT_PUSHES.NEXT_AT.le(clock.millis())).orderBy(REPORT_PUSHES.ID).fetch()) {
                deliver(row);
            }
            Long due = dsl.select(org.jooq.impl.DSL.min(REPORT_PUSHES.NEXT_AT)).from(REPORT_PUSHES)
                    .where(REPORT_PUSHES.STATE.eq("pending")).fetchOne().value1();
            if (due != null) {
                schedule(due);
            }
        } catch (RuntimeException e) { // the database away: try again in a minute, nothing is lost
            log.warn("reports.push-error error={}", e.toString());
            schedule(clock.millis() + 60_000);
        }
    }

    private void deliver(ReportPushesRecord row) {
        byte[] body = row.getBody().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int attempt = row.getAttempts() + 1;
        long ts = clock.millis() / 1000;
        boolean ok = false;
        String detail;
        try {
            HttpRequest req = Signatures.post(URI.create(row.getUrl()), config.key(), ts, body, Duration.ofSeconds(20));
            HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
            ok = r.statusCode() / 100 == 2;
            detail = "attempt " + attempt + ": HTTP " + r.statusCode();
        } catch (java.io.IOException | IllegalArgumentException e) {
            detail = "attempt " + attempt + " failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long now = clock.millis();
        detail = detail.length() > 250 ? detail.substring(0, 250) : detail;
        String state = ok ? "delivered" : attempt >= config.retry().attempts() ? "failed" : "pending";
        long delay = config.retry().intervalSeconds() * 1000L << Math.min(attempt - 1, 10); // 60 s, 120 s, 240 s …
        dsl.update(REPORT_PUSHES).set(REPORT_PUSHES.STATE, state).set(REPORT_PUSHES.ATTEMPTS, attempt)
                .set(REPORT_PUSHES.LAST_DETAIL, detail).set(REPORT_PUSHES.NEXT_AT, ok ? now : now + delay)
                .set(REPORT_PUSHES.DELIVERED_AT, ok ? now : null).where(REPORT_PUSHES.ID.eq(row.getId())).execute();
        log.info("reports.push month={} url={} attempt={} ok={} state={}", row.getReportMonth(), row.getUrl(), attempt, ok, state);
        if (!state.equals("pending")) {
            audit.recordAs(null, "system", ok ? "report.push" : "report.push-failed", "report", row.getReportMonth(),
                    "url=" + row.getUrl() + " " + detail);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
        }
        owned.run();
    }
}

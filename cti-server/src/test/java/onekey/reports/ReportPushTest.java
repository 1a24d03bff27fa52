package onekey.reports;

import static onekey.store.jooq.Tables.REPORT_PUSHES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import onekey.auth.JooqAuditLog;
import onekey.config.ConfigLoader;
import onekey.orders.Signatures;
import onekey.store.Database;
import onekey.testkit.ManualScheduler;
import onekey.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monthly report's signed push to the district's platform (issue 22): a local HTTP server stands for the platform,
 * checks every request's HMAC-SHA256 signature and timestamp as a platform would ({@link Signatures#verify}), refuses
 * the first delivery (503) and takes the second after the back-off; a push pending when the server stops is delivered
 * by the next one (the row in {@code report_pushes}); bad settings are refused naming the key. Time is the test's
 * (a ManualScheduler over a TestClock), the HTTP is real.
 */
class ReportPushTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "district-platform-key-2026";

    @TempDir
    Path tmp;
    Database db;
    TestClock clock;
    ManualScheduler timer;
    JooqAuditLog audit;
    HttpServer platform;
    HttpClient http;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger refuseFirst = new AtomicInteger(1);

    record Received(String timestamp, String signature, byte[] body, boolean valid, int answered) {}

    @BeforeEach
    void start() throws Exception {
        db = onekey.testkit.H2Template.open(tmp.resolve("push"), "sa", 2);
        clock = new TestClock(java.time.Instant.parse("2026-06-01T00:05:00Z"));
        timer = new ManualScheduler(clock);
        audit = new JooqAuditLog(db, clock);
        http = HttpClient.newHttpClient();
        platform = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        platform.createContext("/onekey/monthly", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String ts = ex.getRequestHeaders().getFirst(Signatures.TIMESTAMP);
            String sig = ex.getRequestHeaders().getFirst(Signatures.SIGNATURE);
            boolean valid = Signatures.verify(KEY, ts, sig, body, clock.millis());
            int code = !valid ? 401 : refuseFirst.getAndDecrement() > 0 ? 503 : 204;
            received.add(new Received(ts, sig, body, valid, code));
            ex.sendResponseHeaders(code, -1);
            ex.close();
        });
        platform.start();
    }

    @AfterEach
    void stop() {
        platform.stop(0);
        http.close();
        db.close();
    }

    private String url() {
        return "http://127.0.0.1:" + platform.getAddress().getPort() + "/onekey/monthly";
    }

    private ReportPush push() {
        return new ReportPush(db.dsl(), ReportPush.Config.parse(url(), KEY, "3x60"), audit, clock, timer, http,
                "徐汇区一键通呼叫中心").start();
    }

    @Test
    void theMonthlyReportIsPushedSignedRefusedOnceThenDeliveredAfterTheBackOffAndAudited() throws Exception {
        ReportPush push = push();
        push.monthlyMade("2026-05", List.of("onekey-report-2026-05.pdf", "onekey-report-2026-05.xlsx"),
                Map.of("offered", 120, "answered", 117, "abandoned", 3));
        timer.runDue();
        assertEquals(1, received.size(), "the first delivery, at once");
        assertEquals(503, received.get(0).answered());
        var row = db.dsl().selectFrom(REPORT_PUSHES).fetchOne();
        assertEquals("pending", row.getState());
        assertEquals(1, row.getAttempts());
        assertEquals(clock.millis() + 60_000, row.getNextAt(), "the back-off's first step");
        timer.advance(59_000);
        assertEquals(1, received.size(), "not before the back-off");
        timer.advance(1_000);
        assertEquals(2, received.size(), "the second delivery after 60 s");
        Received ok = received.get(1);
        assertEquals(204, ok.answered());
        assertTrue(ok.valid(), "signed: HMAC-SHA256 over the timestamp and the body under the key");
        assertEquals(Long.toString(clock.millis() / 1000), ok.timestamp());
        assertEquals(Signatures.sign(KEY, Long.parseLong(ok.timestamp()), ok.body()), ok.signature());
        assertEquals(new String(received.get(0).body(), java.nio.charset.StandardCharsets.UTF_8),
                new String(ok.body(), java.nio.charset.StandardCharsets.UTF_8), "the same body each time");
        JsonNode body = JSON.readTree(ok.body());
        assertEquals("report.monthly", body.path("event").asText());
        assertEquals("2026-05", body.path("month").asText());
        assertEquals("徐汇区一键通呼叫中心", body.path("centre").asText());
        assertEquals("/api/reports/monthly/onekey-report-2026-05.pdf", body.path("files").get(0).path("href").asText());
        assertEquals(117, body.path("summary").path("answered").asInt());
        row = db.dsl().selectFrom(REPORT_PUSHES).fetchOne();
        assertEquals("delivered", row.getState());
        assertEquals(2, row.getAttempts());
        assertEquals("attempt 2: HTTP 204", row.getLastDetail());
        assertEquals(1, audit.find(null, "report.push", "report", "2026-05", null, null, 10).size());
        timer.advance(3_600_000);
        assertEquals(2, received.size(), "nothing more once delivered");
        push.close();
    }

    @Test
    void aPushPendingAtAStopIsDeliveredByTheNextStartAndOneAlwaysRefusedIsFailedAndAudited() throws Exception {
        ReportPush first = push();
        first.monthlyMade("2026-05", List.of("onekey-report-2026-05.pdf"), Map.of("offered", 5));
        timer.runDue(); // refused (503)
        first.close(); // the server stops with the push pending
        assertEquals(1, received.size());
        ManualScheduler after = new ManualScheduler(clock);
        timer = after;
        clock.advance(3_600_000);
        ReportPush second = push(); // the server again: the row is still there
        after.runDue();
        assertEquals(2, received.size(), "delivered after the restart");
        assertEquals(204, received.get(1).answered());
        assertEquals("delivered", db.dsl().selectFrom(REPORT_PUSHES).fetchOne().getState());
        second.close();

        // a platform that refuses every time: three attempts (60 s, 120 s apart), then failed and audited
        refuseFirst.set(100);
        ReportPush third = push();
        third.monthlyMade("2026-06", List.of("onekey-report-2026-06.pdf"), Map.of());
        after.runDue();
        after.advance(60_000);
        after.advance(120_000);
        after.advance(3_600_000);
        var row = db.dsl().selectFrom(REPORT_PUSHES).where(REPORT_PUSHES.REPORT_MONTH.eq("2026-06")).fetchOne();
        assertEquals("failed", row.getState());
        assertEquals(3, row.getAttempts());
        assertEquals(5, received.size(), "2 before, 3 attempts now, no fourth");
        assertEquals(1, audit.find(null, "report.push-failed", "report", "2026-06", null, null, 10).size());
        third.close();
    }

    /** Made by the report service itself: the push carries the month's calls total as the report computes it. */
    @Test
    void makingTheMonthlyReportPushesItsLinksAndTheCallsTotal() throws Exception {
        refuseFirst.set(0);
        ReportSeed.seed(db.dsl());
        java.time.Clock fixed = java.time.Clock.fixed(java.time.Instant.ofEpochMilli(ReportSeed.NOW), ReportSeed.ZONE);
        ReportPush push = push();
        ReportService reports = new ReportService(new ReportQueries(db.dsl(), (a, b) -> List.of(), fixed),
                new ReportExports(ReportExports.DEFAULT_FONT, "徐汇区一键通呼叫中心"), audit, fixed, ReportSeed.ZONE,
                tmp.resolve("monthly"), new ReportNotifier(new onekey.events.EventHub(16), push));
        reports.makeMonthly(java.time.YearMonth.of(2026, 6), null);
        timer.runDue();
        assertEquals(1, received.size());
        JsonNode body = JSON.readTree(received.get(0).body());
        assertEquals("2026-06", body.path("month").asText());
        assertEquals(List.of("onekey-report-2026-06.pdf", "onekey-report-2026-06.xlsx"),
                List.of(body.path("files").get(0).path("name").asText(), body.path("files").get(1).path("name").asText()));
        Map<String, Object> total = reports.compute("calls", Period.month(java.time.LocalDate.of(2026, 6, 1), ReportSeed.ZONE),
                GroupBy.DAY).total();
        assertTrue(((Number) total.get("offered")).intValue() > 0, "the seed's calls: " + total);
        for (String k : List.of("offered", "answered", "abandoned", "answeredWithin15s")) {
            assertEquals(((Number) total.get(k)).longValue(), body.path("summary").path(k).asLong(), k);
        }
        assertEquals("delivered", db.dsl().selectFrom(REPORT_PUSHES).fetchOne().getState());
        push.close();
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReportPush.Config.parse("ftp://platform/x", KEY, "3x60"))
                .getMessage().startsWith("reports.pushUrls"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReportPush.Config.parse("not a url", KEY, "3x60"))
                .getMessage().startsWith("reports.pushUrls"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReportPush.Config.parse(url(), "short", "3x60"))
                .getMessage().startsWith("reports.pushKey"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReportPush.Config.parse(url(), KEY, "forever"))
                .getMessage().startsWith("reports.pushRetry"));
        assertEquals(List.of(), ReportPush.Config.parse("", "", "6x60").urls(), "no URL: no push, no key needed");
        // the server refuses to start with it, naming the setting and its environment variable
        Map<String, String> env = Map.of("ONEKEY_REPORTS_PUSHURLS", url(), "ONEKEY_REPORTS_PUSHKEY", "short");
        Exception e = assertThrows(RuntimeException.class, () -> ConfigLoader.load(null, env));
        assertTrue(e.getMessage().contains("reports.pushKey (ONEKEY_REPORTS_PUSHKEY)"), e.getMessage());
    }
}

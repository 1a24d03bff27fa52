package onekey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import onekey.auth.Account;
import onekey.auth.AccountDraft;
import onekey.auth.Role;
import onekey.reports.ReportExports;
import onekey.reports.ReportFigures;
import onekey.reports.ReportNotifier;
import onekey.reports.ReportQueries;
import onekey.reports.ReportSeed;
import onekey.reports.ReportService;
import onekey.store.Database;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22's tests 2 and 3 over HTTP: the district role reads the reports and is refused elders, calls, recordings,
 * the audit trail and the event stream (403); the report's JSON has the core names; the XLSX read back with POI equals
 * the JSON; the PDF opens with PDFBox, its Chinese text extracts exactly, the font is embedded as a subset (PDFBox and
 * poppler's pdffonts say so) and a chart is on the page; every download is audited; the monthly report is made,
 * listed and downloaded.
 */
class ReportsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CENTRE = "徐汇区一键通呼叫中心";

    @TempDir
    Path tmp;
    Database db;
    ApiFixture f;
    ReportService reports;
    Account district;
    static onekey.testkit.TlsTrust.Pem tls; // one test certificate for the class (./onekey tls-cert: openssl)

    @TempDir
    static Path certs;

    @org.junit.jupiter.api.BeforeAll
    static void certificate() {
        tls = onekey.testkit.TlsTrust.demoCertificate(certs.resolve("tls"));
    }

    @BeforeEach
    void start() {
        db = onekey.testkit.H2Template.open(tmp.resolve("reports"), "sa", 4);
        ReportSeed.seed(db.dsl());
        Clock clock = Clock.fixed(Instant.ofEpochMilli(ReportSeed.NOW), ReportSeed.ZONE);
        // over HTTPS as production serves the page and the API (the launcher's own test certificate)
        f = ApiFixture.with(tmp, tls, (fx, server) -> {
            reports = new ReportService(new ReportQueries(db.dsl(), (a, b) -> List.of(), clock),
                    new ReportExports(ReportExports.DEFAULT_FONT, CENTRE), fx.audit, clock, ReportSeed.ZONE,
                    tmp.resolve("monthly"), new ReportNotifier(fx.hub));
            server.reports(reports);
        });
        district = f.accounts.create(new AccountDraft("district", Role.DISTRICT, null, null, "区民政局", true),
                onekey.auth.Passwords.hash(ApiFixture.PASSWORD.toCharArray()));
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
        db.close();
    }

    private HttpResponse<byte[]> bytes(String path, String token, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(path)).header("Authorization", "Bearer " + token).GET();
        if (accept != null) {
            b.header("Accept", accept);
        }
        return f.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theDistrictReadsTheCallsReportWithTheCoreNamesAndIsRefusedPersonalData() throws Exception {
        String t = f.token(district);
        var r = f.send("GET", "/api/reports/calls?from=2026-06-01&to=2026-06-01&groupBy=line", t, null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = JSON.readTree(r.body());
        assertEquals(List.of("from", "to", "rows", "total"), names(j));
        assertEquals("2026-06-01T00:00+08:00", j.path("from").asText());
        assertEquals("2026-06-02T00:00+08:00", j.path("to").asText());
        assertEquals(List.of("key", "offered", "answered", "answeredWithin15s", "answeredWithin60s", "answeredWithin180s",
                "abandoned", "avgWaitMs", "avgHandleMs"), names(j.path("rows").get(0)));
        assertEquals("sos", j.path("rows").get(2).path("key").asText());
        assertEquals(12_500, j.path("rows").get(2).path("avgWaitMs").asLong());
        assertEquals(JSON.readTree(JSON.writeValueAsString(ReportFigures.CALLS_TOTAL)), j.path("total"));
        // epoch ms work as well, and the figures carry no phone number or name
        var ms = f.send("GET", "/api/reports/calls?from=" + ReportSeed.at(0, 0) + "&to=" + (ReportSeed.at(0, 0) + 86_400_000L)
                + "&groupBy=line", t, null);
        assertEquals(j, JSON.readTree(ms.body()));
        assertFalse(r.body().contains("138"), r.body());
        assertEquals(2, f.audit.count("report.view", "calls"), "each read audited");

        for (String path : List.of("/api/elders", "/api/elders/1", "/api/calls", "/api/calls/1", "/api/recordings?callId=1",
                "/api/recordings/1", "/api/audit", "/api/wallboard", "/api/incidents")) {
            assertEquals(403, f.send("GET", path, t, null).statusCode(), path);
        }
        WebSocketHandshakeException ws = (WebSocketHandshakeException) assertThrows(CompletionException.class,
                () -> f.http.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + f.server.port() + "/ws?token=" + t),
                        new WebSocket.Listener() {}).join()).getCause();
        assertEquals(403, ws.getResponse().statusCode());
        // seats do not read the district's reports; supervisors do
        assertEquals(403, f.send("GET", "/api/reports/calls", f.token(f.agent), null).statusCode());
        assertEquals(200, f.send("GET", "/api/reports/calls", f.token(f.supervisor), null).statusCode());
        assertEquals(200, f.send("GET", "/api/me", t, null).statusCode());
        // bad input names its parameter
        var bad = JSON.readTree(f.send("GET", "/api/reports/calls?groupBy=colour", t, null).body());
        assertEquals("groupBy", bad.path("field").asText());
        assertEquals("from", JSON.readTree(f.send("GET", "/api/reports/calls?from=yesterday", t, null).body()).path("field").asText());
        assertEquals(404, f.send("GET", "/api/reports/salaries", t, null).statusCode());
    }

    /**
     * The raw call list as CSV with a cursor (issue 22): pages of 3 concatenated are every call of the period once,
     * newest first, the BOM and header on the first page only; no caller number and no elder's name; each page audited;
     * the district reads it, a seat does not.
     */
    @Test
    void theRawCallListComesAsCsvPagesThatConcatenateToEveryCallOnceWithoutPersonalData() throws Exception {
        // a call with a caller number and a registered elder: neither may appear in the district's list
        long elder = db.dsl().select(onekey.store.jooq.Tables.ELDERS.ID).from(onekey.store.jooq.Tables.ELDERS)
                .orderBy(onekey.store.jooq.Tables.ELDERS.ID).limit(1).fetchOne().value1();
        String elderName = db.dsl().select(onekey.store.jooq.Tables.ELDERS.NAME).from(onekey.store.jooq.Tables.ELDERS)
                .where(onekey.store.jooq.Tables.ELDERS.ID.eq(elder)).fetchOne().value1();
        db.dsl().insertInto(onekey.store.jooq.Tables.CALLS).set(onekey.store.jooq.Tables.CALLS.LINKEDID, "csv.1")
                .set(onekey.store.jooq.Tables.CALLS.SERVICE, "general").set(onekey.store.jooq.Tables.CALLS.ELDER_ID, elder)
                .set(onekey.store.jooq.Tables.CALLS.CALLER_NUMBER, "13812345678")
                .set(onekey.store.jooq.Tables.CALLS.ARRIVED_AT, ReportSeed.at(12, 0))
                .set(onekey.store.jooq.Tables.CALLS.ENDED_AT, ReportSeed.at(12, 1))
                .set(onekey.store.jooq.Tables.CALLS.OUTCOME, "abandoned").execute();
        long from = ReportSeed.at(0, 0) - 86_400_000L;
        long to = ReportSeed.at(0, 0) + 86_400_000L;
        List<Long> want = db.dsl().select(onekey.store.jooq.Tables.CALLS.ID).from(onekey.store.jooq.Tables.CALLS)
                .where(onekey.store.jooq.Tables.CALLS.ARRIVED_AT.ge(from)).and(onekey.store.jooq.Tables.CALLS.ARRIVED_AT.lt(to))
                .orderBy(onekey.store.jooq.Tables.CALLS.ARRIVED_AT.desc(), onekey.store.jooq.Tables.CALLS.ID.desc())
                .fetch(onekey.store.jooq.Tables.CALLS.ID);
        assertTrue(want.size() >= 7, "the seed's calls and the one above: " + want);
        String t = f.token(district);
        StringBuilder all = new StringBuilder();
        String cursor = null;
        int pages = 0;
        do {
            var r = bytes("/api/reports/call-list?from=" + from + "&to=" + to + "&limit=3"
                    + (cursor == null ? "" : "&cursor=" + cursor), t, null);
            assertEquals(200, r.statusCode(), new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(ReportExports.CSV, r.headers().firstValue("Content-Type").orElseThrow());
            String page = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(pages == 0, page.startsWith("\uFEFFid,arrivedAt,line,"), "BOM and header on the first page only: " + page);
            all.append(page);
            cursor = r.headers().firstValue("X-Next-Cursor").orElse(null);
            pages++;
        } while (cursor != null && pages < 20);
        assertEquals((want.size() + 2) / 3, pages, "pages of 3");
        String[] lines = all.toString().split("\r\n");
        assertEquals("\uFEFFid,arrivedAt,line,direction,priority,answeredAt,endedAt,waitMs,talkMs,agent,outcome,failOpen,"
                + "category,subDistrict,careLevel", lines[0]);
        List<Long> got = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            got.add(Long.parseLong(lines[i].substring(0, lines[i].indexOf(','))));
        }
        assertEquals(want, got, "every call once, newest first, no duplicates");
        assertTrue(all.toString().contains(",2026-06-01T12:00+08:00,general,inbound,"), all.toString());
        assertFalse(all.toString().contains("12345678"), "no caller number");
        assertFalse(all.toString().contains(elderName), "no elder's name");
        assertEquals(pages, f.audit.count("report.call-list", "call-list"), "each page audited");
        assertEquals(403, bytes("/api/reports/call-list", f.token(f.agent), null).statusCode());
        assertEquals(200, bytes("/api/reports/call-list", f.token(f.supervisor), null).statusCode());
        assertEquals(400, bytes("/api/reports/call-list?cursor=nonsense", t, null).statusCode());
        // a day given as dates, as the page sends it (from = to = that day), is that whole day, not an empty period
        var day = bytes("/api/reports/call-list?from=2026-06-01&to=2026-06-01", t, null);
        assertEquals(200, day.statusCode(), new String(day.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(new String(day.body(), java.nio.charset.StandardCharsets.UTF_8).contains(",2026-06-01T12:00+08:00,general,inbound,"));
        assertEquals(400, bytes("/api/reports/call-list?from=2026-06-02&to=2026-06-01", t, null).statusCode());
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void theXlsxReadBackWithPoiGivesTheJsonsFiguresAndTheDownloadIsAudited() throws Exception {
        String t = f.token(district);
        JsonNode j = JSON.readTree(f.send("GET", "/api/reports/calls?from=2026-06-01&to=2026-06-01&groupBy=line", t, null).body());
        var x = bytes("/api/reports/calls?from=2026-06-01&to=2026-06-01&groupBy=line", t, ReportExports.XLSX);
        assertEquals(200, x.statusCode());
        assertEquals(ReportExports.XLSX, x.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(x.headers().firstValue("Content-Disposition").orElseThrow().contains(".xlsx"));
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(x.body()))) {
            Sheet s = wb.getSheetAt(0);
            assertEquals(CENTRE + " · 话务量与接通率", s.getRow(0).getCell(0).getStringCellValue());
            List<String> cols = ReportQueries.COLUMNS.get("calls");
            for (int c = 0; c < cols.size(); c++) {
                assertEquals(cols.get(c), s.getRow(2).getCell(2 + c).getStringCellValue());
            }
            for (int i = 0; i <= j.path("rows").size(); i++) {
                Row row = s.getRow(4 + i);
                JsonNode want = i < j.path("rows").size() ? j.path("rows").get(i) : j.path("total");
                assertEquals(i < j.path("rows").size() ? want.path("key").asText() : "total", row.getCell(0).getStringCellValue());
                for (int c = 0; c < cols.size(); c++) {
                    var cell = row.getCell(2 + c);
                    if (want.path(cols.get(c)).isNull()) {
                        assertTrue(cell == null || cell.getCellType() == org.apache.poi.ss.usermodel.CellType.BLANK,
                                cols.get(c) + " of " + want);
                    } else {
                        assertEquals(want.path(cols.get(c)).asLong(), (long) cell.getNumericCellValue(), cols.get(c) + " of " + want);
                    }
                }
            }
            assertEquals("紧急求助", s.getRow(6).getCell(1).getStringCellValue());
        }
        assertEquals(1, f.audit.count("report.download", "calls"));
        var csv = bytes("/api/reports/calls?from=2026-06-01&to=2026-06-01&groupBy=line&format=csv", t, null);
        String text = new String(csv.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("\r\nsos,2,2,1,2,2,0,12500,105000\r\n"), text);
        assertTrue(text.contains("\r\ntotal,6,4,1,2,3,2,73750,62500\r\n"), text);
        assertEquals(2, f.audit.count("report.download", "calls"));
    }

    @Test
    void thePdfHasTheChineseTextTheFontEmbeddedAsASubsetAndAChart() throws Exception {
        var r = bytes("/api/reports/calls?from=2026-06-01&to=2026-06-01&groupBy=line&format=pdf", f.token(district), null);
        assertEquals(200, r.statusCode());
        assertEquals(ReportExports.PDF, r.headers().firstValue("Content-Type").orElseThrow());
        Path pdf = tmp.resolve("calls.pdf");
        Files.write(pdf, r.body());
        try (PDDocument doc = Loader.loadPDF(r.body())) {
            PDPage page = doc.getPage(0);
            assertEquals(595, Math.round(page.getMediaBox().getWidth()), "A4");
            assertEquals(842, Math.round(page.getMediaBox().getHeight()), "A4");
            String text = new PDFTextStripper().getText(doc);
            for (String s : List.of(CENTRE, "服务报告　统计期间：2026-06-01 至 2026-06-01", "话务量与接通率（按服务线路）",
                    "15秒内接通", "紧急求助", "综合服务", "合计")) {
                assertTrue(text.contains(s), s + " in:\n" + text);
            }
            boolean subset = false;
            for (COSName n : page.getResources().getFontNames()) {
                PDFont font = page.getResources().getFont(n);
                assertTrue(font.isEmbedded(), font.getName());
                subset |= font.getName().matches("[A-Z]{6}\\+.*WenQuanYi.*");
            }
            assertTrue(subset, "a subset of WenQuanYi Zen Hei");
            int images = 0;
            for (COSName n : page.getResources().getXObjectNames()) {
                if (page.getResources().getXObject(n) instanceof PDImageXObject img) {
                    images++;
                    assertTrue(img.getWidth() >= 500, "the chart's image: " + img.getWidth());
                }
            }
            assertEquals(1, images, "the chart");
        }
        // poppler's pdffonts: embedded (emb yes) as a subset (sub yes)
        Process p = new ProcessBuilder("pdffonts", pdf.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out + " (pdffonts from poppler-utils)");
        String line = out.lines().filter(l -> l.contains("WenQuanYi")).findFirst().orElseThrow(() -> new AssertionError(out));
        assertTrue(line.matches("[A-Z]{6}\\+\\S*WenQuanYi\\S*\\s.*\\byes\\s+yes\\s+(yes|no)\\s.*"), line);
        assertEquals(1, f.audit.count("report.download", "calls"));
    }

    @Test
    void theMonthlyReportIsMadeListedAndDownloadedByTheDistrictAuditedAndAnnounced() throws Exception {
        assertTrue(reports.monthly().isEmpty());
        reports.ensureLastMonth(); // the clock says June: May's report is made
        assertEquals(List.of("onekey-report-2026-05.pdf", "onekey-report-2026-05.xlsx"),
                reports.monthly().stream().map(ReportService.MonthlyFile::name).toList());
        String t = f.token(district);
        var made = f.send("POST", "/api/reports/monthly?month=2026-06", t, null);
        assertEquals(201, made.statusCode(), made.body());
        JsonNode list = JSON.readTree(f.send("GET", "/api/reports/monthly", t, null).body());
        assertEquals("2026-06", list.get(0).path("month").asText());
        assertEquals(4, list.size());
        var pdf = bytes("/api/reports/monthly/onekey-report-2026-06.pdf", t, null);
        assertEquals(200, pdf.statusCode());
        try (PDDocument doc = Loader.loadPDF(pdf.body())) {
            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.contains("统计期间：2026-06-01 至 2026-06-30"), text);
            assertTrue(text.contains("服务对象档案（按照护等级）"), text);
            assertTrue(text.contains("介护"), text);
        }
        var xlsx = bytes("/api/reports/monthly/onekey-report-2026-06.xlsx", t, null);
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(xlsx.body()))) {
            assertEquals(ReportService.MONTHLY_CONTENTS.size(), wb.getNumberOfSheets());
            assertEquals("2026-06-01", wb.getSheetAt(0).getRow(4).getCell(0).getStringCellValue());
            assertEquals(6, (long) wb.getSheetAt(0).getRow(4).getCell(2).getNumericCellValue());
        }
        assertEquals(1, f.audit.count("report.monthly-download", "onekey-report-2026-06.pdf"));
        assertEquals(1, f.audit.count("report.monthly-make", "2026-06"));
        assertEquals(404, f.send("GET", "/api/reports/monthly/..%2Fsecrets.env", t, null).statusCode());
        assertEquals(404, f.send("GET", "/api/reports/monthly/onekey-report-2020-01.pdf", t, null).statusCode());
        assertEquals(YearMonth.of(2026, 5).toString(), reports.monthly().get(2).month());
    }

    /**
     * Issue 22 test 3 in a real browser: headless Chromium opens the page OneKey serves over HTTPS (accepting only the
     * test's own certificate), signs in with the district role through the form, shows today's figures equal to the
     * JSON, downloads a PDF, then the day's call list: the page follows X-Next-Cursor through every page and hands
     * the browser one CSV, which chromium writes to the folder and which equals the API's pages concatenated (every
     * call once, no caller number); a period the server refuses shows a clear error. The screenshot is the README's
     * (target/district-reports.png).
     */
    @Test
    void theReportsPageInHeadlessChromiumSignsInShowsTodaysFiguresAndDownloadsAPdfAndTheCallList() throws Exception {
        String t = f.token(district);
        JsonNode json = JSON.readTree(f.send("GET", "/api/reports/calls?groupBy=line", t, null).body());
        assertEquals("2026-06-01T00:00+08:00", json.path("from").asText(), "today by the server's clock");
        Path downloads = Files.createDirectories(tmp.resolve("downloads"));
        try (onekey.testkit.Chromium browser = onekey.testkit.Chromium.start(tmp, tls.cert())) {
            browser.navigate(f.uri("/reports/").toString());
            org.awaitility.Awaitility.await("the sign-in form with its handlers").atMost(java.time.Duration.ofSeconds(30))
                    .ignoreExceptions().until(() -> browser.eval("document.body !== null && document.body.dataset.ready === '1'"
                            + " && document.getElementById('signIn').textContent").asText().equals("登录"));
            browser.eval("document.getElementById('user').value='district';"
                    + "document.getElementById('password').value='" + ApiFixture.PASSWORD + "';"
                    + "document.getElementById('signIn').click(); true");
            org.awaitility.Awaitility.await("today's figures").atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> browser.eval("document.body.dataset.loaded || ''").asText().length() > 0);
            assertEquals("2026-06-01", browser.eval("document.getElementById('from').value").asText());
            assertEquals("https:", browser.eval("location.protocol").asText(), "served over HTTPS, as production serves it");
            // every cell of the table as the page shows it (data-value) equals the JSON
            JsonNode shown = browser.eval("Array.from(document.querySelectorAll('#figures tbody tr, #figures tfoot tr'))"
                    + ".map(tr => ({key: tr.dataset.key, cells: Object.fromEntries(Array.from(tr.querySelectorAll('td[data-col]'))"
                    + ".map(td => [td.dataset.col, td.dataset.value]))}))");
            List<String> cols = ReportQueries.COLUMNS.get("calls");
            assertEquals(json.path("rows").size() + 1, shown.size());
            for (int i = 0; i < shown.size(); i++) {
                JsonNode want = i < json.path("rows").size() ? json.path("rows").get(i) : json.path("total");
                assertEquals(i < json.path("rows").size() ? want.path("key").asText() : "total", shown.get(i).path("key").asText());
                for (String c : cols) {
                    assertEquals(want.path(c).isNull() ? "" : want.path(c).asText(), shown.get(i).path("cells").path(c).asText(),
                            c + " of " + want);
                }
            }
            assertEquals("紧急求助", browser.eval("document.querySelector('#figures tbody tr[data-key=sos] td').textContent").asText());
            assertEquals("15秒内接通", browser.eval("document.querySelector('#figures th[data-col=answeredWithin15s]').textContent").asText());
            assertTrue(browser.eval("document.querySelectorAll('#chart svg rect[data-col=offered]').length").asInt() == 4, "the chart");
            Files.write(Path.of("target", "district-reports.png"), browser.screenshot());
            browser.downloadsTo(downloads);
            browser.eval("document.getElementById('pdf').click(); true");
            org.awaitility.Awaitility.await("the PDF downloaded").atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> {
                        try (var s = Files.list(downloads)) {
                            return s.anyMatch(p -> p.getFileName().toString().endsWith(".pdf"));
                        }
                    });
            Path pdf;
            try (var s = Files.list(downloads)) {
                pdf = s.filter(p -> p.getFileName().toString().endsWith(".pdf")).findFirst().orElseThrow();
            }
            assertEquals("onekey-calls-line-2026-06-01_2026-06-01.pdf", pdf.getFileName().toString());
            org.awaitility.Awaitility.await("the whole file").atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> { try (PDDocument d = Loader.loadPDF(Files.readAllBytes(pdf))) { return d.getNumberOfPages() >= 1; }
                        catch (IOException e) { return false; } });
            try (PDDocument d = Loader.loadPDF(Files.readAllBytes(pdf))) {
                assertTrue(new PDFTextStripper().getText(d).contains(CENTRE));
            }

            // the day's call list through the page's button, in pages of 3 so the page must follow the cursor
            String csvName = "onekey-calls-2026-06-01_2026-06-01.csv";
            assertEquals("下载通话清单", browser.eval("document.getElementById('callList').textContent").asText());
            browser.eval("const b = document.getElementById('callList'); b.dataset.pageSize = '3'; b.click(); true");
            org.awaitility.Awaitility.await("chromium says the call list is downloaded").atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> browser.completedDownloads().contains(csvName) && Files.exists(downloads.resolve(csvName)));
            byte[] file = Files.readAllBytes(downloads.resolve(csvName));
            JsonNode done = JSON.readTree(browser.eval("document.body.dataset.callList").asText());
            int browserPages = done.path("pages").asInt();
            assertEquals(1, f.audit.count("report.download", "calls"), "the PDF audited once");
            // the API's pages of the same period, read by the test and concatenated
            java.io.ByteArrayOutputStream api = new java.io.ByteArrayOutputStream();
            String cursor = null;
            int pages = 0;
            do {
                var r = bytes("/api/reports/call-list?from=2026-06-01&to=2026-06-01&limit=3"
                        + (cursor == null ? "" : "&cursor=" + cursor), t, null);
                assertEquals(200, r.statusCode());
                api.write(r.body());
                cursor = r.headers().firstValue("X-Next-Cursor").orElse(null);
                pages++;
            } while (cursor != null && pages < 50);
            assertTrue(pages >= 2, "more than one page: " + pages);
            assertEquals(pages, browserPages, "the page read every page");
            assertEquals(2 * pages, f.audit.count("report.call-list", "call-list"), "every page audited, the browser's too");
            assertEquals(new String(api.toByteArray(), java.nio.charset.StandardCharsets.UTF_8),
                    new String(file, java.nio.charset.StandardCharsets.UTF_8), "the file is the API's pages concatenated");
            String[] lines = new String(file, java.nio.charset.StandardCharsets.UTF_8).split("\r\n");
            assertTrue(lines[0].startsWith("\uFEFFid,arrivedAt,line,"), lines[0]);
            List<Long> ids = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                ids.add(Long.parseLong(lines[i].substring(0, lines[i].indexOf(','))));
            }
            long dayStart = ReportSeed.at(0, 0);
            List<Long> want = db.dsl().select(onekey.store.jooq.Tables.CALLS.ID).from(onekey.store.jooq.Tables.CALLS)
                    .where(onekey.store.jooq.Tables.CALLS.ARRIVED_AT.ge(dayStart))
                    .and(onekey.store.jooq.Tables.CALLS.ARRIVED_AT.lt(dayStart + 86_400_000L))
                    .orderBy(onekey.store.jooq.Tables.CALLS.ARRIVED_AT.desc(), onekey.store.jooq.Tables.CALLS.ID.desc())
                    .fetch(onekey.store.jooq.Tables.CALLS.ID);
            assertEquals(want, ids, "every call of the day once, newest first");
            assertEquals(ids.size(), done.path("rows").asInt(), "the rows the page counted");
            String text = new String(file, java.nio.charset.StandardCharsets.UTF_8);
            for (String number : db.dsl().select(onekey.store.jooq.Tables.CALLS.CALLER_NUMBER).from(onekey.store.jooq.Tables.CALLS)
                    .where(onekey.store.jooq.Tables.CALLS.CALLER_NUMBER.isNotNull()).fetch(onekey.store.jooq.Tables.CALLS.CALLER_NUMBER)) {
                if (number.length() >= 5) {
                    assertFalse(text.contains(number), "no caller number: " + number);
                }
            }
            assertEquals("通话清单已下载：" + csvName + "（" + ids.size() + " 条）",
                    browser.eval("document.getElementById('status').textContent").asText());

            // a period the server refuses: a clear error in the status line, no file
            browser.eval("document.getElementById('from').value = '2026-06-02'; document.getElementById('to').value = '2026-06-01';"
                    + "document.getElementById('callList').click(); true");
            org.awaitility.Awaitility.await("the refusal shown").atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> browser.eval("document.getElementById('status').textContent").asText().startsWith("通话清单下载失败：HTTP 400"));
            assertTrue(browser.eval("document.getElementById('status').textContent").asText().contains("\"to\" must be after \"from\""),
                    browser.eval("document.getElementById('status').textContent").asText());
            // and in English when the page is
            browser.eval("document.getElementById('lang').click(); true");
            assertEquals("Download call list", browser.eval("document.getElementById('callList').textContent").asText());
            browser.eval("document.getElementById('lang').click(); true");
            assertEquals(2, browser.completedDownloads().size(), "the PDF and the call list, nothing more: " + browser.completedDownloads());
        }
        assertEquals(1, f.audit.count("report.download", "calls"), "the page's download audited");
        assertEquals(1, f.audit.count("login.ok", Long.toString(district.id())));
    }
}

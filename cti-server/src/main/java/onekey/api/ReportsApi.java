package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static onekey.api.Routes.roles;
import static onekey.auth.Role.ADMIN;
import static onekey.auth.Role.DISTRICT;
import static onekey.auth.Role.SUPERVISOR;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import onekey.auth.Role;
import onekey.reports.GroupBy;
import onekey.reports.Period;
import onekey.reports.Report;
import onekey.reports.ReportExports;
import onekey.reports.ReportQueries;
import onekey.reports.ReportService;

/**
 * The district's reports over REST (issue 22): {@code GET /api/reports/{name}?from&to&groupBy=} as JSON, or as a file
 * by {@code Accept} ({@code application/pdf}, the XLSX type, {@code text/csv}) or {@code ?format=pdf|xlsx|csv};
 * the monthly reports listed, made on demand and downloaded. Readable by supervisors, admins and the district; every
 * read audited by {@link ReportService}. The figures carry no personal data (no numbers, no elders' names).
 */
final class ReportsApi {

    private static final Set<Role> READERS = roles(SUPERVISOR, ADMIN, DISTRICT);

    private final ApiContext ctx;
    private final ReportService reports;

    ReportsApi(ApiContext ctx, ReportService reports) {
        this.ctx = ctx;
        this.reports = reports;
    }

    void addTo(Routes routes) {
        routes.add(GET, "/api/reports", READERS, r -> Reply.ok(catalogue()));
        routes.add(GET, "/api/reports/monthly", READERS, r -> Reply.ok(reports.monthly()));
        routes.add(POST, "/api/reports/monthly", READERS, this::makeMonthly);
        routes.add(GET, "/api/reports/monthly/{file}", READERS, this::monthlyFile);
        routes.add(GET, "/api/reports/call-list", READERS, this::callList);
        routes.add(GET, "/api/reports/{name}", READERS, this::report);
        // the district's page (no data in it: it signs in and reads the routes above); served over HTTPS with the API
        routes.add(GET, "/reports", Routes.PUBLIC, r -> page("index.html"));
        routes.add(GET, "/reports/{file}", Routes.PUBLIC, r -> page(r.pathParams.get("file")));
    }

    private static final Map<String, String> PAGE_FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "reports.js", "text/javascript; charset=utf-8",
            "reports.css", "text/css; charset=utf-8");

    private static Reply page(String file) throws java.io.IOException {
        String f = file == null || file.isEmpty() ? "index.html" : file;
        String type = PAGE_FILES.get(f);
        if (type == null) {
            throw ApiException.notFound("no such file: " + f);
        }
        try (var in = ReportsApi.class.getResourceAsStream("/onekey/web/reports/" + f)) {
            if (in == null) {
                throw ApiException.notFound("no such file: " + f);
            }
            return new Reply.BytesReply(HttpResponseStatus.OK, in.readAllBytes(), type, Map.of(
                    "Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; style-src 'self'",
                    "X-Frame-Options", "DENY", "Referrer-Policy", "no-referrer"));
        }
    }

    private static List<Map<String, Object>> catalogue() {
        List<Map<String, Object>> out = new ArrayList<>();
        ReportQueries.COLUMNS.forEach((name, cols) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("columns", cols);
            m.put("groupBy", ReportQueries.GROUPINGS.get(name).stream().map(GroupBy::wire).toList());
            out.add(m);
        });
        return out;
    }

    /** pdf, xlsx, csv or null (JSON) from {@code ?format=} or the Accept header. */
    static String format(Req r) {
        String f = r.param("format");
        if (f != null) {
            f = f.toLowerCase(Locale.ROOT);
            if (!Set.of("pdf", "xlsx", "csv", "json").contains(f)) {
                throw ApiException.badRequest("invalid_param", "\"format\" must be pdf, xlsx, csv or json", "format");
            }
            return f.equals("json") ? null : f;
        }
        String accept = r.http.headers().get(HttpHeaderNames.ACCEPT);
        if (accept == null) {
            return null;
        }
        accept = accept.toLowerCase(Locale.ROOT);
        if (accept.contains(ReportExports.PDF)) {
            return "pdf";
        }
        if (accept.contains(ReportExports.XLSX)) {
            return "xlsx";
        }
        if (accept.contains("text/csv")) {
            return "csv";
        }
        return null;
    }

    private Period period(Req r) {
        try {
            return reports.period(r.param("from"), r.param("to"));
        } catch (IllegalArgumentException e) {
            String field = r.param("from") != null && e.getMessage().startsWith("expected") ? "from" : "to";
            throw ApiException.badRequest("invalid_param", e.getMessage(), field);
        }
    }

    private Reply report(Req r) {
        String name;
        try {
            name = ReportQueries.canonical(r.pathParams.get("name"));
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        }
        GroupBy g;
        try {
            g = GroupBy.parse(r.param("groupBy"), null);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_param", e.getMessage(), "groupBy");
        }
        Period p = period(r);
        String format = format(r);
        Report rep;
        try {
            rep = reports.report(r.account, name, p, g, format);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_param", e.getMessage(), "groupBy");
        }
        if (format == null) {
            return Reply.ok(rep.json());
        }
        String file = "onekey-" + rep.name() + "-" + rep.groupBy().wire() + "-" + p.firstDay() + "_" + p.lastDay() + "." + format;
        return switch (format) {
            case "pdf" -> bytes(reports.exports().pdf(List.of(rep), p), ReportExports.PDF, file);
            case "xlsx" -> bytes(reports.exports().xlsx(List.of(rep), p), ReportExports.XLSX, file);
            default -> bytes(reports.exports().csv(rep), ReportExports.CSV, file);
        };
    }

    /**
     * {@code GET /api/reports/call-list?from&to&limit&cursor}: the raw call list as CSV (issue 22), newest first, a page
     * of at most {@code limit} (default 1,000, at most 10,000) rows; the next page's cursor in {@code X-Next-Cursor}
     * (none: the last page); the header row on the first page only. No personal data; every page audited.
     */
    private Reply callList(Req r) {
        Period p = period(r);
        Paging.Window w = Paging.page(r, 1_000, 10_000); // the period's days are Period's: from=to=a date is that day
        var page = reports.callList(r.account, p, w.after(), w.limit());
        byte[] csv = reports.exports().callListCsv(page.items(), w.after() == null, reports.zone());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Disposition", "attachment; filename=\"onekey-calls-" + p.firstDay() + "_" + p.lastDay()
                + (w.after() == null ? "" : "-cont") + ".csv\"");
        if (page.next() != null) {
            headers.put(Paging.NEXT_HEADER, page.next().token());
            headers.put("Access-Control-Expose-Headers", Paging.NEXT_HEADER);
        }
        return new Reply.BytesReply(HttpResponseStatus.OK, csv, ReportExports.CSV, headers);
    }

    static Reply bytes(byte[] b, String type, String file) {
        return new Reply.BytesReply(HttpResponseStatus.OK, b, type,
                Map.of("Content-Disposition", "attachment; filename=\"" + file + "\""));
    }

    /** {@code POST /api/reports/monthly?month=2026-05} (default: last month): made now, replacing a kept one. */
    private Reply makeMonthly(Req r) {
        YearMonth month;
        try {
            month = r.param("month") == null ? YearMonth.now(ctx.clock().withZone(reports.zone())).minusMonths(1)
                    : YearMonth.parse(r.param("month"));
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_param", "\"month\" must be yyyy-MM", "month");
        }
        return Reply.created(reports.makeMonthly(month, r.account));
    }

    private Reply monthlyFile(Req r) {
        String name = r.pathParams.get("file");
        byte[] b = reports.monthlyFile(r.account, name)
                .orElseThrow(() -> ApiException.notFound("no such monthly report: " + name));
        return bytes(b, name.endsWith(".pdf") ? ReportExports.PDF : ReportExports.XLSX, name);
    }
}

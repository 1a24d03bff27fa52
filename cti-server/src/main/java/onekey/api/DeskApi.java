package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static onekey.api.Routes.ANY;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import onekey.auth.Role;
import onekey.notices.Notice;
import onekey.notices.NoticeService;
import onekey.workload.Workload;

/**
 * Notices and workload over REST (issue 19 items 6 and 7): {@code POST /api/notices {"text","until","to"?}}
 * (supervisors, admins; {@code to}: "all" or usernames, comma-separated), {@code GET /api/notices} (a seat: those in
 * force for it; a supervisor: all in force, with who acknowledged), {@code POST /api/notices/{id}/ack};
 * {@code GET /api/workload?date=YYYY-MM-DD} (supervisors, admins; the centre's day, today by default).
 */
final class DeskApi {

    record NoticeBody(String text, String until, String to) {}

    private static final Set<Role> DESK = Routes.roles(Role.SUPERVISOR, Role.ADMIN);

    private final ApiContext ctx;
    private final NoticeService notices;
    private final Workload workload;
    private final ZoneId zone;
    private final onekey.history.CallHistory history;

    DeskApi(ApiContext ctx, NoticeService notices, Workload workload, onekey.history.CallHistory history, ZoneId zone) {
        this.ctx = ctx;
        this.history = history;
        this.notices = notices;
        this.workload = workload;
        this.zone = zone;
    }

    void addTo(Routes routes) {
        routes.add(POST, "/api/notices", DESK, this::post)
                .add(GET, "/api/notices", ANY, r -> Reply.ok((r.is(Role.AGENT) ? notices.activeFor(r.account.username())
                        : notices.active()).stream().map(n -> n.shape(r.account.username())).toList()))
                .add(POST, "/api/notices/{notice}/ack", ANY, r -> {
                    long id = r.id("notice");
                    return Reply.ok(notices.ack(id, r.account).orElseThrow(() -> ApiException.notFound("no such notice for "
                            + r.account.username() + ": " + id)).shape(r.account.username()));
                })
                .add(GET, "/api/workload", DESK, this::workload)
                .add(GET, "/api/history/calls", DESK, this::history);
    }

    private Reply post(Req r) {
        NoticeBody b = r.body(NoticeBody.class);
        if (b.text() == null || b.text().isBlank()) {
            throw ApiException.missing("text");
        }
        if (b.until() == null || b.until().isBlank()) {
            throw ApiException.missing("until");
        }
        long until;
        try {
            until = OffsetDateTime.parse(b.until().trim()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                until = LocalDateTime.parse(b.until().trim()).atZone(zone).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw ApiException.invalid("until", "\"until\" must be a date and time like 2026-11-25T18:00 (the centre's"
                        + " time zone) or 2026-11-25T10:00:00Z");
            }
        }
        List<String> to = b.to() == null || b.to().isBlank() || b.to().trim().equals("all") ? List.of()
                : Arrays.stream(b.to().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        try {
            Notice n = notices.post(b.text(), until, to, r.account);
            return Reply.created(n.shape(null));
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw ApiException.invalid(m.substring(0, m.indexOf(':')), m);
        }
    }

    /**
     * Call history (issue 19 item 3): {@code ?from=&to=} (dates YYYY-MM-DD in the centre's zone, {@code to} inclusive),
     * {@code line}, {@code agent} (username), {@code elderId}, {@code outcome}, {@code minTalkS}, {@code maxTalkS},
     * {@code disposition}, {@code offset}, {@code limit}. Audited {@code call.search} (the filter).
     */
    private Reply history(Req r) {
        Long from = r.param("from") == null ? null : date(r.param("from"), "from").atStartOfDay(zone).toInstant().toEpochMilli();
        Long to = r.param("to") == null ? null : date(r.param("to"), "to").plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        Long agentId = null;
        if (r.param("agent") != null) {
            agentId = ctx.accounts().byUsername(r.param("agent")).map(onekey.auth.Account::id)
                    .orElseThrow(() -> ApiException.invalid("agent", "no such agent: " + r.param("agent")));
        }
        Long min = r.longParam("minTalkS", 0);
        Long max = r.longParam("maxTalkS", 0);
        var f = new onekey.history.CallHistory.Filter(from, to, r.param("line"), agentId, r.longParam("elderId", 1),
                r.param("outcome"), min == null ? null : min * 1000, max == null ? null : max * 1000 + 999, r.param("disposition"));
        int offset = r.intParam("offset", 0, 0, 1_000_000);
        int limit = r.intParam("limit", 50, 1, 500);
        ctx.audit().record(r.account, "call.search", "calls", null, f + " offset=" + offset + " limit=" + limit);
        return Reply.ok(history.search(f, offset, limit));
    }

    private static LocalDate date(String s, String field) {
        try {
            return LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, "\"" + field + "\" must be a date like 2026-11-25");
        }
    }

    private Reply workload(Req r) {
        String d = r.param("date");
        LocalDate day;
        try {
            day = d == null ? LocalDate.now(ctx.clock() == null ? java.time.Clock.system(zone) : ctx.clock().withZone(zone))
                    : LocalDate.parse(d);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("date", "\"date\" must be like 2026-11-25");
        }
        long from = day.atStartOfDay(zone).toInstant().toEpochMilli();
        long to = day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        return Reply.ok(java.util.Map.of("date", day.toString(), "from", from, "to", to, "agents", workload.figures(from, to)));
    }
}

package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;
import static onekey.api.Routes.ANY;

import java.util.List;
import java.util.Map;
import java.util.Set;
import onekey.auth.Role;
import onekey.qa.QaForm;
import onekey.qa.QaService;
import onekey.qa.QaSheet;

/**
 * Quality checking over REST (issue 19 item 5). Checkers (supervisors, admins): {@code GET/PUT /api/qa/form},
 * {@code GET /api/qa/sample?days=}, {@code POST /api/calls/{id}/qa {"scores":{…},"comment"}}, {@code GET
 * /api/calls/{id}/qa}, {@code GET /api/qa/agents?days=}, {@code POST /api/calls/{id}/teaching {"note"}}, {@code GET
 * /api/qa/teaching}. Agents: {@code GET /api/qa/mine?open=true}, {@code POST /api/qa/{id}/ack {"note"}}. The service
 * writes the audit rows.
 */
final class QaApi {

    record ScoreBody(Map<String, Integer> scores, String comment) {}

    record NoteBody(String note) {}

    record FormBody(List<QaForm.Item> items, Integer samplePercent) {}

    private static final Set<Role> DESK = Routes.roles(Role.SUPERVISOR, Role.ADMIN);
    private static final long DAY = 24L * 60 * 60 * 1000;

    private final ApiContext ctx;
    private final QaService qa;

    QaApi(ApiContext ctx, QaService qa) {
        this.ctx = ctx;
        this.qa = qa;
    }

    void addTo(Routes routes) {
        routes.add(GET, "/api/qa/form", ANY, r -> Reply.ok(qa.form().shape()))
                .add(PUT, "/api/qa/form", DESK, this::saveForm)
                .add(GET, "/api/qa/sample", DESK, r -> {
                    long[] p = period(r);
                    return Reply.ok(qa.sample(p[0], p[1], r.intParam("limit", 200, 1, 1000)).stream().map(QaService::shape).toList());
                })
                .add(GET, "/api/qa/agents", DESK, r -> {
                    long[] p = period(r);
                    return Reply.ok(qa.figures(p[0], p[1]));
                })
                .add(GET, "/api/qa/teaching", DESK, r -> Reply.ok(qa.teachingCases()))
                .add(GET, "/api/qa/mine", ANY, r -> Reply.ok(qa.mine(r.account, "true".equals(r.param("open"))).stream()
                        .map(QaSheet::shape).toList()))
                .add(POST, "/api/qa/{sheet}/ack", ANY, this::ack)
                .add(POST, "/api/calls/{call}/qa", DESK, this::score)
                .add(GET, "/api/calls/{call}/qa", ANY, this::sheet)
                .add(POST, "/api/calls/{call}/teaching", DESK, this::teaching);
    }

    /** {@code ?days=N} (default 1: the last 24 hours) or {@code ?from=&to=} in epoch ms. */
    private long[] period(Req r) {
        long now = ctx.clock() == null ? System.currentTimeMillis() : ctx.clock().millis();
        Long from = r.longParam("from", 0);
        Long to = r.longParam("to", 0);
        if (from != null || to != null) {
            long f = from == null ? 0 : from;
            long t = to == null ? now + 1 : to;
            if (t <= f) {
                throw ApiException.invalid("to", "\"to\" must be after \"from\"");
            }
            return new long[] {f, t};
        }
        int days = r.intParam("days", 1, 1, 366);
        return new long[] {now - days * DAY, now + 1};
    }

    private Reply saveForm(Req r) {
        FormBody b = r.body(FormBody.class);
        if (b.items() == null) {
            throw ApiException.missing("items");
        }
        try {
            return Reply.ok(qa.saveForm(new QaForm(b.items(), b.samplePercent() == null ? qa.form().samplePercent()
                    : b.samplePercent()), r.account).shape());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("items", e.getMessage());
        }
    }

    private Reply score(Req r) {
        long id = r.id("call");
        ScoreBody b = r.body(ScoreBody.class);
        if (b.scores() == null) {
            throw ApiException.missing("scores");
        }
        String comment = b.comment() == null ? null : b.comment().trim();
        if (comment != null && comment.length() > 1000) {
            throw ApiException.invalid("comment", "\"comment\" is at most 1000 characters");
        }
        try {
            return Reply.ok(qa.score(id, b.scores(), comment, r.account)
                    .orElseThrow(() -> ApiException.notFound("no such call: " + id)).shape());
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw ApiException.invalid(m.contains(":") ? m.substring(0, m.indexOf(':')) : "scores", m);
        } catch (QaService.Refused e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    private Reply sheet(Req r) {
        long id = r.id("call");
        QaSheet s = qa.sheetOf(id).orElseThrow(() -> ApiException.notFound("call " + id + " has no QA sheet"));
        if (r.is(Role.AGENT) && (s.agentId() == null || s.agentId() != r.account.id())) {
            throw ApiException.forbidden("the QA sheet of another agent's call");
        }
        return Reply.ok(s.shape());
    }

    private Reply ack(Req r) {
        long id = r.id("sheet");
        NoteBody b = r.body() != null && r.body().isReadable() ? r.body(NoteBody.class) : new NoteBody(null);
        String note = b.note() == null ? null : b.note().trim();
        if (note != null && note.length() > 500) {
            throw ApiException.invalid("note", "\"note\" is at most 500 characters");
        }
        try {
            return Reply.ok(qa.ack(id, r.account, note).orElseThrow(() -> ApiException.notFound("no such QA sheet: " + id))
                    .shape());
        } catch (SecurityException e) {
            throw ApiException.forbidden(e.getMessage());
        } catch (QaService.Refused e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    private Reply teaching(Req r) {
        long id = r.id("call");
        NoteBody b = r.body() != null && r.body().isReadable() ? r.body(NoteBody.class) : new NoteBody(null);
        String note = b.note() == null ? null : b.note().trim();
        if (note != null && note.length() > 500) {
            throw ApiException.invalid("note", "\"note\" is at most 500 characters");
        }
        var held = qa.teaching(id, note, r.account).orElseThrow(() -> ApiException.notFound("no such call: " + id));
        return Reply.ok(Map.of("callId", id, "note", note == null ? "" : note, "recordings", held.stream()
                .map(Json::recording).toList()));
    }
}

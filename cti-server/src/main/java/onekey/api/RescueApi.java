package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static onekey.api.Routes.ANY;
import static onekey.api.Fields.required;
import static onekey.auth.Role.AGENT;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onekey.calls.CallRecord;
import onekey.elders.PhoneNumbers;

/** No-response incidents, their tasks and follow-ups, the worklist (issues 8, 18): validation at the edge, the rules and audit rows in {@link onekey.rescue.RescueService}, which the WebSocket commands call too. */
final class RescueApi {

    private final ApiContext ctx;

    RescueApi(ApiContext ctx) {
        this.ctx = ctx;
    }

    void addTo(Routes routes) {
        routes.add(POST, "/api/calls/{call}/no-response", ANY, this::noResponse);
        routes.add(GET, "/api/incidents", ANY, this::listIncidents);
        routes.add(GET, "/api/incidents/{incident}", ANY, this::getIncident);
        routes.add(POST, "/api/incidents/{incident}/arrived", ANY, this::incidentArrived);
        routes.add(POST, "/api/incidents/{incident}/cancel", ANY, this::incidentCancel);
        routes.add(POST, "/api/incidents/{incident}/call", ANY, this::incidentCall);
        routes.add(POST, "/api/incidents/{incident}/follow-up", ANY, this::incidentFollowUp);
        routes.add(POST, "/api/incidents/{incident}/follow-up/outcome", ANY, this::followUpOutcome);
        routes.add(GET, "/api/followups/{followup}", ANY, this::getCallFollowUp);
        routes.add(POST, "/api/followups/{followup}/dialled", ANY, this::callFollowUpDialled);
        routes.add(POST, "/api/followups/{followup}/outcome", ANY, this::callFollowUpOutcome);
        routes.add(POST, "/api/incidents/{incident}/tasks/{seq}/take", ANY, this::takeTask);
        routes.add(POST, "/api/incidents/{incident}/tasks/{seq}/done", ANY, this::completeTask);
        routes.add(GET, "/api/worklist", ANY, this::worklist);
    }

    private onekey.rescue.RescueService rescue() {
        if (ctx.rescue() == null) {
            throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "rescue_unavailable",
                    "the rescue service is not running on this server", null);
        }
        return ctx.rescue();
    }

    /**
     * The agent on an SOS call confirms the elder does not respond: an incident opens and redial 1 starts at
     * once (201), or the elder's open incident is returned (200, {@code "created":false}). A caller who is not a
     * registered elder gets the same rescue on the calling number (409 {@code cannot_redial} only when the number
     * was withheld).
     */
    private Reply noResponse(Req r) {
        long callId = r.id("call");
        CallRecord c = ctx.calls().get(callId).orElseThrow(() -> ApiException.notFound("no such call: " + callId));
        onekey.rescue.RescueService.Opened o;
        try {
            // the same service method as the WebSocket's call.no-response: its ownership rule and its audit row
            o = rescue().noResponseOnCall(c, r.account);
        } catch (SecurityException e) {
            throw ApiException.forbidden(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpResponseStatus.CONFLICT, "cannot_redial", e.getMessage(), null);
        }
        Map<String, Object> m = new LinkedHashMap<>(onekey.rescue.RescueService.shape(o.incident()));
        m.put("created", o.created());
        return o.created() ? Reply.created(m) : Reply.ok(m);
    }

    private Reply listIncidents(Req r) {
        Long elderId = r.longParam("elderId", 1);
        String state = r.param("state");
        if (state != null && !Set.of("open", "redialling", "escalating", "resolved", "cancelled").contains(state)) {
            throw ApiException.invalid("state", "\"state\" must be open, redialling, escalating, resolved or cancelled");
        }
        // from, to, limit and cursor: the list's page (issue 22); an agent's page shows only its own incidents, so it
        // may hold fewer than limit while a next page still follows
        Paging.Window w = Paging.window(r, 50, 500);
        var page = rescue().page(elderId, state, w.from(), w.to(), w.after(), w.limit());
        return Paging.reply(w, page.items().stream()
                .filter(i -> !r.is(AGENT) || i.involves(r.account.id())) // its own, or one it has a task of (seat B)
                .map(onekey.rescue.RescueService::shape).toList(), page.next());
    }

    private Reply getIncident(Req r) {
        long id = r.id("incident");
        try {
            return Reply.ok(onekey.rescue.RescueService.shape(rescue().incidentSeenBy(id, r.account)));
        } catch (java.util.NoSuchElementException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (SecurityException e) {
            throw ApiException.forbidden(e.getMessage());
        }
    }

    private onekey.rescue.Incident ownIncident(Req r) {
        long id = r.id("incident");
        try {
            return rescue().incidentFor(id, r.account); // the ownership rule, shared with the WebSocket commands
        } catch (java.util.NoSuchElementException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (SecurityException e) {
            throw ApiException.forbidden(e.getMessage());
        }
    }

    /** Responders arrived: {@code {"outcome":"…"}} resolves the incident and plans the follow-up call. */
    private Reply incidentArrived(Req r) {
        onekey.rescue.Incident i = ownIncident(r);
        String outcome = required("outcome", r.body(Requests.IncidentActionBody.class).outcome());
        if (outcome.length() > 200) {
            throw ApiException.invalid("outcome", "\"outcome\" must be at most 200 characters");
        }
        try {
            onekey.rescue.Incident done = rescue().arrived(i.id(), r.account, outcome); // audited by the service
            return Reply.ok(onekey.rescue.RescueService.shape(done));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    /** The elder is well: {@code {"reason":"…"}} cancels the alarm; nothing more is dialled. */
    private Reply incidentCancel(Req r) {
        onekey.rescue.Incident i = ownIncident(r);
        String reason = required("reason", r.body(Requests.IncidentActionBody.class).reason());
        if (reason.length() > 200) {
            throw ApiException.invalid("reason", "\"reason\" must be at most 200 characters");
        }
        try {
            onekey.rescue.Incident done = rescue().cancel(i.id(), r.account, reason); // audited by the service
            return Reply.ok(onekey.rescue.RescueService.shape(done));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    /** Click-to-call for the incident ({@code {"number":"110"}}): the agent's phone rings, then the number. */
    private Reply incidentCall(Req r) {
        onekey.rescue.Incident i = ownIncident(r);
        String number = required("number", r.body(Requests.IncidentActionBody.class).number());
        if (!number.matches("[0-9]{3,20}")) {
            throw ApiException.invalid("number", "\"number\" must be 3 to 20 digits");
        }
        try {
            onekey.rescue.Incident now = rescue().callFromAgent(i.id(), r.account, number);
            ctx.audit().record(r.account, "incident.call", i.auditType(), i.auditId(),
                    "incident=" + i.id() + " number=" + PhoneNumbers.mask(number));
            return Reply.status(HttpResponseStatus.ACCEPTED, onekey.rescue.RescueService.shape(now));
        } catch (IllegalArgumentException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    /** Issue 18: an agent's seat task is done (完成); audited by the service, as the WebSocket command. */
    private Reply completeTask(Req r) {
        long id = r.id("incident");
        int seq = (int) r.id("seq");
        try {
            return Reply.ok(onekey.rescue.RescueService.shape(rescue().completeTask(id, seq, r.account)));
        } catch (SecurityException e) {
            throw ApiException.forbidden(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    /** An agent takes its seat task (A or B); the supervisors' "not taken" alert stops for it. */
    private Reply takeTask(Req r) {
        long id = r.id("incident");
        int seq = (int) r.id("seq");
        try {
            onekey.rescue.Incident now = rescue().take(id, seq, r.account); // audited by the service
            return Reply.ok(onekey.rescue.RescueService.shape(now));
        } catch (SecurityException e) {
            throw ApiException.forbidden(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    private Reply incidentFollowUp(Req r) {
        onekey.rescue.Incident i = ownIncident(r);
        try {
            onekey.rescue.Incident now = rescue().followUp(i.id(), r.account); // audited by the service
            return Reply.status(HttpResponseStatus.ACCEPTED, onekey.rescue.RescueService.shape(now));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    /**
     * The follow-up's outcome, saved by the seat: {@code {"reached":true,"condition":"…","satisfaction":4}} completes
     * it, {@code {"reached":false}} keeps it on the worklist (the rule and the audit row are the service's).
     */
    private Reply followUpOutcome(Req r) {
        onekey.rescue.Incident i = ownIncident(r);
        onekey.rescue.RescueService.FollowUpOutcome o = outcome(r.body(Requests.FollowUpOutcomeBody.class));
        try {
            return Reply.ok(onekey.rescue.RescueService.shape(rescue().followUpOutcome(i.id(), r.account, o)));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    private static onekey.rescue.RescueService.FollowUpOutcome outcome(Requests.FollowUpOutcomeBody b) {
        if (b.reached() == null) {
            throw ApiException.missing("reached");
        }
        try {
            return new onekey.rescue.RescueService.FollowUpOutcome(b.reached(), b.condition(), b.satisfaction());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage().contains("satisfaction") ? "satisfaction" : "condition", e.getMessage());
        }
    }

    private onekey.rescue.FollowUp callFollowUp(Req r) {
        long id = r.id("followup");
        return rescue().callFollowUp(id).orElseThrow(() -> ApiException.notFound("no such follow-up: " + id));
    }

    private Reply getCallFollowUp(Req r) {
        return Reply.ok(onekey.rescue.RescueService.shape(callFollowUp(r)));
    }

    /** The seat dialled a call's follow-up from its own phone: the attempt is noted, nothing is completed. */
    private Reply callFollowUpDialled(Req r) {
        onekey.rescue.FollowUp f = callFollowUp(r);
        try {
            return Reply.ok(onekey.rescue.RescueService.shape(rescue().callFollowUpDialled(f.id(), r.account)));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    /** A call's follow-up outcome, as for an incident's (the service's rule and audit row). */
    private Reply callFollowUpOutcome(Req r) {
        onekey.rescue.FollowUp f = callFollowUp(r);
        onekey.rescue.RescueService.FollowUpOutcome o = outcome(r.body(Requests.FollowUpOutcomeBody.class));
        try {
            return Reply.ok(onekey.rescue.RescueService.shape(rescue().callFollowUpOutcome(f.id(), r.account, o)));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    /**
     * Follow-up calls due within {@code ?hours=} (default 48): the worklist an agent dials from — the incidents'
     * follow-ups ({@code incidentId}) and the answered SOS calls' and consultations' ({@code followUpId}, issue 18).
     */
    private Reply worklist(Req r) {
        int hours = r.intParam("hours", 48, 0, 24 * 14);
        long until = ctx.clock().millis() + hours * 3_600_000L;
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (onekey.rescue.FollowUp f : rescue().callFollowUps(until)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("followUpId", f.id());
            m.put("incidentId", null);
            m.put("reason", f.reason());
            m.put("kind", "follow-up");
            m.put("dueAt", f.dueAt());
            m.put("number", f.number() == null ? null : PhoneNumbers.mask(f.number()));
            m.put("elderId", f.elderId());
            m.put("callId", f.callId());
            m.put("detail", f.detail());
            m.put("result", f.result());
            out.add(m);
        }
        rescue().followUps(until).stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("followUpId", null);
            m.put("reason", "incident");
            m.put("incidentId", s.incidentId());
            m.put("seq", s.seq());
            m.put("kind", s.kind());
            m.put("dueAt", s.dueAt());
            m.put("number", s.target() == null ? null : PhoneNumbers.mask(s.target()));
            m.put("detail", s.detail());
            m.put("result", s.result()); // the last attempt: dialled, not-reached (issue 18)
            return m;
        }).forEach(out::add);
        out.sort(java.util.Comparator.comparingLong(m -> (Long) m.get("dueAt")));
        return Reply.ok(out);
    }
}

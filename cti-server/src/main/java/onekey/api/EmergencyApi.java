package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static onekey.api.Routes.ANY;

import java.util.List;
import java.util.Map;
import onekey.auth.Role;
import onekey.calls.CallRecord;
import onekey.calls.SeatCalls;
import onekey.elders.PhoneNumbers;
import onekey.rescue.EmergencyService;
import onekey.rescue.Incident;

/**
 * Issue 18 items 2 and 7 over REST: {@code POST /api/calls/{id}/emergency} (紧急救援 on an answered call: the AB seats
 * for an elder who speaks; the rule and the audit row are {@link EmergencyService#raise}'s, as for the WebSocket's
 * {@code call.emergency}) and {@code GET /api/incidents/{id}/calls} (the seats' calls placed for the incident, each
 * with its recording). Agents: their own calls, incidents they hold or have a task of.
 */
final class EmergencyApi {

    private final ApiContext ctx;
    private final EmergencyService service;
    private final SeatCalls seatCalls;

    EmergencyApi(ApiContext ctx, EmergencyService service, SeatCalls seatCalls) {
        this.ctx = ctx;
        this.service = service;
        this.seatCalls = seatCalls;
    }

    void addTo(Routes routes) {
        routes.add(POST, "/api/calls/{call}/emergency", ANY, this::emergency)
                .add(GET, "/api/incidents/{incident}/calls", ANY, this::incidentCalls);
    }

    private Reply emergency(Req r) {
        long id = r.id("call");
        CallRecord c = ctx.calls().get(id).orElseThrow(() -> ApiException.notFound("no such call: " + id));
        Map<String, Object> m = EmergencyService.shape(raise(service, c, r.account));
        return Boolean.TRUE.equals(m.get("created")) ? Reply.created(m) : Reply.ok(m);
    }

    /** The service's refusals as HTTP (and as the WebSocket's error text, the same message). */
    static EmergencyService.Raised raise(EmergencyService service, CallRecord c, onekey.auth.Account by) {
        try {
            return service.raise(c, by);
        } catch (SecurityException e) {
            throw ApiException.forbidden(e.getMessage());
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        } catch (IllegalArgumentException e) {
            throw new ApiException(io.netty.handler.codec.http.HttpResponseStatus.CONFLICT, "cannot_open", e.getMessage(), null);
        }
    }

    private Reply incidentCalls(Req r) {
        long id = r.id("incident");
        if (ctx.rescue() == null) {
            throw ApiException.notFound("the rescue service is not running");
        }
        Incident i = ctx.rescue().get(id).orElseThrow(() -> ApiException.notFound("no such incident: " + id));
        if (r.is(Role.AGENT) && !i.involves(r.account.id())) {
            throw ApiException.forbidden("incident " + id + " belongs to another agent");
        }
        List<Map<String, Object>> out = seatCalls.forIncident(id).stream().map(c -> {
            Map<String, Object> m = Shapes.call(c);
            m.put("callerNumber", c.callerNumber() == null ? null : PhoneNumbers.mask(c.callerNumber()));
            m.put("direction", "seat");
            m.put("incidentId", id);
            seatCalls.link(c.id()).ifPresent(l -> m.put("stepId", l.stepId()));
            return m;
        }).toList();
        ctx.audit().record(r.account, "incident.calls", i.auditType(), i.auditId(), "incident=" + id + " results=" + out.size());
        return Reply.ok(out);
    }
}

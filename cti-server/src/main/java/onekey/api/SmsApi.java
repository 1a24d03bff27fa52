package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onekey.auth.Role;
import onekey.sms.SmsInbound;
import onekey.sms.SmsMessage;
import onekey.sms.SmsService;

/**
 * Texts over REST (issue 20): {@code GET /api/sms?elderId=&incidentId=&limit=} — the texts of an elder or an
 * incident and the replies received, newest first (audited {@code sms.list}); {@code POST /api/sms
 * {"elderId","to","text","incidentId"?}} — a seat's free text to one of the elder's contacts (audited
 * {@code sms.send}), 202 with the queued row. Agents only for an incident they hold (or have a task of);
 * supervisors and admins any.
 */
final class SmsApi {

    record SendBody(Long elderId, String to, String text, Long incidentId, Long callId) {}

    private static final Set<Role> SEATS = Routes.roles(Role.AGENT, Role.SUPERVISOR, Role.ADMIN);

    private final SmsService sms;
    private final onekey.rescue.RescueService rescue;

    /** The calls' rules: an agent on a call with an elder may use that elder's texts (the SMS pane in the pop). */
    private final onekey.calls.CallAccess calls;

    SmsApi(SmsService sms, onekey.rescue.RescueService rescue) {
        this(sms, rescue, null);
    }

    SmsApi(SmsService sms, onekey.rescue.RescueService rescue, onekey.calls.CallAccess calls) {
        this.calls = calls;
        this.sms = sms;
        this.rescue = rescue;
    }

    void addTo(Routes routes) {
        routes.add(GET, "/api/sms", SEATS, this::list)
                .add(POST, "/api/sms", SEATS, this::send);
    }

    /** An agent reads and writes texts only about an incident it holds or has a task of. */
    private void mayUse(Req r, Long incidentId) {
        mayUse(r, incidentId, null, null);
    }

    /**
     * Agents: an incident they hold, or (issue 20, the pop's SMS pane) {@code callId}, a call the agent took whose
     * elder is {@code elderId}.
     */
    private void mayUse(Req r, Long incidentId, Long elderId, Long callId) {
        if (!r.is(Role.AGENT)) {
            return;
        }
        if (incidentId == null && callId != null && elderId != null && calls != null) {
            onekey.calls.CallRecord c = CallApi.checked(() -> calls.own(callId, r.account, "read and send texts of"));
            if (!elderId.equals(c.elderId())) {
                throw ApiException.forbidden("call " + callId + " is not elder " + elderId + "'s");
            }
            return;
        }
        if (incidentId == null) {
            throw ApiException.forbidden("agents read and send texts of an incident they hold (incidentId) or of the"
                    + " elder of a call they took (elderId and callId)");
        }
        CallApi.checked(() -> rescue.incidentSeenBy(incidentId, r.account));
    }

    private Reply list(Req r) {
        Long elderId = r.longParam("elderId", 1);
        Long incidentId = r.longParam("incidentId", 1);
        if (elderId == null && incidentId == null) {
            throw ApiException.missing("elderId");
        }
        mayUse(r, incidentId, elderId, r.longParam("callId", 1));
        int limit = r.intParam("limit", 100, 1, 1000);
        List<SmsMessage> texts = sms.list(elderId, incidentId, limit, r.account);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", sms.enabled());
        m.put("texts", texts.stream().map(SmsMessage::shape).toList());
        m.put("replies", sms.replies(elderId, incidentId, limit).stream().map(SmsInbound::shape).toList());
        return Reply.ok(m);
    }

    private Reply send(Req r) {
        SendBody b = r.body(SendBody.class);
        if (b.elderId() == null) {
            throw ApiException.missing("elderId");
        }
        if (b.to() == null || b.to().isBlank()) {
            throw ApiException.missing("to");
        }
        if (b.text() == null || b.text().isBlank()) {
            throw ApiException.missing("text");
        }
        if (b.text().length() > 500) {
            throw ApiException.invalid("text", "\"text\" is at most 500 characters");
        }
        mayUse(r, b.incidentId(), b.elderId(), b.callId());
        if (!sms.enabled()) {
            throw ApiException.conflict("SMS is off on this server (sms.host is empty)", null);
        }
        try {
            return Reply.status(io.netty.handler.codec.http.HttpResponseStatus.ACCEPTED,
                    sms.sendBySeat(b.elderId(), b.to(), b.text(), b.incidentId(), r.account).shape());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage().startsWith("no such elder") ? "elderId" : "to", e.getMessage());
        }
    }
}

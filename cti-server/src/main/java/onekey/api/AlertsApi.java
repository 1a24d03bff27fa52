package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;

import java.util.Set;
import onekey.alerts.Alert;
import onekey.alerts.AlertService;
import onekey.auth.Role;

/**
 * Supervisors' alerts over REST (issue 19 item 1): {@code GET /api/alerts?open=true&limit=} newest first,
 * {@code POST /api/alerts/{id}/ack {"note"}}. Supervisors and admins; the acknowledgement is audited by
 * {@link AlertService}.
 */
final class AlertsApi {

    record AckBody(String note) {}

    private static final Set<Role> DESK = Routes.roles(Role.SUPERVISOR, Role.ADMIN);

    private final AlertService service;

    AlertsApi(AlertService service) {
        this.service = service;
    }

    void addTo(Routes routes) {
        routes.add(GET, "/api/alerts", DESK, this::list)
                .add(POST, "/api/alerts/{alert}/ack", DESK, this::ack);
    }

    private Reply list(Req r) {
        String open = r.param("open");
        if (open != null && !open.equals("true") && !open.equals("false")) {
            throw ApiException.invalid("open", "\"open\" must be true or false");
        }
        return Reply.ok(service.list("true".equals(open), r.intParam("limit", 100, 1, 1000)).stream()
                .map(Alert::shape).toList());
    }

    private Reply ack(Req r) {
        long id = r.id("alert");
        AckBody b = r.body() != null && r.body().isReadable() ? r.body(AckBody.class) : new AckBody(null);
        String note = b.note() == null ? null : b.note().trim();
        if (note != null && note.length() > 500) {
            throw ApiException.invalid("note", "\"note\" is at most 500 characters");
        }
        try {
            return Reply.ok(service.ack(id, r.account, note)
                    .orElseThrow(() -> ApiException.notFound("no such alert: " + id)).shape());
        } catch (AlertService.AlreadyHandled e) {
            throw ApiException.conflict("alert " + id + " was already handled by " + e.alert.ackedBy(), null);
        }
    }
}

package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Set;
import onekey.auth.Account;
import onekey.auth.Role;
import onekey.board.IncidentBoard;
import onekey.rescue.RescueService;

/**
 * The supervisors' incidents board (issue 19 item 2): {@code GET /api/board/incidents} (the open incidents with stage,
 * age, seats and next step) and {@code PUT /api/incidents/{id}/tasks/{seq}/assign {"agentId"}} (a seat's task handed
 * to another seat; audited {@code incident.task-assign} by the rescue service). Supervisors and admins.
 */
final class IncidentBoardApi {

    record AssignBody(Long agentId) {}

    private static final Set<Role> DESK = Routes.roles(Role.SUPERVISOR, Role.ADMIN);

    private final ApiContext ctx;
    private final IncidentBoard board;
    private final RescueService rescue;

    IncidentBoardApi(ApiContext ctx, IncidentBoard board, RescueService rescue) {
        this.ctx = ctx;
        this.board = board;
        this.rescue = rescue;
    }

    void addTo(Routes routes) {
        routes.add(GET, "/api/board/incidents", DESK, r -> Reply.ok(board.open()))
                .add(PUT, "/api/incidents/{incident}/tasks/{seq}/assign", DESK, this::assign);
    }

    private Reply assign(Req r) {
        long id = r.id("incident");
        long seq = r.id("seq");
        AssignBody b = r.body(AssignBody.class);
        if (b.agentId() == null) {
            throw ApiException.missing("agentId");
        }
        Account to = ctx.accounts().get(b.agentId()).filter(Account::enabled)
                .orElseThrow(() -> ApiException.invalid("agentId", "no such seat: " + b.agentId()));
        if (to.extension() == null) {
            throw ApiException.invalid("agentId", to.username() + " has no phone: a task goes to a seat");
        }
        try {
            return Reply.ok(RescueService.shape(rescue.assignTask(id, (int) seq, to.id(), r.account)));
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiException(HttpResponseStatus.CONFLICT, "conflict", e.getMessage(), null);
        }
    }
}

package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static onekey.api.Routes.roles;
import static onekey.auth.Role.ADMIN;
import static onekey.auth.Role.SUPERVISOR;

import java.util.regex.Pattern;

/** The audit trail, for supervisors and admins. */
final class AuditApi {
    private static final Pattern AUDIT_TYPE = Pattern.compile("[a-z][a-z0-9._-]{0,63}");

    private final ApiContext ctx;

    AuditApi(ApiContext ctx) {
        this.ctx = ctx;
    }

    void addTo(Routes routes) {
        routes.add(GET, "/api/audit", roles(SUPERVISOR, ADMIN), this::listAudit);
    }

    /**
     * {@code ?actor=username}, {@code ?elderId=} (rows about that elder: views, pops, calls), or
     * {@code ?targetType=&targetId=}, and {@code ?from=&to=} (epoch ms or ISO-8601 instants; from inclusive), paged
     * with {@code limit} and {@code cursor} ({@link Paging}).
     */
    private Reply listAudit(Req r) {
        String targetType = r.param("targetType");
        String targetId = r.param("targetId");
        Long elderId = r.longParam("elderId", 1);
        if (elderId != null) {
            if (targetType != null && !targetType.equals("elder") || targetId != null && !targetId.equals(elderId.toString())) {
                throw ApiException.badRequest("invalid_param", "\"elderId\" cannot be combined with another target",
                        "elderId");
            }
            targetType = "elder";
            targetId = elderId.toString();
        }
        // from, to, limit and cursor: the list's page (issue 22)
        Paging.Window w = Paging.window(r, 100, 1000);
        String type = r.param("type");
        if (type != null && !AUDIT_TYPE.matcher(type).matches()) {
            throw ApiException.badRequest("invalid_param", "\"type\" must be an action or its first part, e.g. spy or "
                    + "elder.view", "type");
        }
        var page = ctx.audit().page(r.param("actor"), type, targetType, targetId, w.from(), w.to(), w.after(), w.limit());
        return Paging.reply(w, page.items().stream().map(Json::audit).toList(), page.next());
    }
}

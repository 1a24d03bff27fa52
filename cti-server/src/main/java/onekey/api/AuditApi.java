package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static onekey.api.Routes.roles;
import static onekey.auth.Role.ADMIN;
import static onekey.auth.Role.SUPERVISOR;

import java.time.format.DateTimeParseException;
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
     * {@code ?targetType=&targetId=}, and {@code ?from=&to=} (epoch ms or ISO-8601 instants; from inclusive).
     */
    private Reply listAudit(Req r) {
        int limit = r.intParam("limit", 100, 1, 1000);
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
        Long from = instantParam(r, "from");
        Long to = instantParam(r, "to");
        if (from != null && to != null && to <= from) {
            throw ApiException.badRequest("invalid_param", "\"to\" must be after \"from\"", "to");
        }
        String type = r.param("type");
        if (type != null && !AUDIT_TYPE.matcher(type).matches()) {
            throw ApiException.badRequest("invalid_param", "\"type\" must be an action or its first part, e.g. spy or "
                    + "elder.view", "type");
        }
        return Reply.ok(ctx.audit().find(r.param("actor"), type, targetType, targetId, from, to, limit).stream()
                .map(Json::audit).toList());
    }

    private static Long instantParam(Req r, String name) {
        String v = r.param(name);
        if (v == null) {
            return null;
        }
        try {
            return v.chars().allMatch(Character::isDigit) ? Long.parseLong(v) : java.time.Instant.parse(v).toEpochMilli();
        } catch (NumberFormatException | DateTimeParseException e) {
            throw ApiException.badRequest("invalid_param", "query parameter \"" + name
                    + "\" must be epoch milliseconds or an ISO-8601 instant like 2026-11-24T08:00:00Z", name);
        }
    }
}

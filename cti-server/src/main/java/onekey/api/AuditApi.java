package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;
import static onekey.api.Routes.ANY;
import static onekey.api.Routes.PUBLIC;
import static onekey.api.Fields.blankToNull;
import static onekey.api.Fields.required;
import static onekey.api.Fields.tooMany;
import static onekey.api.Routes.roles;
import static onekey.auth.Role.ADMIN;
import static onekey.auth.Role.AGENT;
import static onekey.auth.Role.SUPERVISOR;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.FileNotFoundException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import onekey.events.Shapes;
import onekey.agents.AgentStatus;
import onekey.api.Requests.AgentBody;
import onekey.api.Requests.ContactBody;
import onekey.api.Requests.DispositionBody;
import onekey.api.Requests.ElderBody;
import onekey.api.Requests.HoldBody;
import onekey.api.Requests.Login;
import onekey.auth.Account;
import onekey.auth.AccountDraft;
import onekey.auth.LoginGuard;
import onekey.auth.Passwords;
import onekey.auth.Role;
import onekey.calls.CallRecord;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.PhoneNumbers;
import onekey.recording.Recording;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

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

/** The centre as a whole: health (public: load balancers and the softphone's health poller read it) and the service lines. */
final class CentreApi {
    private static final Logger log = LoggerFactory.getLogger(CentreApi.class);

    private final ApiContext ctx;

    CentreApi(ApiContext ctx) {
        this.ctx = ctx;
    }

    void addTo(Routes routes) {
        routes.add(GET, "/api/health", PUBLIC, this::health);
        routes.add(GET, "/api/lines", ANY, this::listLines);
    }

    private Reply health(Req r) {
        Map<String, Object> h;
        try {
            h = ctx.health().health();
        } catch (RuntimeException e) {
            log.warn("api.health-probe-failed error={}", e.toString());
            h = new LinkedHashMap<>();
            h.put("status", "degraded");
            h.put("error", "health probe failed");
        }
        boolean ok = "ok".equals(h.get("status"));
        return Reply.status(ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, h);
    }

    private Reply listLines(Req r) {
        return Reply.ok(ctx.lines().all().stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("number", l.number());
            m.put("service", l.service() == null ? null : l.service().wire());
            m.put("priority", l.priority());
            m.put("name", l.name());
            return m;
        }).toList());
    }
}

package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static onekey.api.Routes.ANY;
import static onekey.api.Routes.PUBLIC;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;
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

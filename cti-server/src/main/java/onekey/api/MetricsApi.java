package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import onekey.auth.Account;
import onekey.auth.Role;
import onekey.metrics.Metrics;
import onekey.net.AddressFilter;

/**
 * {@code GET /metrics}: the server's figures in Prometheus' text format, for a monitoring system to scrape. Without
 * a login only from {@code metrics.allowFrom} (loopback by default: a Prometheus on the same machine); from anywhere
 * else only with an admin's bearer token (Prometheus' {@code authorization} setting), otherwise 403. The figures hold
 * no personal data (counts by line and state), so reading them is not audited.
 */
final class MetricsApi {

    private final ApiContext ctx;
    private final Metrics metrics;
    private final AddressFilter allowFrom;

    MetricsApi(ApiContext ctx, Metrics metrics, AddressFilter allowFrom) {
        this.ctx = ctx;
        this.metrics = metrics;
        this.allowFrom = allowFrom;
    }

    void addTo(Routes routes) {
        routes.add(GET, "/metrics", Routes.PUBLIC, this::scrape);
    }

    private Reply scrape(Req r) {
        if (!allowed(r.remote)) {
            String token = HttpApiHandler.bearer(r.http.headers());
            if (token == null) {
                throw ApiException.forbidden("/metrics is open without a login only to metrics.allowFrom; " + r.remote
                        + " is not in it (or send an admin's bearer token)");
            }
            Account a = HttpApiHandler.authenticate(ctx.tokens(), token);
            if (a.role() != Role.ADMIN) {
                throw ApiException.forbidden("role " + a.role().wire() + " may not GET /metrics from " + r.remote
                        + " (admins only, or from metrics.allowFrom)");
            }
        }
        return new Reply.BytesReply(HttpResponseStatus.OK, metrics.scrape().getBytes(StandardCharsets.UTF_8),
                Metrics.CONTENT_TYPE, Map.of());
    }

    private boolean allowed(String remote) {
        try {
            // a literal address (the peer's): no DNS lookup
            return allowFrom.allows(InetAddress.getByName(remote));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}

package onekey.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import onekey.calls.CallEvents;
import onekey.lines.Service;
import onekey.metrics.CallMetricsFeed;
import onekey.metrics.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /metrics: Prometheus' text, without a login only from metrics.allowFrom, to admins from anywhere (issue 22). */
class MetricsApiTest {

    @TempDir
    Path dir;
    ApiFixture f;
    final Metrics metrics = new Metrics();

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
        metrics.close();
    }

    /** The fixture's server with /metrics open to {@code allowFrom} (the test's requests come from 127.0.0.1). */
    private void serve(String allowFrom) {
        f = new ApiFixture(dir);
        // routes are added before the first request to /metrics is made
        f.server.metrics(metrics, allowFrom);
    }

    @Test
    void fromAnAllowedAddressTheFiguresNeedNoLogin() {
        serve("127.0.0.1,::1");
        try (CallMetricsFeed feed = new CallMetricsFeed(metrics.registry()).start(f.hub)) {
            var call = ApiFixture.call(3, "77.1", "02155550001", Service.SOS).withQueuedAt(1_000L);
            f.hub.broadcast(new CallEvents.Queued(call, "onekey", 1));
            f.hub.toAccount(f.agent.id(), new CallEvents.Answered(call.withAnsweredAt(2_000L)));
            var r = f.send("GET", "/metrics", null, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
            assertThat(r.body()).contains("onekey_calls_answered_total{line=\"sos\"} 1.0")
                    .contains("onekey_calls_offered_total{line=\"sos\"} 1.0");
        }
    }

    @Test
    void fromElsewhereOnlyAnAdminsTokenOpensIt() {
        serve("10.20.0.0/16");
        metrics.gauge("onekey_sms_queued", "Texts waiting to be sent", () -> 2);
        var anonymous = f.send("GET", "/metrics", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(anonymous.body()).contains("metrics.allowFrom");
        assertThat(f.send("GET", "/metrics", f.token(f.supervisor), null).statusCode()).isEqualTo(403);
        assertThat(f.send("GET", "/metrics", f.token(f.agent), null).statusCode()).isEqualTo(403);
        assertThat(f.send("GET", "/metrics", "not-a-token", null).statusCode()).isEqualTo(401);
        var admin = f.send("GET", "/metrics", f.token(f.admin), null);
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
        assertThat(admin.body()).contains("# TYPE onekey_sms_queued gauge").contains("onekey_sms_queued 2.0");
    }
}

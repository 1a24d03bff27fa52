package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import onekey.testkit.Sipp;
import onekey.testkit.SoftphoneProcess;
import onekey.testkit.Stack;
import onekey.testkit.TlsTrust;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, the supervisors' and QA desk, on one real Asterisk and cti-server over HTTPS (as the demo runs), with
 * the supervisor's softphone window (Chinese) on Xvfb: the alerts (test 1).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SupervisorDeskIT {

    static final String ELDER_NUMBER = "02155550001";
    static final String SOS_LINE = "1234901";
    static Stack stack;
    static TlsTrust.Pem pem;
    static SoftphoneProcess zhou;
    @TempDir
    static Path dir;

    @BeforeAll
    static void up() throws Exception {
        pem = TlsTrust.demoCertificate(dir.resolve("tls"));
        stack = new Stack().with("ONEKEY_CALLS_WRAPUPSECONDS", "2").withTls(pem.cert(), pem.key())
                .startAsterisk().startServer();
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
        zhou = window("super", "super1234");
    }

    @AfterAll
    static void down() {
        if (zhou != null) {
            zhou.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    static SoftphoneProcess window(String user, String password) throws Exception {
        return new SoftphoneProcess("https://127.0.0.1:" + stack.server.apiPort(), pem.cert(), user, password,
                Path.of("silence"), Path.of("none"), "zh");
    }

    private static ConditionFactory await(String what, int seconds) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(100));
    }

    /**
     * Test 1: nobody ready, an SOS call arrives. The supervisor's window shows the alert (kind in words, the call) within
     * a second of its raising, with the sound cue; a second supervisor who signs in afterwards finds it open; the first
     * acknowledges it with a note, and the second's window marks it handled, by whom, with the note. Audited; once.
     */
    @Test
    @Order(1)
    void anSosAlertWithNobodyReadyIsShownWithItsCueAndAcknowledgedOnceForAllSupervisors() throws Exception {
        String admin = stack.api.login("admin", Stack.ADMIN_PASSWORD);
        String superToken = stack.api.login("super", "super1234");
        assertThat(stack.api.get("/api/alerts?open=true", stack.api.login("1001", "agent1001")).status())
                .as("alerts are for supervisors").isEqualTo(403);
        assertThat(stack.api.get("/api/alerts?open=true", superToken).json()).as("none yet").isEmpty();
        assertThat(zhou.send("cues")).isEmpty();

        // nobody ready (no seat has signed in): the SOS call waits in the queue
        try (Sipp.Caller elder = new Sipp.Caller(stack.asterisk.sipPort, ELDER_NUMBER, SOS_LINE, 8000)) {
            await("the alert stored", 20).until(() -> stack.api.get("/api/alerts?open=true", superToken).json().size() == 1);
            JsonNode alert = stack.api.get("/api/alerts?open=true", superToken).json().get(0);
            assertThat(alert.path("kind").asText()).isEqualTo("no-agent-ready");
            assertThat(alert.path("urgent").asBoolean()).isTrue();
            assertThat(alert.path("type").asText()).isEqualTo("queue.alert");
            long id = alert.path("id").asLong();
            long callId = alert.path("callId").asLong();
            assertThat(callId).as("the call it concerns").isPositive();
            assertThat(stack.api.get("/api/calls/" + callId, admin).json().path("linkedid").asText())
                    .isEqualTo(alert.path("linkedid").asText());

            await("the alert in the window", 10).until(() -> zhou.text("deskAlerts").contains("无空闲坐席"));
            String row = zhou.text("deskAlerts");
            assertThat(row).contains("来电 ****0001", "紧急·待处理", "SOS call waiting and no agent is ready");
            assertThat(zhou.text("deskButton")).isEqualTo("班长台 (1)");
            // the cue sounded for this alert, within a second of the server raising it
            String cue = zhou.send("cues");
            assertThat(cue).startsWith("no-agent-ready:" + id + ":");
            long cuedAt = Long.parseLong(cue.split(",")[0].split(":")[2]);
            assertThat(cuedAt - alert.path("raisedAt").asLong()).as("alert shown and cued within a second").isBetween(0L, 1000L);

            // a second supervisor signs in after the alert was raised: it is there, open
            String super2 = "{\"username\":\"super2\",\"password\":\"super2-pass\",\"role\":\"supervisor\",\"extension\":\"1098\","
                    + "\"sipSecret\":\"super2-sip-secret-long\",\"displayName\":\"王班长 (班长)\"}";
            var made = stack.api.send("POST", "/api/agents", admin, super2);
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            try (SoftphoneProcess wang = window("super2", "super2-pass")) {
                await("the open alert on the second supervisor's desk", 20)
                        .until(() -> wang.text("deskAlerts").contains("无空闲坐席"));
                assertThat(wang.text("deskAlerts")).as("read after the call's row was written")
                        .contains("紧急·待处理", "来电 #" + callId);
                assertThat(wang.send("cues")).as("an alert loaded at sign-in does not sound again").isEmpty();

                // acknowledged on the first supervisor's window, with a note
                zhou.click("deskButton");
                await("desk open", 10).until(() -> Boolean.parseBoolean(zhou.send("visible deskAlerts")));
                zhou.send("row deskAlerts 无空闲坐席");
                zhou.send("set alertNote 已通知备班坐席上线");
                zhou.click("alertAck");
                await("handled on the first window", 10).until(() -> zhou.text("alertStatus").equals("告警 #" + id + " 已处理"));
                assertThat(zhou.text("deskAlerts")).contains("已处理（super）已通知备班坐席上线");
                assertThat(zhou.text("deskButton")).isEqualTo("班长台");
                await("handled on the second window", 10)
                        .until(() -> wang.text("deskAlerts").contains("已处理（super）已通知备班坐席上线"));
                assertThat(wang.text("deskAlerts")).doesNotContain("待处理");
                assertThat(zhou.text("deskAlerts")).contains("来电 #" + callId);
                Path shot = Path.of("target", "desk-alerts.png").toAbsolutePath(); // committed as docs/images/
                zhou.send("shotwin desk " + shot);
                assertThat(Files.size(shot)).isGreaterThan(10_000);

                // handled once: the second supervisor is told who handled it
                var again = stack.api.send("POST", "/api/alerts/" + id + "/ack", stack.api.login("super2", "super2-pass"),
                        "{\"note\":\"我也处理了\"}");
                assertThat(again.status()).isEqualTo(409);
                assertThat(again.body()).contains("super");
            }
            assertThat(stack.api.get("/api/alerts?open=true", superToken).json()).isEmpty();
            JsonNode all = stack.api.get("/api/alerts", superToken).json();
            assertThat(all.get(0).path("ack").path("by").asText()).isEqualTo("super");
            assertThat(all.get(0).path("ack").path("note").asText()).isEqualTo("已通知备班坐席上线");
            JsonNode audit = stack.api.get("/api/audit?targetType=alert&targetId=" + id, admin).json();
            assertThat(audit.size()).as(audit.toString()).isEqualTo(1);
            assertThat(audit.toString()).contains("alert.ack", "super", "已通知备班坐席上线");
            elder.await(30);
        }
    }
}

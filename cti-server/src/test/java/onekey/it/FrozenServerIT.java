package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import onekey.testkit.Api;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * ARCHITECTURE "Faults": a cti-server that is frozen (SIGSTOP: what a deadlock, a long GC pause or a
 * swapping host look like from outside) never holds an elder's call. Asterisk answers, records and
 * queues an SOS call without waiting on OneKey at all, and any other line within its bound; a ready
 * agent's phone rings. After SIGCONT the server learns what it missed and the rows end complete.
 */
class FrozenServerIT {

    static final long RING_MS = 1_000;
    /** Slack for a loaded 2-core machine on top of the bounds the dialplan enforces (polling included). */
    static final long SLACK_MS = 2_000;

    @Test
    void callsAreAnsweredRecordedAndQueuedWhileTheCtiServerIsFrozenAndLearnedAfterwards() throws Exception {
        try (Stack stack = new Stack().startAsterisk().startServerProcess()) {
            Api api = stack.api;
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(30))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            // OneKey has told the dialplan its lines (AstDB): known from now on without OneKey
            Awaitility.await("lines in AstDB").atMost(Duration.ofSeconds(10))
                    .until(() -> stack.asterisk.cli("database show onekey-line").contains("1234901"));
            assertThat(stack.asterisk.cli("database get onekey-line 1234901")).contains("sos,10");

            try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), RING_MS)) {
                String token = api.login("1001", "agent1001");
                Ws ws = new Ws(stack.process.httpPort(), token);
                ws.await("hello", 10);
                ws.send("{\"type\":\"agent.ready\"}");
                ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("ready"), 10);
                Awaitility.await("member idle").atMost(Duration.ofSeconds(10)).until(() -> stack.asterisk.cli("queue show onekey")
                        .lines().anyMatch(l -> l.contains("PJSIP/1001") && l.contains("Not in use")));

                stack.process.freeze();
                // 1. SOS: never waits on OneKey
                long sosMs;
                try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 6_000)) {
                    sosMs = untilAgentLegUp(stack, 3_000 + RING_MS + SLACK_MS);
                    assertThat(caller.await(40)).as(caller.log()).isZero();
                }
                // 2. a registration line runs OneKey's flow: Asterisk's bound (3 s) sends it on without it
                long regMs;
                try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550002", "1234902", 10_000)) {
                    regMs = untilAgentLegUp(stack, 5_000 + RING_MS + SLACK_MS);
                    // the server comes back during the call: it learns it live
                    stack.process.thaw();
                    assertThat(caller.await(40)).as(caller.log()).isZero();
                }
                System.out.printf("frozen cti-server: SOS answered by the agent's phone after %d ms, registration line after %d ms"
                        + " (ring %d ms included)%n", sosMs, regMs, RING_MS);
                Awaitility.await("agent phone answered both").atMost(Duration.ofSeconds(20)).until(() -> phone.successfulCalls() == 2);

                // the server learned both calls: rows complete, recordings linked with audio
                String admin = api.login("admin", Stack.ADMIN_PASSWORD);
                JsonNode sos = awaitCompleteCall(api, admin, "02155550001");
                assertThat(sos.path("line").asText()).isEqualTo("sos");
                assertThat(sos.path("priority").asInt()).isEqualTo(10);
                assertThat(sos.path("failOpen").asBoolean()).as("SOS took its own path, not a failure").isFalse();
                assertThat(sos.path("agent").asText()).isEqualTo("1001");
                JsonNode reg = awaitCompleteCall(api, admin, "02155550002");
                assertThat(reg.path("line").asText()).isEqualTo("registration");
                assertThat(reg.path("failOpen").asBoolean()).as("the flow was over its bound: fail-open").isTrue();
                assertThat(reg.path("priority").asInt()).as("its own line's priority, not demoted").isEqualTo(5);
                assertThat(api.get("/api/calls/" + reg.path("id").asLong(), admin).json().path("timeline").toString())
                        .contains("path=failopen", "answered", "hangup", "recorded");
                for (JsonNode c : new JsonNode[] {sos, reg}) {
                    var rec = api.get("/api/recordings/" + c.path("recordingId").asLong(), admin);
                    assertThat(rec.status()).isEqualTo(200);
                    Path tmp = Files.createTempFile("rec", ".wav");
                    Files.write(tmp, rec.raw().body());
                    assertThat(Audio.rms(tmp)).as("recording of call %s has audio", c.path("id")).isGreaterThan(0.01);
                    Files.delete(tmp);
                }
                ws.close();
            }
        }
    }

    /** Waits until the agent's phone leg is up (answered); returns ms since the call was placed. */
    private static long untilAgentLegUp(Stack stack, long boundMs) {
        long t0 = System.currentTimeMillis();
        Awaitility.await("agent's phone answered within " + boundMs + " ms").atMost(Duration.ofMillis(boundMs))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> stack.asterisk.cli("core show channels concise").lines()
                        .anyMatch(l -> l.startsWith("PJSIP/1001-") && l.contains("!Up!")));
        return System.currentTimeMillis() - t0;
    }

    private static JsonNode awaitCompleteCall(Api api, String token, String caller) {
        JsonNode[] found = new JsonNode[1];
        Awaitility.await("call from " + caller + " complete with recording").atMost(Duration.ofSeconds(60)).until(() -> {
            for (JsonNode c : api.get("/api/calls?limit=20", token).json()) {
                // full for a supervisor, masked for an admin (issue 6)
                String listed = c.path("callerNumber").asText();
                if ((caller.equals(listed) || onekey.elders.PhoneNumbers.mask(caller).equals(listed)) && c.path("recordingId").isNumber()
                        && "completed".equals(c.path("outcome").asText()) && c.path("answeredAt").isNumber()
                        && c.path("endedAt").isNumber()) {
                    found[0] = c;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}

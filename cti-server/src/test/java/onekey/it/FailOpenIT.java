package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * An elder's call is never dropped because OneKey is down (ARCHITECTURE flow 2): with no cti-server
 * the dialplan records and queues the call at SOS priority; when the cti-server starts it learns the
 * live call from Asterisk, reports it, and an agent who becomes ready gets it with the elder's record.
 */
class FailOpenIT {

    /** The stack: H2 here, MariaDB in {@link FailOpenMariaDbIT}. */
    Stack newStack() {
        return new Stack();
    }

    /** The engine the server must report in /api/health ("h2" here). */
    String engine() {
        return "h2";
    }

    @Test
    void callIsRecordedAndQueuedWhileOneKeyIsDownAndReportedWhenItStarts() throws Exception {
        try (Stack stack = newStack().startAsterisk();
             // 45 s: the call must outlast the server's start (up to ~20 s beside other ITs and window tests) and an
             // agent's sign-in; at 30 s two runs beside SoftphoneIT saw the elder hang up first
             Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 45_000)) {
            // no FastAGI server listens: the call must still be queued ...
            Awaitility.await("caller waiting in queue").atMost(Duration.ofSeconds(15))
                    .until(() -> stack.asterisk.cli("queue show onekey").contains("1. "));
            // ... and recorded, with audio arriving
            Awaitility.await("recording growing").atMost(Duration.ofSeconds(15))
                    .until(() -> wavFiles(stack.asterisk.recordings()).stream().anyMatch(f -> f.toFile().length() > 16_000));
            assertThat(stack.asterisk.messagesLog()).contains("AGI");

            stack.startServer();
            String admin = stack.api.login("admin", Stack.ADMIN_PASSWORD);
            JsonNode[] learned = new JsonNode[1];
            Awaitility.await("cti-server reports the live call").atMost(Duration.ofSeconds(20)).until(() -> {
                for (JsonNode c : stack.api.get("/api/calls?limit=10", admin).json()) {
                    // the row first, the caller's elder linked just after it (a loaded machine showed the gap)
                    if (c.path("failOpen").asBoolean() && c.path("endedAt").isNull() && c.path("elderId").isNumber()) {
                        learned[0] = c;
                        return true;
                    }
                }
                return false;
            });
            JsonNode call = learned[0];
            assertThat(call.path("line").asText()).isEqualTo("sos");
            // an admin's list masks caller numbers (issue 6: roles that do not call back see the last 4 digits)
            assertThat(call.path("callerNumber").asText()).isEqualTo("*******0001");
            assertThat(call.path("elderId").isNumber()).isTrue();
            JsonNode health = stack.api.get("/api/health", null).json();
            assertThat(health.path("database").path("dialect").asText()).isEqualTo(engine());
            assertThat(health.path("queues").path("onekey").path("waiting").asLong()).isEqualTo(1);
            // nobody is ready: the SOS call that waited through OneKey's absence is an alert, in health and to supervisors
            assertThat(health.path("queues").path("onekey").path("sosWaiting").asLong()).isEqualTo(1);
            assertThat(health.path("status").asText()).isEqualTo("degraded");
            assertThat(health.path("alerts").toString()).contains("no-agent-ready");
            // (a supervisor's console resumes from the start of this server's events)
            Ws supervisor = new Ws(stack.server.apiPort(), stack.api.login("super", "super1234") + "&afterSeq=0");
            assertThat(supervisor.await("queue.alert", j -> j.path("kind").asText().equals("no-agent-ready"), 10)
                    .json().path("waiting").asLong()).isEqualTo(1);
            supervisor.close();

            // an agent logs in: the learned call reaches them with the elder's record
            try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 500)) {
                Ws ws = new Ws(stack.server.apiPort(), stack.api.login("1001", "agent1001"));
                ws.await("hello", 10);
                ws.send("{\"type\":\"agent.ready\"}");
                Ws.Frame offered = ws.await("call.offered", 20);
                assertThat(offered.json().path("registered").asBoolean()).isTrue();
                assertThat(offered.json().path("call").path("id").asLong()).isEqualTo(call.path("id").asLong());
                assertThat(offered.json().path("elder").path("name").asText()).isNotBlank();
                ws.await("call.answered", 20);
                assertThat(caller.await(60)).as(caller.log()).isZero();
                ws.await("call.ended", 20);
                long id = call.path("id").asLong();
                Awaitility.await("fail-open recording indexed").atMost(Duration.ofSeconds(40))
                        .until(() -> stack.api.get("/api/calls/" + id, admin).json().path("recordingId").isNumber());
                JsonNode done = stack.api.get("/api/calls/" + id, admin).json();
                assertThat(done.path("agent").asText()).isEqualTo("1001");
                assertThat(done.path("timeline").toString()).contains("discovered", "answered", "recorded");
                ws.close();
            }
        }
    }

    static List<Path> wavFiles(Path root) throws java.io.IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".wav")).toList();
        }
    }
}

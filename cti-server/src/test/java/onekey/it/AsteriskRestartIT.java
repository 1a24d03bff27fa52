package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Asterisk restarts under a running cti-server: OneKey notices, reconnects with back-off, shows it in
 * /api/health, puts its ready agents back into the queue, and leaks no thread or AMI session.
 */
class AsteriskRestartIT {

    /** The stack: H2 here, MariaDB in {@link AsteriskRestartMariaDbIT}. */
    Stack newStack() {
        return new Stack();
    }

    /** The engine the server must report in /api/health ("h2" here). */
    String engine() {
        return "h2";
    }

    @Test
    void reconnectsRestoresQueueMembershipAndLeaksNothing() {
        try (Stack stack = newStack().startAsterisk().startServer()) {
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20)).until(() -> health(stack).path("asterisk").path("connected").asBoolean());
            assertThat(health(stack).path("database").path("dialect").asText()).isEqualTo(engine());
            try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 500)) {
                Ws ws = new Ws(stack.server.apiPort(), stack.api.login("1001", "agent1001"));
                ws.await("hello", 10);
                ws.send("{\"type\":\"agent.ready\"}");
                Awaitility.await("member in queue").atMost(Duration.ofSeconds(10))
                        .until(() -> stack.asterisk.cli("queue show onekey").contains("PJSIP/1001"));
                int threadsBefore = platformThreads();
                long connectsBefore = health(stack).path("asterisk").path("connects").asLong();

                stack.asterisk.stop();
                Awaitility.await("health shows Asterisk down").atMost(Duration.ofSeconds(20)).until(() -> {
                    var r = stack.api.get("/api/health", null);
                    return r.status() == 503 && !r.json().path("asterisk").path("connected").asBoolean();
                });

                stack.asterisk.start();
                Awaitility.await("reconnected").atMost(Duration.ofSeconds(30)).until(() -> {
                    var r = stack.api.get("/api/health", null);
                    return r.status() == 200 && r.json().path("asterisk").path("connects").asLong() == connectsBefore + 1;
                });
                // OneKey put its ready agent back into the fresh Asterisk's queue
                Awaitility.await("membership restored").atMost(Duration.ofSeconds(15))
                        .until(() -> stack.asterisk.cli("queue show onekey").contains("PJSIP/1001"));
                assertThat(stack.asterisk.cli("queue show onekey")).doesNotContain("paused");
                // exactly one AMI session: the old one is gone
                Awaitility.await("one AMI session").atMost(Duration.ofSeconds(10))
                        .until(() -> stack.asterisk.cli("manager show connected").lines()
                                .filter(l -> l.trim().startsWith("onekey")).count() == 1);
                Awaitility.await("no thread leak").atMost(Duration.ofSeconds(15))
                        .until(() -> platformThreads() <= threadsBefore + 1);

                // and calls flow again after the restart
                phone.register();
                try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 4000)) {
                    Ws.Frame offered = ws.await("call.offered", 30);
                    assertThat(offered.json().path("registered").asBoolean()).isTrue();
                    assertThat(caller.await(40)).as(caller.log()).isZero();
                }
                ws.close();
            }
        }
    }

    private static JsonNode health(Stack stack) {
        return stack.api.get("/api/health", null).json();
    }

    private static int platformThreads() {
        return Thread.getAllStackTraces().size();
    }
}

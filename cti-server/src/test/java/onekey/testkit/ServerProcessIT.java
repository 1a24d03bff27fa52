package onekey.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The cti-server in its own JVM against a real Asterisk: it connects, a frozen server answers nothing, a thawed
 * one answers again, kill -9 ends it at once, and a restart on the same ports connects to Asterisk again.
 */
class ServerProcessIT {

    @Test
    void runsFreezesThawsDiesAndRestarts() {
        try (Stack stack = new Stack().startAsterisk().startServerProcess()) {
            ServerProcess server = stack.process;
            long firstPid = server.pid();
            assertThat(firstPid).isNotEqualTo(ProcessHandle.current().pid());
            awaitAsteriskConnected(stack);

            server.freeze();
            // once in a fresh clone (dfdcbe9+1) a frozen server's port answered 200: who listened is in the message
            assertThat(server.healthStatus(Duration.ofSeconds(2))).as(() -> "GET /api/health of a frozen server; listening: "
                    + server.listeners()).isZero();
            assertThat(server.alive()).isTrue();

            server.thaw();
            assertThat(server.healthStatus(Duration.ofSeconds(10))).as("GET /api/health after thaw").isEqualTo(200);

            server.kill9();
            assertThat(server.alive()).isFalse();
            assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(server.healthStatus(Duration.ofSeconds(2))).isZero();

            server.restart();
            assertThat(server.pid()).isNotEqualTo(firstPid);
            awaitAsteriskConnected(stack);
            assertThat(stack.api.login("admin", Stack.ADMIN_PASSWORD)).isNotBlank();
            assertThat(server.output()).contains("OneKey cti-server is running");
        }
    }

    private static void awaitAsteriskConnected(Stack stack) {
        Awaitility.await("health: asterisk connected").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    JsonNode h = stack.api.get("/api/health", null).json();
                    assertThat(h.path("asterisk").path("connected").asBoolean()).as(h.toString()).isTrue();
                });
    }
}

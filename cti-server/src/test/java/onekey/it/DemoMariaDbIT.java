package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import onekey.testkit.DemoLauncher;
import onekey.testkit.Ports;
import onekey.testkit.Sipp;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code ./onekey demo --db mariadb} (issue 10: "one command to see production"): the demo starts a MariaDB of its
 * own, creates the database and the user, runs on it (Chinese text intact from the pop to a new record), and
 * stops it with everything else on Ctrl-C.
 */
class DemoMariaDbIT {

    @Test
    void theDemoRunsOnItsOwnMariaDbAndStopsItOnCtrlC() {
        String adminPassword = "admin-" + UUID.randomUUID();
        try (DemoLauncher demo = new DemoLauncher(Map.of("ONEKEY_ADMIN_PASSWORD", adminPassword,
                "ONEKEY_MARIADB_PORT", String.valueOf(Ports.free())), "--db", "mariadb")) {
            demo.awaitHealthy(180);
            JsonNode health = demo.api.get("/api/health", null).json();
            assertThat(health.path("database").path("dialect").asText()).as("%s", health).isEqualTo("mariadb");
            assertThat(demo.output()).contains("onekey: MariaDB is up", "jdbc:mariadb://127.0.0.1:");

            // an SOS call pops the elder's record, read from MariaDB, Chinese text intact
            try (Sipp.AgentPhone phone = demo.registeredPhone("1001");
                 Ws ws = new Ws(demo.api, demo.api.login("1001", "agent1001"))) {
                ws.await("hello", 10);
                ws.send("{\"type\":\"agent.ready\"}");
                ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("ready"), 10);
                try (Sipp.Caller caller = new Sipp.Caller(demo.sipPort, "02155550001", "1234901", 2_000)) {
                    JsonNode pop = ws.await("call.offered", 30).json();
                    assertThat(pop.path("elder").path("name").asText()).isEqualTo("张桂英");
                    assertThat(pop.path("elder").path("address").asText()).isEqualTo("上海市杨浦区控江路1029弄12号302室");
                    assertThat(caller.await(30)).as(caller.log()).isZero();
                }
            }
            // a new record with Chinese text round-trips
            String sup = demo.api.login("super", "super1234");
            var created = demo.api.send("POST", "/api/elders", sup, "{\"name\":\"欧阳秀兰\",\"phones\":[\"02155559876\"],"
                    + "\"address\":\"上海市静安区南京西路1号\",\"contacts\":[{\"name\":\"欧阳明\",\"relation\":\"儿子\","
                    + "\"phone\":\"13800009876\"}]}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            JsonNode back = demo.api.get("/api/elders/" + created.json().path("id").asLong() + "?reason=test", sup).json();
            assertThat(back.path("name").asText()).isEqualTo("欧阳秀兰");
            assertThat(back.path("contacts").path(0).path("name").asText()).isEqualTo("欧阳明");

            agentStartedInTheBackgroundStopsOnSigint(demo, sup);

            // Ctrl-C stops the cti-server, Asterisk and MariaDB
            DemoLauncher.signal("INT", demo.launcherPid());
            assertThat(demo.awaitExit(90)).as("launcher ends after SIGINT:\n%s", demo.tail()).isTrue();
            Awaitility.await("nothing of the demo left running").atMost(Duration.ofSeconds(15))
                    .until(() -> demo.processesInRunDir().isEmpty());
            assertThat(demo.output()).contains("onekey: stopping MariaDB", "onekey: demo stopped");
        }
    }

    /**
     * Issue 16: {@code ./onekey agent} started in the background by a script (a shell without job control starts it
     * with SIGINT ignored) goes ready, and {@code kill -INT} on it stops it and logs the seat out; before, SIGINT was
     * ignored and the seat stayed ready with nobody there.
     */
    private static void agentStartedInTheBackgroundStopsOnSigint(DemoLauncher demo, String sup) {
        try (Ws seat = new Ws(demo.api, demo.api.login("1001", "agent1001"))) {
            seat.await("hello", 10);
            seat.send("{\"type\":\"agent.logout\"}");
            seat.await("ack", j -> j.path("command").asText().equals("agent.logout"), 10);
        }
        try (Ws watch = new Ws(demo.api, sup)) {
            watch.await("hello", 10);
            Path out = Files.createTempFile("okagent", ".out");
            Process script = demo.shell("./onekey agent 1001 & echo \"agent-pid=$!\"; wait", out);
            long[] pid = {0};
            try {
                Awaitility.await("the agent launcher's pid").atMost(Duration.ofSeconds(10)).until(() -> {
                    Matcher m = Pattern.compile("agent-pid=(\\d+)").matcher(Files.readString(out));
                    return m.find() && (pid[0] = Long.parseLong(m.group(1))) > 0;
                });
                Ws.Frame ready = watch.await("agent.state", j -> j.path("agent").path("extension").asText().equals("1001")
                        && j.path("agent").path("state").asText().equals("ready"), 90);

                DemoLauncher.signal("INT", pid[0]);
                watch.await("agent.state", j -> j.path("agent").path("extension").asText().equals("1001")
                        && j.path("agent").path("state").asText().equals("logged-out")
                        && j.path("seq").asLong() > ready.json().path("seq").asLong(), 30);
                assertThat(script.waitFor(30, TimeUnit.SECONDS)).as("the agent stopped on SIGINT:\n%s",
                        Files.readString(out)).isTrue();
                assertThat(Files.readString(out)).contains("logging out 1001");
            } finally {
                if (pid[0] > 0 && DemoLauncher.alive(pid[0])) {
                    DemoLauncher.signal("TERM", pid[0]); // its trap stops the console agent and the sipp phone
                }
                script.destroyForcibly();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

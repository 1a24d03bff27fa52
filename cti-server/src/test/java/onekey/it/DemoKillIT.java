package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import onekey.testkit.DemoLauncher;
import onekey.testkit.Sipp;
import onekey.testkit.Ws;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Architecture, "Faults": the cti-server killed during a call — the call goes on, the server comes back
 * by itself and learns it. Everything real: {@code ./onekey demo --no-build} as an operator starts it,
 * sipp as the elder's and the agent's phones, {@code kill -9} on the cti-server's pid.
 */
class DemoKillIT {

    /**
     * The elder's call outlasts the restart it checks: the restarted server must still see the agent talking. 20 s was
     * too short once a restart took 19 s under four IT forks (the call ended 0.6 s after the server learned it); the
     * restart's bound below is 30 s.
     */
    private static final long HOLD_MS = 40_000;

    @Test
    void killingTheCtiServerMidCallNeitherCutsTheCallNorLosesItsRecord() {
        String adminPassword = "admin-" + UUID.randomUUID();
        try (DemoLauncher demo = new DemoLauncher(Map.of("ONEKEY_ADMIN_PASSWORD", adminPassword))) {
            demo.awaitHealthy(120);
            long firstCti = demo.ctiPid().orElseThrow(() -> new AssertionError("no cti.pid:\n" + demo.tail()));
            assertThat(demo.asteriskPid()).as("Asterisk's pid file").isPresent();

            long callId;
            try (Sipp.AgentPhone phone = demo.registeredPhone("1001");
                 Ws ws = new Ws(demo.api, demo.api.login("1001", "agent1001"))) {
                ws.await("hello", 10);
                ws.send("{\"type\":\"agent.ready\"}");
                ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("ready"), 10);
                Awaitility.await("1001 idle in the queue").atMost(Duration.ofSeconds(15))
                        .until(() -> demo.cli("queue show onekey").lines()
                                .anyMatch(l -> l.contains("PJSIP/1001") && l.contains("Not in use")));

                long callStart = System.nanoTime();
                try (Sipp.Caller caller = new Sipp.Caller(demo.sipPort, "02155550001", "1234901", HOLD_MS)) {
                    Ws.Frame answered = ws.await("call.answered", 30);
                    callId = answered.json().path("call").path("id").asLong();
                    assertThat(callId).as("call id in call.answered: %s", answered.json()).isPositive();

                    DemoLauncher.signal("KILL", firstCti);
                    long killedAt = System.nanoTime();

                    // (b) the server is back by itself: a new process, healthy, and the launcher said why
                    // a new JVM, the H2 file recovered after the kill, Flyway's check, the prompts: 5–6 s on a quiet
                    // machine, 15.5 s once under four IT forks, over 30 s once on a slower day of this 2-core machine (the
                    // calls go on in Asterisk meanwhile, which (a) checks)
                    Awaitility.await("cti-server back within 60 s").atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                            .until(() -> demo.ctiPid().orElse(firstCti) != firstCti && demo.healthy());
                    long backMs = (System.nanoTime() - killedAt) / 1_000_000;
                    assertThat(DemoLauncher.alive(firstCti)).as("killed cti-server pid %d", firstCti).isFalse();
                    assertThat(demo.output()).contains(
                            "onekey: cti-server exited (status 137, killed by SIGKILL); restarting it in 1 s"
                                    + " — calls keep going in Asterisk meanwhile");
                    System.out.printf("DemoKillIT: cti-server back and healthy %d ms after kill -9%n", backMs);
                    // the restarted server knows the agent is still talking (the bridged agent leg): on-call, not ready
                    String sup = demo.api.login("admin", adminPassword);
                    Awaitility.await("agent 1001 on-call after the restart").atMost(Duration.ofSeconds(40)).ignoreExceptions()
                            .until(() -> demo.api.get("/api/agents", sup).json().toString().contains("\"on-call\""));

                    // (a) the elder's call was not cut: sipp held for the whole time and ended it itself
                    int exit = caller.await(HOLD_MS / 1000 + 60);
                    long callMs = (System.nanoTime() - callStart) / 1_000_000;
                    assertThat(exit).as("caller sipp exit code\n%s\nlauncher:\n%s", caller.log(), demo.tail()).isZero();
                    assertThat(callMs).as("caller's call duration").isGreaterThanOrEqualTo(HOLD_MS);
                }
            }

            // (c) the restarted server learned the call from Asterisk and completed its record
            String admin = demo.api.login("admin", adminPassword);
            JsonNode[] call = new JsonNode[1];
            Awaitility.await("call " + callId + " ended and its recording indexed").atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        call[0] = demo.api.get("/api/calls/" + callId, admin).json();
                        return call[0].path("endedAt").isNumber() && call[0].path("recordingId").isNumber();
                    });
            // (soft: the shutdown below is checked and reported even when the record is wrong)
            JsonNode c = call[0];
            SoftAssertions record = new SoftAssertions();
            record.assertThat(c.path("answeredAt").isNumber()).as("answeredAt set: %s", c).isTrue();
            record.assertThat(c.path("endedAt").asLong()).as("endedAt after answeredAt: %s", c)
                    .isGreaterThan(c.path("answeredAt").asLong());
            record.assertThat(c.path("outcome").asText()).as("outcome: %s", c).isEqualTo("completed");
            record.assertThat(c.path("agent").asText()).as("agent: %s", c).isEqualTo("1001");
            record.assertThat(c.path("line").asText()).as("line: %s", c).isEqualTo("sos");
            // the caller holds HOLD_MS from the IVR's answer; the agent's part starts a queue wait and a
            // 500 ms ring later
            record.assertThat(c.path("talkMs").asLong()).as("talkMs: %s", c).isBetween(HOLD_MS - 8_000, HOLD_MS + 2_000);

            // (d) the demo's fall sensor alarms (issue 24): through the demo's alarm front the MESSAGE is answered 200
            // only once OneKey has it (the incident is there when ./onekey alarm returns); straight to Asterisk, 202
            String front = launcher(demo, "./onekey alarm --lat 31.2031 --lon 121.4441");
            assertThat(front).as("./onekey alarm through the front").contains("alarm OK: answered 200");
            JsonNode alarms = demo.api.get("/api/alarms?limit=10", admin).json();
            assertThat(alarms).as("alarms the moment the front answered").anySatisfy(a -> {
                assertThat(a.path("lat").asDouble()).isEqualTo(31.2031);
                assertThat(a.path("elderId").isNumber()).as("the demo's fall sensor is 张桂英's: %s", a).isTrue();
            });
            Awaitility.await("an incident opened by the alarm").atMost(Duration.ofSeconds(15))
                    .until(() -> demo.api.get("/api/incidents?state=open", admin).json().findValuesAsText("reason")
                            .contains("device-alarm"));
            String direct = launcher(demo, "./onekey alarm --direct --type sos");
            assertThat(direct).as("./onekey alarm --direct").contains("alarm OK: answered 202");
            assertThat(demo.output()).contains("alarm front (Kamailio) is up on udp 127.0.0.1:" + demo.alarmPort);

            // Ctrl-C (SIGINT) to the launcher stops both: the cti-server, then Asterisk
            long cti = demo.ctiPid().orElseThrow();
            long asterisk = demo.asteriskPid().orElseThrow();
            assertThat(DemoLauncher.alive(asterisk)).as("Asterisk survived the cti-server's death").isTrue();
            DemoLauncher.signal("INT", demo.launcherPid());
            assertThat(demo.awaitExit(60)).as("launcher ends after SIGINT:\n%s", demo.tail()).isTrue();
            Awaitility.await("cti-server and Asterisk gone").atMost(Duration.ofSeconds(10))
                    .until(() -> !DemoLauncher.alive(cti) && !DemoLauncher.alive(asterisk) && demo.processesInRunDir().isEmpty());
            assertThat(demo.output()).contains("onekey: stopping the cti-server", "onekey: stopping the alarm front (Kamailio)",
                    "onekey: stopping Asterisk", "onekey: demo stopped");
            record.assertAll();
        }
    }

    /** Runs {@code script} with the demo's environment; its output (it must end 0 within 40 s). */
    private static String launcher(DemoLauncher demo, String script) {
        try {
            java.nio.file.Path out = java.nio.file.Files.createTempFile("okalarm", ".out");
            Process p = demo.shell(script, out);
            assertThat(p.waitFor(40, java.util.concurrent.TimeUnit.SECONDS)).as(script + " ended").isTrue();
            String text = java.nio.file.Files.readString(out);
            assertThat(p.exitValue()).as(script + ":\n" + text).isZero();
            return text;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aConfigurationErrorStopsTheDemoInsteadOfRestartingItForever() {
        try (DemoLauncher demo = new DemoLauncher(Map.of("ONEKEY_CALLS_DEFAULTLANGUAGE", "xx"))) {
            assertThat(demo.awaitExit(90)).as("launcher ends by itself:\n%s", demo.tail()).isTrue();
            assertThat(demo.exitValue()).as("launcher exit status:\n%s", demo.tail()).isEqualTo(2);
            assertThat(demo.output())
                    .contains("calls.defaultLanguage (ONEKEY_CALLS_DEFAULTLANGUAGE) is 'xx'")
                    .contains("onekey: cti-server exited (status 2: configuration error, see its message above); not restarting it")
                    .contains("onekey: stopping Asterisk", "onekey: demo stopped")
                    .doesNotContain("restarting it in");
            Matcher up = Pattern.compile("Asterisk is up \\(pid (\\d+)").matcher(demo.output());
            assertThat(up.find()).as("launcher names Asterisk's pid:\n%s", demo.tail()).isTrue();
            long asterisk = Long.parseLong(up.group(1));
            Awaitility.await("Asterisk gone").atMost(Duration.ofSeconds(10))
                    .until(() -> !DemoLauncher.alive(asterisk) && demo.processesInRunDir().isEmpty());
        }
    }
}

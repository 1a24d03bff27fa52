package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import onekey.testkit.Proc;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, test 6 (second half), ARCHITECTURE "Faults: disk full for recordings — an alert; calls still go
 * through; no recording silently missing". The recordings folder of a private Asterisk and cti-server is a
 * small tmpfs: filled nearly full it raises {@code recordings-disk-low} on /api/health and to supervisors;
 * filled completely, an SOS call still reaches an agent's phone, and the call reports its missing recording;
 * emptied, the alert clears.
 */
class DiskFullIT {

    static final int TMPFS_MB = 24;
    static final int MIN_FREE_MB = 8;

    static Stack stack;
    static Path recordings;
    static boolean mounted;

    @BeforeAll
    static void up() throws Exception {
        stack = new Stack()
                .with("ONEKEY_RECORDINGS_MINFREEMB", String.valueOf(MIN_FREE_MB))
                .with("ONEKEY_RECORDINGS_MINFREEPERCENT", "0")
                .with("ONEKEY_RECORDINGS_DISKCHECKSECONDS", "1");
        recordings = Files.createDirectories(stack.asterisk.recordings());
        // root is needed to mount; the test says so rather than skipping
        Proc.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_MB + "m,mode=0777", "tmpfs", recordings.toString()),
                recordings.getParent(), java.util.Map.of(), 20);
        mounted = true;
        stack.startAsterisk().startServer();
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
    }

    @AfterAll
    static void down() {
        if (stack == null) {
            return;
        }
        try {
            stack.stopServer();
            stack.asterisk.stop();
        } finally {
            try {
                if (mounted) {
                    Proc.run(List.of("umount", "-l", recordings.toString()), recordings.getParent(), java.util.Map.of(), 20);
                }
            } finally {
                stack.close();
            }
        }
    }

    private static boolean diskLowOnHealth() {
        JsonNode h = stack.api.get("/api/health", null).json();
        for (JsonNode a : h.path("alerts")) {
            if (a.path("kind").asText().equals("recordings-disk-low")) {
                return h.path("status").asText().equals("degraded");
            }
        }
        return false;
    }

    /** Writes zeros into {@code file} until {@code bytes} are written or the disk is full; returns what was written. */
    private static long fill(Path file, long bytes) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (written < bytes) {
                int n = (int) Math.min(chunk.length, bytes - written);
                out.write(chunk, 0, n);
                written += n;
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
        return written;
    }

    @Test
    void aFullRecordingsDiskRaisesTheAlertCallsStillConnectAndTheMissingRecordingIsReported() throws Exception {
        String superToken = stack.api.login("super", "super1234");
        Ws supervisor = new Ws(stack.server.apiPort(), superToken);
        supervisor.await("hello", 10);
        assertThat(diskLowOnHealth()).as("plenty of space at the start").isFalse();

        // nearly full: less than recordings.minFreeMb left
        long free = Files.getFileStore(recordings).getUsableSpace();
        fill(recordings.resolve("filler-1"), free - (MIN_FREE_MB / 2) * 1024L * 1024);
        Awaitility.await("health shows recordings-disk-low").atMost(Duration.ofSeconds(15)).until(DiskFullIT::diskLowOnHealth);
        Ws.Frame raised = supervisor.await("system.alert",
                j -> j.path("kind").asText().equals("recordings-disk-low") && j.path("state").asText().equals("raised"), 15);
        assertThat(raised.json().path("freeMb").asLong()).isLessThan(MIN_FREE_MB);
        assertThat(raised.json().path("message").asText()).contains("below the minimum of " + MIN_FREE_MB + " MB");

        // completely full: MixMonitor cannot write a byte
        fill(recordings.resolve("filler-2"), Long.MAX_VALUE);
        assertThat(Files.getFileStore(recordings).getUsableSpace()).isZero();

        try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 500)) {
            String token = stack.api.login("1001", "agent1001");
            Ws agent = new Ws(stack.server.apiPort(), token);
            agent.await("hello", 10);
            agent.send("{\"type\":\"agent.ready\"}");
            agent.await("agent.state", j -> j.path("agent").path("state").asText().equals("ready"), 10);
            Awaitility.await("member 1001 idle in queue").atMost(Duration.ofSeconds(10))
                    .until(() -> stack.asterisk.cli("queue show onekey").lines()
                            .anyMatch(l -> l.contains("PJSIP/1001") && l.contains("Not in use")));
            long callId;
            try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 4000)) {
                Ws.Frame answered = agent.await("call.answered", 30);
                callId = answered.json().path("call").path("id").asLong();
                assertThat(answered.json().path("call").path("line").asText()).isEqualTo("sos");
                // the elder's call went through end to end: sipp saw its answer and hung up normally
                assertThat(caller.await(40)).as(caller.log()).isZero();
            }
            Awaitility.await("agent phone counted the call").atMost(Duration.ofSeconds(10))
                    .until(() -> phone.successfulCalls() == 1);
            agent.await("call.ended", 20);

            // the recording is reported, not silently absent: on the call, on its timeline, to supervisors
            Awaitility.await("call reports its recording missing").atMost(Duration.ofSeconds(60))
                    .until(() -> stack.api.get("/api/calls/" + callId, superToken).json().path("recordingStatus").isTextual());
            JsonNode call = stack.api.get("/api/calls/" + callId, superToken).json();
            assertThat(call.path("recordingStatus").asText()).isIn("missing", "empty");
            assertThat(call.path("outcome").asText()).isEqualTo("completed");
            assertThat(call.path("timeline").findValuesAsText("type")).contains("answered", "recording-missing")
                    .doesNotContain("recorded");
            Ws.Frame missing = supervisor.await("system.alert",
                    j -> j.path("kind").asText().equals("recording-missing") && j.path("callId").asLong() == callId, 20);
            assertThat(missing.json().path("status").asText()).isEqualTo(call.path("recordingStatus").asText());
            // and it cannot be played as if it were a recording
            var play = stack.api.get("/api/recordings/" + call.path("recordingId").asLong(), superToken);
            assertThat(play.status()).as(play.body()).isNotEqualTo(200);

            agent.send("{\"type\":\"agent.logout\"}");
            agent.await("agent.state", j -> j.path("agent").path("state").asText().equals("logged-out"), 10);
            agent.close();
        }

        // space back: the alert clears on health and for supervisors
        Files.delete(recordings.resolve("filler-1"));
        Files.delete(recordings.resolve("filler-2"));
        Awaitility.await("alert cleared").atMost(Duration.ofSeconds(15)).until(() -> !diskLowOnHealth());
        supervisor.await("system.alert",
                j -> j.path("kind").asText().equals("recordings-disk-low") && j.path("state").asText().equals("cleared"), 15);
        supervisor.close();
    }
}

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
 * ARCHITECTURE "Faults": nobody ready, or an SOS call unanswered too long. Supervisors are alerted at
 * once; after the configured wait the call overflows to the backup number, dialled through the trunk
 * (here a sipp phone standing in for the backup centre), still recorded; the elder's call is never
 * dropped.
 */
class NobodyThereIT {

    static final int SOS_WAIT_S = 5;

    @Test
    void anSosCallWithNobodyReadyAlertsSupervisorsThenReachesTheBackupNumber() throws Exception {
        try (Stack stack = new Stack()
                .with("ONEKEY_ESCALATION_NUMBER", "88880000")
                .with("ONEKEY_ESCALATION_SOSWAITSECONDS", String.valueOf(SOS_WAIT_S))
                .startAsterisk().startServer();
             Sipp.TrunkPhone backup = new Sipp.TrunkPhone(stack.asterisk.trunkPort(), 500)) {
            Api api = stack.api;
            Awaitility.await("AMI connected and settings written").atMost(Duration.ofSeconds(20))
                    .until(() -> stack.asterisk.cli("database show onekey").contains("88880000"));
            assertThat(stack.asterisk.cli("database get onekey sos-wait")).contains(String.valueOf(SOS_WAIT_S));
            // a waiting caller is told what happens by the queue's hold music (a spoken line between pieces of music,
            // Mandarin, English for language en), never by a queue announcement, which holds the caller back from a
            // member who becomes free (issue 23: SOS calls overtaken by later calls while hearing their position)
            for (String lang : new String[] {"zh", "en"}) {
                Path say = stack.asterisk.rundir.resolve("data/moh-wait-" + lang + "/000-a-say.wav");
                assertThat(Audio.rms(say)).as("the %s hold line is speech", lang).isGreaterThan(0.01);
            }
            String moh = stack.asterisk.cli("moh show files");
            assertThat(moh).as(moh).contains("onekey-wait-en").contains("moh-wait-zh/000-a-say").contains("moh-wait-zh/001-a-say")
                    .contains("moh-wait-zh/000-b-music");
            assertThat(stack.asterisk.cli("queue show onekey")).contains("onekey");

            Ws supervisor = new Ws(stack.server.apiPort(), api.login("super", "super1234"));
            supervisor.await("hello", 10);
            long t0 = System.currentTimeMillis();
            try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 14_000)) {
                Ws.Frame alert = supervisor.await("queue.alert", j -> "no-agent-ready".equals(j.path("kind").asText()), 10);
                assertThat(alert.json().path("call").path("line").asText()).isEqualTo("sos");
                JsonNode health = api.get("/api/health", null).json();
                assertThat(health.path("status").asText()).isEqualTo("degraded");
                assertThat(health.path("alerts").toString()).contains("no-agent-ready");

                Ws.Frame overflow = supervisor.await("queue.alert", j -> "overflow".equals(j.path("kind").asText()), SOS_WAIT_S + 15);
                long waited = overflow.receivedAt() - t0;
                System.out.printf("SOS call overflowed to the backup number after %d ms (configured %d s)%n", waited, SOS_WAIT_S);
                assertThat(waited).as("not before the configured wait").isGreaterThanOrEqualTo(SOS_WAIT_S * 1000L - 500);

                assertThat(caller.await(60)).as("the elder's call went on to its own end: " + caller.log()).isZero();
            }
            Awaitility.await("backup phone answered the call").atMost(Duration.ofSeconds(15))
                    .until(() -> backup.successfulCalls() == 1);

            String admin = api.login("admin", Stack.ADMIN_PASSWORD);
            JsonNode[] found = new JsonNode[1];
            Awaitility.await("call row complete with recording").atMost(Duration.ofSeconds(60)).until(() -> {
                for (JsonNode c : api.get("/api/calls?limit=10", admin).json()) {
                    // masked in an admin's list (issue 6)
                    if ("*******0001".equals(c.path("callerNumber").asText()) && c.path("recordingId").isNumber()) {
                        found[0] = c;
                        return true;
                    }
                }
                return false;
            });
            JsonNode call = found[0];
            assertThat(call.path("outcome").asText()).isEqualTo("overflowed");
            String timeline = api.get("/api/calls/" + call.path("id").asLong(), admin).json().path("timeline").toString();
            assertThat(timeline).contains("queued", "overflow", "dialstatus=ANSWER", "recorded");
            var rec = api.get("/api/recordings/" + call.path("recordingId").asLong(), admin);
            Path tmp = Files.createTempFile("rec", ".wav");
            Files.write(tmp, rec.raw().body());
            assertThat(Audio.rms(tmp)).as("the overflow conversation is recorded").isGreaterThan(0.01);
            Files.delete(tmp);
            supervisor.close();
        }
    }
}

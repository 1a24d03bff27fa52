package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import onekey.softphone.audio.Audio;
import onekey.softphone.sip.SipPhone;
import onekey.testkit.Sipp;
import onekey.testkit.SoftphoneProcess;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, the wallboard: a real Asterisk and cti-server, agent 1001 on a sipp phone that answers, and the
 * supervisor's softphone (a real window under Xvfb, English) with its wallboard open. Three SOS calls: two answered,
 * one left in the queue while the agent is not ready and abandoned. {@code GET /api/wallboard} shows the live call
 * with its elder and agent while it lasts, the waiting call in the SOS queue, then today's figures (offered 3,
 * answered 2, all within 15 s, abandoned 1, an average handle time); the window shows the same.
 */
class WallboardIT {

    static final String ELDER = "02155550001";
    static final String ELDER2 = "02155550002";

    private static ConditionFactory await(String what, int seconds) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(200));
    }

    @Test
    void theWallboardShowsAgentsQueuesLiveCallsAndTodaysFiguresInRestAndInTheWindow() throws Exception {
        try (Stack stack = new Stack().with("ONEKEY_CALLS_WRAPUPSECONDS", "1").startAsterisk().startServer()) {
            await("AMI connected", 20).until(() -> stack.api.get("/api/health", null).json().path("asterisk")
                    .path("connected").asBoolean());
            String admin = stack.api.login("admin", Stack.ADMIN_PASSWORD);
            String superToken = stack.api.login("super", "super1234");
            String agentToken = stack.api.login("1001", "agent1001");
            assertThat(stack.api.get("/api/wallboard", agentToken).status()).as("agents may not").isEqualTo(403);
            String elderName = elderName(stack, admin, ELDER);

            try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 300);
                 Ws ws = new Ws(stack.server.apiPort(), agentToken);
                 SoftphoneProcess ui = new SoftphoneProcess("http://127.0.0.1:" + stack.server.apiPort(), null, "super",
                         "super1234", Path.of("silence"), Path.of("none"), "en")) {
                ws.await("hello", 10);
                ws.send("{\"type\":\"agent.ready\"}");
                await("member in queue", 10).until(() -> stack.asterisk.cli("queue show onekey").contains("PJSIP/1001"));
                ui.click("wallboardButton");
                await("the wallboard window is open", 20).until(() -> Boolean.parseBoolean(ui.send("visible wbOffered"))
                        && ui.text("wbOffered").equals("0"));
                await("agent 1001 ready on the wallboard", 10).until(() -> ui.text("wbAgents").contains("1001, Ready"));

                // a call while it lasts: a live call with its elder, line and agent
                try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, ELDER, "1234901", 6000)) {
                    await("live call on /api/wallboard", 20).until(() -> {
                        JsonNode live = wallboard(stack, superToken).path("liveCalls");
                        return live.size() == 1 && live.get(0).path("elder").asText().equals(elderName)
                                && live.get(0).path("agent").asText().equals("1001")
                                && live.get(0).path("state").asText().equals("talking")
                                && live.get(0).path("line").asText().equals("sos");
                    });
                    await("live call in the window", 10).until(() -> ui.text("wbCalls").startsWith(elderName + ", SOS emergency, 1001, talking"));
                    await("agent on a call in the window", 10).until(() -> ui.text("wbAgents").contains("1001, On a call"));
                    assertThat(caller.await(30)).as(caller.log()).isZero();
                }
                await("wrap-up over", 15).until(() -> wallboard(stack, superToken).path("agents").toString().contains("\"ready\""));
                try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, ELDER, "1234901", 2000)) {
                    assertThat(caller.await(30)).as(caller.log()).isZero();
                }
                await("wrap-up over", 15).until(() -> wallboard(stack, superToken).path("agents").toString().contains("\"ready\""));

                // nobody ready: the call waits in the SOS queue, then the elder gives up
                ws.send("{\"type\":\"agent.pause\",\"reason\":\"meal\"}");
                await("agent not ready", 10).until(() -> wallboard(stack, superToken).path("agents").toString()
                        .contains("\"not-ready\""));
                try (SipPhone waiting = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort,
                        ELDER2, null), new Audio.Silence(), new Audio.NoSink(), null).start()) {
                    waiting.call("1234901");
                    await("waiting in the SOS queue", 20).until(() -> {
                        JsonNode sos = wallboard(stack, superToken).path("queues").get(0);
                        return sos.path("line").asText().equals("sos") && sos.path("waiting").asLong() == 1
                                && sos.path("longestWaitMs").asLong() > 0;
                    });
                    await("waiting call in the window", 10).until(() -> ui.text("wbQueues").startsWith("SOS emergency, 1, 0:"));
                    waiting.hangup();
                }

                await("today's figures", 20).until(() -> {
                    JsonNode t = wallboard(stack, superToken).path("today");
                    return t.path("offered").asLong() == 3 && t.path("abandoned").asLong() == 1
                            && t.path("answered").asLong() == 2;
                });
                JsonNode w = wallboard(stack, superToken);
                JsonNode t = w.path("today");
                assertThat(t.path("answeredWithin15s").asLong()).isEqualTo(2);
                assertThat(t.path("answeredWithin60s").asLong()).isEqualTo(2);
                assertThat(t.path("answeredWithin180s").asLong()).isEqualTo(2);
                // handle time answered → ended: the callers hang up 6 s and 2 s after the answer
                assertThat(t.path("averageHandleMs").asLong()).isBetween(3000L, 15000L);
                assertThat(w.path("answerTimes").size()).isEqualTo(2);
                assertThat(w.path("liveCalls").size()).isZero();
                // computed from the call rows, the same as the calls list says
                JsonNode calls = stack.api.get("/api/calls?limit=10", admin).json();
                assertThat(calls.size()).isEqualTo(3);
                long handle = 0;
                for (JsonNode c : calls) {
                    handle += c.path("talkMs").asLong(0);
                }
                assertThat(t.path("averageHandleMs").asLong()).isBetween(handle / 2 - 50, handle / 2 + 50);

                await("the window shows today's figures", 15).until(() -> ui.text("wbOffered").equals("3")
                        && ui.text("wbAnswered").equals("2") && ui.text("wbAbandoned").equals("1"));
                assertThat(ui.text("wbWithin15")).isEqualTo("2");
                assertThat(ui.text("wbWithin60")).isEqualTo("2");
                assertThat(ui.text("wbWithin180")).isEqualTo("2");
                assertThat(ui.text("wbAht")).isEqualTo(minSec(t.path("averageHandleMs").asLong()));
                assertThat(ui.text("wbChart")).as("answer times charted").isEqualTo("2");
                assertThat(ui.text("wbAgents")).contains("1001, Not ready (Meal)");
                assertThat(ui.text("wbCalls")).isEmpty();
                Path shot = Path.of("target", "wallboard.png").toAbsolutePath(); // committed as docs/screenshots/
                ui.send("shotwin wallboard " + shot);
                assertThat(java.nio.file.Files.size(shot)).isGreaterThan(10_000);
            }
        }
    }

    private static String minSec(long ms) {
        long s = ms / 1000;
        return String.format("%d:%02d", s / 60, s % 60);
    }

    private static JsonNode wallboard(Stack stack, String token) {
        var r = stack.api.get("/api/wallboard", token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static String elderName(Stack stack, String admin, String number) {
        long id = stack.api.get("/api/elders?q=" + number, admin).json().get(0).path("id").asLong();
        return stack.api.get("/api/elders/" + id + "?reason=test", admin).json().path("name").asText();
    }
}

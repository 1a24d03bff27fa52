package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import onekey.softphone.audio.Audio;
import onekey.softphone.sip.SipPhone;
import onekey.softphone.sip.SipPhone.CallState;
import onekey.testkit.SoftphoneProcess;
import onekey.testkit.Stack;
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
 * Issue 7: the Swing softphone (a real window under Xvfb, agent 1001) with a real Asterisk and cti-server.
 * <ol>
 *   <li>An unregistered caller pops with a form; the agent fills it in through the window and the elder's record is
 *   created through the REST API, linked to the call, audited.</li>
 *   <li>Test 5: the softphone survives a cti-server restart and an Asterisk restart — the window says it is degraded,
 *   the phone re-registers and the CTI client reconnects by themselves — and takes the next call.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SoftphoneRestartIT {

    static final String ELDER_NUMBER = "02155550001";
    static final String STRANGER = "02155558888";
    static Stack stack;
    static SoftphoneProcess ui;
    @TempDir
    static Path dir;

    @BeforeAll
    static void up() throws Exception {
        stack = new Stack().with("ONEKEY_CALLS_WRAPUPSECONDS", "3").with("ONEKEY_CALLS_LOOKUPTIMEOUTMS", "3000")
                .startAsterisk().startServer();
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
        Path says = dir.resolve("agent-says.wav");
        Audio.writeWav(says, Audio.tone(1000, 1, 8000));
        ui = new SoftphoneProcess("http://127.0.0.1:" + stack.server.apiPort(), null, "1001", "agent1001", says,
                dir.resolve("agent-hears.wav"), "zh");
    }

    @AfterAll
    static void down() {
        if (ui != null) {
            ui.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static ConditionFactory await(String what, int seconds) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(200));
    }

    private static boolean healthy() {
        return ui.text("sipStatus").contains("话机已注册") && ui.text("ctiStatus").contains("CTI 已连接")
                && !Boolean.parseBoolean(ui.send("visible degraded"));
    }

    private static void readyAndInQueue() {
        if (!ui.text("agentState").contains("就绪")) {
            ui.click("readyButton");
        }
        await("agent shown ready", 10).until(() -> ui.text("agentState").contains("就绪"));
        await("member idle in the queue", 20).until(() -> stack.asterisk.cli("queue show onekey").lines()
                .anyMatch(l -> l.contains("PJSIP/1001") && l.contains("Not in use")));
    }

    @Test
    @Order(1)
    void anUnregisteredCallerIsRegisteredThroughThePopsFormAndLinkedToTheCall() throws Exception {
        await("registered and connected", 30).until(SoftphoneRestartIT::healthy);
        readyAndInQueue();
        String agentToken = stack.api.login("1001", "agent1001");
        // without a call to link it to, an agent may not create records
        assertThat(stack.api.send("POST", "/api/elders", agentToken,
                "{\"name\":\"x\",\"phones\":[\"02155557777\"]}").status()).isEqualTo(403);

        try (SipPhone stranger = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort,
                STRANGER, null), new Audio.Silence(), new Audio.NoSink(), null).start()) {
            stranger.call("1234901");
            await("the unregistered caller pops with the form", 20).until(() -> ui.enabled("answerButton")
                    && ui.text("popBanner").contains("未登记来电") && Boolean.parseBoolean(ui.send("visible elderFormCreate")));
            assertThat(ui.text("elderFormPhone")).isEqualTo(STRANGER);
            ui.click("answerButton");
            await("on a call", 10).until(() -> ui.text("agentState").contains("通话中"));

            ui.send("set elderFormName 顾桂芳");
            ui.send("set elderFormAddress 徐汇区漕溪北路 88 弄 3 号 502 室");
            ui.send("set elderFormDistrict 徐汇区");
            ui.send("select elderFormLanguage zh");
            ui.send("set elderFormContactName 顾明");
            ui.send("set elderFormContactRelation 儿子");
            ui.send("set elderFormContactPhone 13900001234");
            Path shot = Path.of("target", "softphone-new-elder.png").toAbsolutePath(); // committed as docs/screenshots/
            ui.send("shot " + shot);
            assertThat(java.nio.file.Files.size(shot)).isGreaterThan(10_000);
            ui.click("elderFormCreate");
            await("record created and linked", 15).until(() -> ui.text("elderFormStatus").contains("已建档"));
            assertThat(ui.text("elderName")).isEqualTo("顾桂芳");
            long elderId = Long.parseLong(ui.text("elderFormStatus").replaceAll("\\D+", " ").trim().split(" ")[0]);

            String admin = stack.api.login("admin", Stack.ADMIN_PASSWORD);
            JsonNode elder = stack.api.get("/api/elders/" + elderId + "?reason=test", admin).json();
            assertThat(elder.path("name").asText()).isEqualTo("顾桂芳");
            assertThat(elder.path("address").asText()).isEqualTo("徐汇区漕溪北路 88 弄 3 号 502 室");
            assertThat(elder.path("district").asText()).isEqualTo("徐汇区");
            assertThat(elder.path("language").asText()).isEqualTo("zh");
            assertThat(elder.path("phones").toString()).contains("55558888");
            assertThat(elder.path("contacts").get(0).path("name").asText()).isEqualTo("顾明");
            assertThat(elder.path("contacts").get(0).path("relation").asText()).isEqualTo("儿子");

            JsonNode call = stack.api.get("/api/calls?limit=1", admin).json().get(0);
            assertThat(call.path("callerNumber").asText()).endsWith("8888"); // masked for an admin, as in the calls list
            assertThat(call.path("elderId").asLong()).as(call.toString()).isEqualTo(elderId);
            long callId = call.path("id").asLong();
            await("elder.linked on the timeline", 10).until(() -> stack.api.get("/api/calls/" + callId, admin).json()
                    .path("timeline").toString().contains("elder.linked"));
            JsonNode audit = stack.api.get("/api/audit?limit=200", admin).json();
            assertThat(audit.toString()).contains("call.elder-linked").contains("call=" + callId);
            // a second record for the same call is refused
            assertThat(stack.api.send("POST", "/api/elders", agentToken, "{\"name\":\"y\",\"phones\":[\"02155557777\"],"
                    + "\"callId\":" + callId + "}").status()).isEqualTo(409);

            ui.click("hangupButton");
            await("the stranger's call ended", 10).until(() -> stranger.state() == CallState.IDLE);
        }
        await("wrap-up ends by itself", 20).until(() -> ui.text("agentState").contains("就绪"));
    }

    @Test
    @Order(2)
    void survivesACtiServerRestartAndAnAsteriskRestartAndTakesTheNextCall() throws Exception {
        await("registered and connected", 30).until(SoftphoneRestartIT::healthy);
        readyAndInQueue();

        // the cti-server goes away and comes back
        stack.stopServer();
        await("CTI degraded shown", 15).until(() -> ui.text("ctiStatus").contains("CTI 已断开")
                && Boolean.parseBoolean(ui.send("visible degraded")));
        stack.startServer();
        await("CTI reconnected by itself", 45).until(() -> ui.text("ctiStatus").contains("CTI 已连接"));
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());

        // Asterisk goes away: nothing tells a UDP phone, its keepalive finds out and the window says so
        stack.asterisk.stop();
        await("SIP degraded shown", 30).until(() -> ui.text("sipStatus").contains("话机未注册")
                && Boolean.parseBoolean(ui.send("visible degraded")) && ui.text("degraded").contains("话机未注册"));
        assertThat(ui.send("sip")).endsWith("false");
        stack.asterisk.start();
        await("re-registered by itself", 60).until(SoftphoneRestartIT::healthy);
        await("Asterisk has the softphone's contact again", 20)
                .until(() -> stack.asterisk.cli("pjsip show contacts").contains("1001/sip:1001@127.0.0.1"));
        Awaitility.await("AMI back").atMost(Duration.ofSeconds(30))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
        readyAndInQueue();

        // and the next call rings, pops and is answered through the window
        String admin = stack.api.login("admin", Stack.ADMIN_PASSWORD);
        long elderId = stack.api.get("/api/elders?q=" + ELDER_NUMBER, admin).json().get(0).path("id").asLong();
        String name = stack.api.get("/api/elders/" + elderId + "?reason=test", admin).json().path("name").asText();
        try (SipPhone caller = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort,
                ELDER_NUMBER, null), new Audio.WavLoop(Audio.tone(440, 1, 8000)), new Audio.NoSink(), null).start()) {
            caller.call("1234901");
            await("the next call pops", 30).until(() -> ui.enabled("answerButton") && ui.text("popBanner").contains("SOS"));
            assertThat(ui.text("elderName")).isEqualTo(name);
            ui.click("answerButton");
            await("elder connected", 10).until(() -> caller.state() == CallState.ACTIVE);
            await("agent shown on a call", 10).until(() -> ui.text("agentState").contains("通话中"));
            ui.click("hangupButton");
            await("call ended", 10).until(() -> caller.state() == CallState.IDLE);
        }
        JsonNode last = stack.api.get("/api/calls?limit=1", admin).json().get(0);
        assertThat(last.path("elderId").asLong()).isEqualTo(elderId);
        assertThat(last.path("agent").asText()).isEqualTo("1001");
        assertThat(last.path("answeredAt").asLong()).isPositive();
    }
}

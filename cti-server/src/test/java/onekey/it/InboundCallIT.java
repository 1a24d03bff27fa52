package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import onekey.tts.WavInfo;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The inbound path end to end against a real Asterisk, with sipp as the elder's phone and as the
 * agent's phone, and a WebSocket client as the agent's screen.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboundCallIT {

    static Stack stack;

    /** The stack these tests run on: H2 here, MariaDB in {@link InboundCallMariaDbIT}. */
    Stack newStack() {
        return new Stack();
    }

    /** The engine the server must report in /api/health ("h2" here). */
    String engine() {
        return "h2";
    }

    @BeforeAll
    void up() {
        stack = newStack().startAsterisk().startServer();
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
        assertThat(stack.api.get("/api/health", null).json().path("database").path("dialect").asText()).isEqualTo(engine());
    }

    @AfterAll
    void down() {
        if (stack != null) {
            stack.close();
        }
    }

    private static String agentToken(String ext) {
        return stack.api.login(ext, "agent" + ext);
    }

    private static Ws readyAgent(String ext, String token) {
        Ws ws = new Ws(stack.server.apiPort(), token);
        ws.await("hello", 10);
        ws.send("{\"type\":\"agent.ready\"}");
        ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("ready"), 10);
        // the agent's phone is registered and idle: app_queue will ring it
        Awaitility.await("member " + ext + " idle in queue").atMost(Duration.ofSeconds(10))
                .until(() -> stack.asterisk.cli("queue show onekey").lines()
                        .anyMatch(l -> l.contains("PJSIP/" + ext) && l.contains("Not in use")));
        return ws;
    }

    private static void logout(Ws ws) {
        ws.send("{\"type\":\"agent.logout\"}");
        ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("logged-out"), 10);
        ws.close();
    }

    @Test
    void registeredElderPressesSos() throws Exception {
        try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 1500)) {
            String token = agentToken("1001");
            Ws ws = readyAgent("1001", token);
            try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 8000)) {
                Ws.Frame offered = ws.await("call.offered", 20);
                Ws.Frame answered = ws.await("call.answered", 20);
                assertThat(offered.receivedAt()).isLessThanOrEqualTo(answered.receivedAt());
                // the agent types notes and a disposition while the call is live: they must survive its end
                // and the recording's indexing (no write from a stale copy undoes them)
                long liveId = answered.json().path("call").path("id").asLong();
                // the row says whose call it is once the journal has written the answer (ms after call.answered; the
                // check reads the row): a disposition a few ms after the pop is a follow-up, not this test's matter
                org.awaitility.Awaitility.await("the answer written").atMost(java.time.Duration.ofSeconds(10))
                        .until(() -> stack.api.send("GET", "/api/calls/" + liveId, token, null).status() == 200);
                var saved = stack.api.send("PUT", "/api/calls/" + liveId + "/disposition", token,
                        "{\"disposition\":\"resolved\",\"notes\":\"老人头晕，已联系女儿 (typed during the call)\"}");
                assertThat(saved.status()).as(saved.body()).isEqualTo(200);
                assertThat(offered.json().path("seq").asLong()).isLessThan(answered.json().path("seq").asLong());
                JsonNode elder = offered.json().path("elder");
                assertThat(offered.json().path("registered").asBoolean()).isTrue();
                assertThat(elder.path("phones").toString()).contains("2155550001");
                // Chinese text intact through the database (on MariaDB a latin1-default database: issue 10, test 1)
                assertThat(elder.path("name").asText()).isEqualTo("张桂英");
                assertThat(elder.path("address").asText()).isEqualTo("上海市杨浦区控江路1029弄12号302室");
                assertThat(elder.path("contacts").size()).isGreaterThan(0);
                assertThat(elder.path("age").asInt()).isGreaterThanOrEqualTo(80);
                assertThat(elder.path("healthConditions").asText()).isNotBlank();
                assertThat(elder.path("lastCalls").isArray()).isTrue();
                assertThat(offered.json().path("call").path("line").asText()).isEqualTo("sos");

                assertThat(caller.await(40)).as(caller.log()).isZero();
                Ws.Frame ended = ws.await("call.ended", 20);
                long callId = ended.json().path("call").path("id").asLong();
                long elderId = elder.path("id").asLong();

                JsonNode call = awaitRecordedCall(token, elderId, callId);
                assertThat(callId).isEqualTo(liveId);
                assertThat(call.path("notes").asText()).isEqualTo("老人头晕，已联系女儿 (typed during the call)");
                assertThat(call.path("disposition").asText()).isEqualTo("resolved");
                assertThat(call.path("outcome").asText()).isEqualTo("completed");
                assertThat(call.path("line").asText()).isEqualTo("sos");
                assertThat(call.path("agent").asText()).isEqualTo("1001");
                long arrived = call.path("arrivedAt").asLong();
                long answeredAt = call.path("answeredAt").asLong();
                long endedAt = call.path("endedAt").asLong();
                assertThat(arrived).isPositive().isLessThanOrEqualTo(answeredAt);
                assertThat(answeredAt).isLessThan(endedAt);
                assertThat(call.path("waitMs").asLong()).isEqualTo(answeredAt - arrived);
                assertThat(call.path("talkMs").asLong()).isEqualTo(endedAt - answeredAt);
                // the agent's phone rings 1.5 s before it picks up
                assertThat(call.path("waitMs").asLong()).isGreaterThanOrEqualTo(1000);

                JsonNode detail = stack.api.get("/api/calls/" + callId, token).json();
                assertThat(detail.path("timeline").toString()).contains("arrived", "queued", "offered", "answered", "hangup");

                assertRecording(call, token, endedAt - arrived);
                // the call's events (Newchannel, QueueCallerJoin, AgentCalled, ... from a real Asterisk) were built by
                // OneKey's AMI reader, not by asterisk-java's reflective builder (issue 23)
                JsonNode ami = stack.api.get("/api/health", null).json().path("asterisk");
                assertThat(ami.path("eventsBuiltFast").asLong()).as(ami.toString()).isGreaterThanOrEqualTo(8);
            }
            logout(ws);
            // the agent's phone (sipp UAS) saw the whole SIP dialogue: INVITE, 200, ACK, BYE
            Awaitility.await("agent phone counted the call").atMost(Duration.ofSeconds(10))
                    .until(() -> phone.successfulCalls() == 1);
        }
    }

    private static JsonNode awaitRecordedCall(String token, long elderId, long callId) {
        JsonNode[] found = new JsonNode[1];
        Awaitility.await("call " + callId + " recorded").atMost(Duration.ofSeconds(40)).until(() -> {
            for (JsonNode c : stack.api.get("/api/calls?elderId=" + elderId + "&limit=10", token).json()) {
                if (c.path("id").asLong() == callId && c.path("recordingId").isNumber()) {
                    found[0] = c;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static void assertRecording(JsonNode call, String agentToken, long callMs) throws Exception {
        long recId = call.path("recordingId").asLong();
        var reply = stack.api.get("/api/recordings/" + recId, agentToken);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.raw().headers().firstValue("Content-Type").orElse("")).startsWith("audio/wav");
        Path tmp = Files.createTempFile("rec", ".wav");
        try {
            Files.write(tmp, reply.raw().body());
            WavInfo info = WavInfo.read(tmp);
            assertThat(info.sampleRate()).isEqualTo(8000);
            // the recording covers the call from the answer by the IVR to the hang-up
            assertThat(Math.abs(info.durationMs() - callMs)).as("recording %d ms vs call %d ms", info.durationMs(), callMs)
                    .isLessThanOrEqualTo(1000);
            assertThat(Audio.rms(tmp)).as("recording RMS").isGreaterThan(0.01);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Test
    void unknownCallerIsQueuedPoppedAsUnregisteredAndRecorded() throws Exception {
        try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1002", stack.sipSecret("1002"), 500)) {
            String token = agentToken("1002");
            Ws ws = readyAgent("1002", token);
            try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02177778888", "12349", 12000)) {
                Ws.Frame offered = ws.await("call.offered", 30);
                assertThat(offered.json().path("registered").asBoolean()).isFalse();
                assertThat(offered.json().path("elder").isNull()).isTrue();
                assertThat(offered.json().path("callerNumber").asText()).isEqualTo("02177778888");
                assertThat(offered.json().path("call").path("line").asText()).isEqualTo("general");
                assertThat(caller.await(40)).as(caller.log()).isZero();
                Ws.Frame ended = ws.await("call.ended", 20);
                long callId = ended.json().path("call").path("id").asLong();
                Awaitility.await("recording indexed").atMost(Duration.ofSeconds(40))
                        .until(() -> stack.api.get("/api/calls/" + callId, token).json().path("recordingId").isNumber());
                JsonNode call = stack.api.get("/api/calls/" + callId, token).json();
                assertThat(call.path("elderId").isNull()).isTrue();
                assertRecording(call, token, call.path("endedAt").asLong() - call.path("arrivedAt").asLong());
            }
            logout(ws);
        }
    }

    @Test
    void sosIsAnsweredBeforeAnEarlierConsultCall() {
        try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1003", stack.sipSecret("1003"), 300)) {
            String token = agentToken("1003");
            Ws ws = new Ws(stack.server.apiPort(), token);
            ws.await("hello", 10);
            ws.send("{\"type\":\"agent.pause\",\"reason\":\"briefing\"}");
            ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("not-ready"), 10);
            try (Sipp.Caller consult = new Sipp.Caller(stack.asterisk.sipPort, "02155550002", "1234904", 12000)) {
                Awaitility.await("consult call waiting").atMost(Duration.ofSeconds(15))
                        .until(() -> stack.asterisk.cli("queue show onekey").contains("1. "));
                try (Sipp.Caller sos = new Sipp.Caller(stack.asterisk.sipPort, "02155550003", "1234901", 8000)) {
                    Awaitility.await("both calls waiting").atMost(Duration.ofSeconds(15))
                            .until(() -> stack.asterisk.cli("queue show onekey").contains("2. "));
                    ws.send("{\"type\":\"agent.ready\"}");
                    Ws.Frame first = ws.await("call.offered", 20);
                    assertThat(first.json().path("call").path("line").asText()).isEqualTo("sos");
                    assertThat(first.json().path("callerNumber").asText()).isEqualTo("02155550003");
                    assertThat(sos.await(40)).as(sos.log()).isZero();
                }
                assertThat(consult.await(40)).isZero();
            }
            logout(ws);
        }
    }
}

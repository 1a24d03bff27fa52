package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.net.URI;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.softphone.audio.Audio;
import onekey.softphone.audio.AudioSink;
import onekey.softphone.cti.CtiClient;
import onekey.softphone.cti.CtiEvent;
import onekey.softphone.sip.SipPhone;
import onekey.softphone.sip.SipPhone.CallState;
import onekey.testkit.Api;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, tests 3 and 4: a supervisor listens, whispers and barges on a live call, proven on the audio each phone
 * received. Three phones of the softphone's SIP core, each sending its own tone: the elder 500 Hz (through the
 * trunk), the agent 1000 Hz (extension 1001), the supervisor 1500 Hz (extension 1099, account "super"). Every phone
 * counts the 20 ms frames it heard that carry each tone.
 */
class SpyIT {

    static final double ELDER = 500;
    static final double AGENT = 1000;
    static final double SUPER = 1500;
    /** A tone "heard": at least a second of frames carrying it. */
    static final int HEARD = 50;
    /** A tone "not heard": fewer frames than this over seconds of the other party sending it. */
    static final int NOT_HEARD = 5;

    static Stack stack;
    @TempDir
    static Path dir;

    Ears elderEars;
    Ears agentEars;
    Ears superEars;
    SipPhone elder;
    SipPhone agent;
    SipPhone supervisor;
    Ws agentWs;
    Ws superWs;
    String superToken;
    String agentToken;
    static int run;

    @BeforeAll
    static void up() throws Exception {
        stack = new Stack().startAsterisk().startServer();
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
    }

    @AfterAll
    static void down() {
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void phones() throws Exception {
        run++;
        elderEars = new Ears(dir.resolve("elder-" + run + ".wav"));
        agentEars = new Ears(dir.resolve("agent-" + run + ".wav"));
        superEars = new Ears(dir.resolve("super-" + run + ".wav"));
        agent = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort, "1001",
                stack.sipSecret("1001")), new Audio.WavLoop(Audio.tone(AGENT, 1, 8000)), agentEars, null).start();
        supervisor = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort, "1099",
                stack.sipSecret("1099")), new Audio.WavLoop(Audio.tone(SUPER, 1, 8000)), superEars, null).start();
        elder = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort, "02155550001", null),
                new Audio.WavLoop(Audio.tone(ELDER, 1, 8000)), elderEars, null).start();
        Awaitility.await("agent and supervisor registered").atMost(Duration.ofSeconds(10))
                .until(() -> agent.registered() && supervisor.registered());
        agentToken = stack.api.login("1001", "agent1001");
        superToken = stack.api.login("super", "super1234");
        agentWs = new Ws(stack.server.apiPort(), agentToken);
        superWs = new Ws(stack.server.apiPort(), superToken);
        agentWs.await("hello", 10);
        superWs.await("hello", 10);
    }

    @AfterEach
    void hangUpAll() {
        for (SipPhone p : new SipPhone[] {elder, agent, supervisor}) {
            if (p != null) {
                p.close();
            }
        }
        for (Ears e : new Ears[] {elderEars, agentEars, superEars}) {
            if (e != null) {
                e.close();
            }
        }
        agentWs.close();
        superWs.close();
        // the agent back to a clean state for the next test (logged out, no call)
        Awaitility.await("no live call left").atMost(Duration.ofSeconds(20))
                .until(() -> stack.server.calls().liveCount() == 0);
    }

    /** The elder calls, the agent answers: returns the call's id once the call row says it is answered by 1001. */
    long elderTalkingToAgent() throws Exception {
        agentWs.send("{\"type\":\"agent.ready\"}");
        agentWs.await("agent.state", j -> j.path("agent").path("state").asText().equals("ready"), 10);
        int before = agentWs.frames().size();
        elder.call("1234901");
        Awaitility.await("agent's phone rings").atMost(Duration.ofSeconds(20)).until(() -> agent.state() == CallState.RINGING);
        agent.answer();
        Awaitility.await("elder connected").atMost(Duration.ofSeconds(10)).until(() -> elder.state() == CallState.ACTIVE);
        JsonNode answered = awaitAfter(agentWs, before, "call.answered").path("call");
        long callId = answered.path("id").asLong();
        assertThat(callId).isPositive();
        Awaitility.await("call row answered by 1001").atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode c = stack.api.get("/api/calls/" + callId, superToken).json();
            return c.path("answeredAt").isNumber() && "1001".equals(c.path("agent").asText());
        });
        // the two of them hear each other before anyone spies
        awaitAtLeast("agent hears the elder", agentEars.counter(ELDER), HEARD);
        awaitAtLeast("elder hears the agent", elderEars.counter(AGENT), HEARD);
        return callId;
    }

    /** Starts a spy session as the supervisor and answers the phone Asterisk rings; returns the session id. */
    String spy(long callId, String mode) throws Exception {
        int before = superWs.frames().size();
        Api.Reply r = stack.api.send("POST", "/api/calls/" + callId + "/spy", superToken, "{\"mode\":\"" + mode + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String session = r.json().path("id").asText();
        assertThat(r.json().path("state").asText()).isEqualTo("ringing");
        assertThat(r.json().path("extension").asText()).isEqualTo("1099");
        Awaitility.await("the supervisor's own phone rings").atMost(Duration.ofSeconds(10))
                .until(() -> supervisor.state() == CallState.RINGING);
        supervisor.answer();
        JsonNode started = awaitAfter(superWs, before, "spy.started").path("session");
        assertThat(started.path("id").asText()).isEqualTo(session);
        assertThat(started.path("state").asText()).isEqualTo("active");
        return session;
    }

    @Test
    void listenThenWhisperThenBargeOnTheAudioEachPhoneHears() throws Exception {
        long callId = elderTalkingToAgent();
        long elderHeardSuper0 = elderEars.heard(SUPER);
        long agentHeardSuper0 = agentEars.heard(SUPER);

        // ---- listen: the supervisor hears both; neither the elder nor the agent hears the supervisor
        String session = spy(callId, "listen");
        long superElder = superEars.heard(ELDER);
        long superAgent = superEars.heard(AGENT);
        awaitAtLeast("supervisor hears the elder (listen)", superEars.counter(ELDER), superElder + HEARD);
        awaitAtLeast("supervisor hears the agent (listen)", superEars.counter(AGENT), superAgent + HEARD);
        // three seconds of the supervisor talking into the call
        awaitSent(supervisor, 150);
        assertThat(elderEars.heard(SUPER) - elderHeardSuper0).as("elder hears the supervisor while listening").isLessThan(NOT_HEARD);
        assertThat(agentEars.heard(SUPER) - agentHeardSuper0).as("agent hears the supervisor while listening").isLessThan(NOT_HEARD);
        assertThat(superEars.heard(SUPER)).as("the supervisor does not hear itself").isLessThan(NOT_HEARD);

        // ---- whisper (over the WebSocket command): the agent hears the supervisor, the elder does not
        long answeredBefore = supervisor.callsAnswered();
        int before = superWs.frames().size();
        superWs.send("{\"type\":\"spy.mode\",\"session\":\"" + session + "\",\"mode\":\"whisper\"}");
        JsonNode ack = awaitAfter(superWs, before, "ack", "spy.mode");
        assertThat(ack.path("session").path("mode").asText()).isEqualTo("whisper");
        long elderSuperAtWhisper = elderEars.heard(SUPER);
        long agentSuperAtWhisper = agentEars.heard(SUPER);
        awaitAtLeast("agent hears the supervisor (whisper)", agentEars.counter(SUPER), agentSuperAtWhisper + HEARD);
        awaitSent(supervisor, 150);
        assertThat(elderEars.heard(SUPER) - elderSuperAtWhisper).as("elder hears the supervisor's whisper").isLessThan(NOT_HEARD);
        long superAgentW = superEars.heard(AGENT);
        long superElderW = superEars.heard(ELDER);
        awaitAtLeast("supervisor still hears the agent (whisper)", superEars.counter(AGENT), superAgentW + HEARD);
        awaitAtLeast("supervisor still hears the elder (whisper)", superEars.counter(ELDER), superElderW + HEARD);
        // the mode changed with the supervisor's phone up: the same call, not a new one
        assertThat(supervisor.state()).isEqualTo(CallState.ACTIVE);
        assertThat(supervisor.callsAnswered()).isEqualTo(answeredBefore);

        // ---- barge (REST, the same endpoint again for the same call): both hear the supervisor
        Api.Reply barge = stack.api.send("POST", "/api/calls/" + callId + "/spy", superToken, "{\"mode\":\"barge\"}");
        assertThat(barge.status()).as(barge.body()).isEqualTo(200);
        assertThat(barge.json().path("id").asText()).isEqualTo(session);
        assertThat(barge.json().path("mode").asText()).isEqualTo("barge");
        long elderSuperAtBarge = elderEars.heard(SUPER);
        long agentSuperAtBarge = agentEars.heard(SUPER);
        awaitAtLeast("elder hears the supervisor (barge)", elderEars.counter(SUPER), elderSuperAtBarge + HEARD);
        awaitAtLeast("agent hears the supervisor (barge)", agentEars.counter(SUPER), agentSuperAtBarge + HEARD);
        assertThat(supervisor.state()).isEqualTo(CallState.ACTIVE);
        assertThat(supervisor.callsAnswered()).isEqualTo(answeredBefore);
        // the elder and the agent still hear each other
        long elderAgent = elderEars.heard(AGENT);
        awaitAtLeast("elder still hears the agent (barge)", elderEars.counter(AGENT), elderAgent + HEARD);

        // ---- the supervisor hangs up: the session ends (from Asterisk's Hangup), the call goes on
        before = superWs.frames().size();
        supervisor.hangup();
        JsonNode ended = awaitAfter(superWs, before, "spy.ended").path("session");
        assertThat(ended.path("endReason").asText()).isEqualTo("supervisor-hung-up");
        assertThat(elder.state()).isEqualTo(CallState.ACTIVE);
        assertThat(agent.state()).isEqualTo(CallState.ACTIVE);

        // test 4: the audit rows of the session: start, the two mode changes, end
        List<String> rows = spyAudit(callId, session);
        assertThat(rows).containsExactly("spy.start mode=listen", "spy.mode from=listen to=whisper",
                "spy.mode from=whisper to=barge", "spy.end reason=supervisor-hung-up");
        elder.hangup();
    }

    @Test
    void agentsCannotSpyAndEverySessionIsAuditedFromStartToEnd() throws Exception {
        long callId = elderTalkingToAgent();

        // an agent account: 403 over REST, refused over the WebSocket; nothing rings, nothing audited
        Api.Reply agentTry = stack.api.send("POST", "/api/calls/" + callId + "/spy", agentToken, "{\"mode\":\"listen\"}");
        assertThat(agentTry.status()).isEqualTo(403);
        int before = agentWs.frames().size();
        agentWs.send("{\"type\":\"call.spy\",\"callId\":" + callId + ",\"mode\":\"listen\"}");
        assertThat(awaitAfter(agentWs, before, "error", "call.spy").path("message").asText()).contains("forbidden");
        assertThat(stack.api.send("GET", "/api/spy", agentToken, null).status()).isEqualTo(403);
        // bad input: clear errors
        Api.Reply bad = stack.api.send("POST", "/api/calls/" + callId + "/spy", superToken, "{\"mode\":\"shout\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("message").asText()).contains("listen, whisper or barge");
        assertThat(stack.api.send("POST", "/api/calls/999999/spy", superToken, "{\"mode\":\"listen\"}").status())
                .isEqualTo(404);
        assertThat(supervisor.state()).isEqualTo(CallState.IDLE);
        assertThat(spyAudit(callId, null)).isEmpty();

        // session 1 over the WebSocket (the shared CTI client's command), ended with DELETE
        before = superWs.frames().size();
        List<CtiEvent> events = new CopyOnWriteArrayList<>();
        JsonNode ack;
        try (CtiClient cti = new CtiClient(URI.create(stack.api.base), "super", "super1234", null,
                new CtiClient.Listener() {
                    @Override
                    public void event(CtiEvent e) {
                        events.add(e);
                    }
                })) {
            cti.login();
            cti.start();
            Awaitility.await("CTI client connected").atMost(Duration.ofSeconds(10))
                    .until(() -> cti.status() == CtiClient.Status.CONNECTED);
            cti.spy(callId, "listen");
            Awaitility.await("call.spy acknowledged").atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                    .anyMatch(e -> e instanceof CtiEvent.Ack a && a.command().equals("call.spy")));
            ack = events.stream().filter(e -> e instanceof CtiEvent.Ack a && a.command().equals("call.spy")).findFirst()
                    .map(CtiEvent::json).orElseThrow();
        }
        assertThat(ack.path("created").asBoolean()).isTrue();
        String first = ack.path("session").path("id").asText();
        Awaitility.await("supervisor's phone rings").atMost(Duration.ofSeconds(10))
                .until(() -> supervisor.state() == CallState.RINGING);
        supervisor.answer();
        awaitAfter(superWs, before, "spy.started");
        long superElder = superEars.heard(ELDER);
        awaitAtLeast("supervisor hears the elder", superEars.counter(ELDER), superElder + HEARD);
        assertThat(stack.api.send("GET", "/api/spy", superToken, null).json().get(0).path("id").asText()).isEqualTo(first);
        before = superWs.frames().size();
        Api.Reply del = stack.api.send("DELETE", "/api/spy/" + first, superToken, null);
        assertThat(del.status()).as(del.body()).isEqualTo(200);
        assertThat(awaitAfter(superWs, before, "spy.ended").path("session").path("endReason").asText()).isEqualTo("stopped");
        Awaitility.await("supervisor's phone hung up by Asterisk").atMost(Duration.ofSeconds(10))
                .until(() -> supervisor.state() == CallState.IDLE);
        assertThat(stack.api.send("DELETE", "/api/spy/" + first, superToken, null).status()).isEqualTo(404);

        // session 2: the call ends under it (the elder hangs up)
        String second = spy(callId, "whisper");
        before = superWs.frames().size();
        elder.hangup();
        assertThat(awaitAfter(superWs, before, "spy.ended").path("session").path("endReason").asText())
                .isEqualTo("call-ended");
        Awaitility.await("supervisor's phone hung up when the call ended").atMost(Duration.ofSeconds(10))
                .until(() -> supervisor.state() == CallState.IDLE);
        // a call that has ended cannot be spied on
        Awaitility.await("call row ended").atMost(Duration.ofSeconds(10))
                .until(() -> stack.api.get("/api/calls/" + callId, superToken).json().path("endedAt").isNumber());
        assertThat(stack.api.send("POST", "/api/calls/" + callId + "/spy", superToken, "{\"mode\":\"listen\"}").status())
                .isEqualTo(409);

        // every session has its start and its end, by the supervisor, about the call
        assertThat(spyAudit(callId, first)).containsExactly("spy.start mode=listen", "spy.end reason=stopped");
        assertThat(spyAudit(callId, second)).containsExactly("spy.start mode=whisper", "spy.end reason=call-ended");
        JsonNode rows = stack.api.get("/api/audit?type=spy&targetType=call&targetId=" + callId, superToken).json();
        assertThat(rows.size()).isEqualTo(4);
        for (JsonNode row : rows) {
            assertThat(row.path("username").asText()).isEqualTo("super");
            assertThat(row.path("action").asText()).startsWith("spy.");
        }
    }

    @Test
    void aSessionThatOutlivesARestartOfTheServerIsStillAuditedWhenItEnds() throws Exception {
        long callId = elderTalkingToAgent();
        String session = spy(callId, "barge");
        awaitAtLeast("elder hears the supervisor (barge)", elderEars.counter(SUPER), elderEars.heard(SUPER) + HEARD);

        // the cti-server restarts during the session: the supervisor keeps listening, Asterisk keeps the spy going
        stack.stopServer();
        long superElder = superEars.heard(ELDER);
        awaitAtLeast("the supervisor still hears the elder while OneKey is down", superEars.counter(ELDER),
                superElder + HEARD);
        stack.startServer();
        Awaitility.await("AMI connected again").atMost(Duration.ofSeconds(20))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
        // the new server follows the session again from the channel's variables
        Awaitility.await("session known again").atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode list = stack.api.get("/api/spy", superToken).json();
            return list.size() == 1 && session.equals(list.get(0).path("id").asText())
                    && "barge".equals(list.get(0).path("mode").asText());
        });

        // its mode can still change, and its end is recorded when the supervisor hangs up
        Api.Reply listen = stack.api.send("PUT", "/api/spy/" + session, superToken, "{\"mode\":\"listen\"}");
        assertThat(listen.status()).as(listen.body()).isEqualTo(200);
        supervisor.hangup();
        Awaitility.await("the end audited by the new server").atMost(Duration.ofSeconds(15))
                .until(() -> spyAudit(callId, session).size() == 4);
        assertThat(spyAudit(callId, session)).containsExactly("spy.start mode=barge", "spy.resume mode=barge",
                "spy.mode from=barge to=listen", "spy.end reason=supervisor-hung-up");
        assertThat(stack.api.get("/api/spy", superToken).json().size()).isZero();
        elder.hangup();
    }

    /** The session's spy audit rows, oldest first, as "action key=value" (the detail's telling part). */
    static List<String> spyAudit(long callId, String session) {
        JsonNode rows = stack.api.get("/api/audit?type=spy&targetType=call&targetId=" + callId,
                stack.api.login("admin", Stack.ADMIN_PASSWORD)).json();
        List<String> out = new ArrayList<>();
        for (int i = rows.size() - 1; i >= 0; i--) {
            JsonNode row = rows.get(i);
            String detail = row.path("detail").asText();
            if (session != null && !detail.contains("session=" + session + " ")) {
                continue;
            }
            String action = row.path("action").asText();
            String telling = switch (action) {
                case "spy.start", "spy.resume" -> word(detail, "mode");
                case "spy.mode" -> word(detail, "from") + " " + word(detail, "to");
                case "spy.end" -> word(detail, "reason");
                default -> detail;
            };
            out.add(action + " " + telling);
        }
        return out;
    }

    private static String word(String detail, String key) {
        for (String w : detail.split(" ")) {
            if (w.startsWith(key + "=")) {
                return w;
            }
        }
        return key + "=?";
    }

    static JsonNode awaitAfter(Ws ws, int index, String type) {
        return awaitAfter(ws, index, type, null);
    }

    /** The first frame of {@code type} (and, when given, of {@code command}) received after frame {@code index}. */
    static JsonNode awaitAfter(Ws ws, int index, String type, String command) {
        JsonNode[] found = new JsonNode[1];
        Awaitility.await(type + (command == null ? "" : " " + command)).atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    List<Ws.Frame> frames = ws.frames();
                    for (int i = index; i < frames.size(); i++) {
                        JsonNode j = frames.get(i).json();
                        if (type.equals(j.path("type").asText())
                                && (command == null || command.equals(j.path("command").asText()))) {
                            found[0] = j;
                            return true;
                        }
                    }
                    return false;
                });
        return found[0];
    }

    static void awaitAtLeast(String what, LongSupplier count, long atLeast) {
        Awaitility.await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> count.getAsLong() >= atLeast);
    }

    /** Waits until {@code phone} has sent {@code packets} more RTP packets (20 ms each) from now. */
    static void awaitSent(SipPhone phone, long packets) {
        long from = phone.rtp().packetsOut();
        Awaitility.await("audio sent").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> phone.rtp().packetsOut() >= from + packets);
    }

    /**
     * A phone's ears: records what it hears (WAV, for a person to listen to after a failure) and counts, per tone,
     * the 20 ms frames that carry it. Mixed audio carries several tones at once (the supervisor hears the elder and the
     * agent together), so a tone counts when it holds at least a fifth of a loud frame's energy (Goertzel; the three
     * tones fall on exact bins of a 160-sample frame, 10, 20 and 30, so none leaks into another).
     */
    static final class Ears implements AudioSink {
        private static final double[] TONES = {ELDER, AGENT, SUPER};
        private final Audio.WavRecorder wav;
        private final long[] counts = new long[TONES.length];
        private final short[] pending = new short[160];
        private int filled;

        Ears(Path file) throws java.io.IOException {
            this.wav = new Audio.WavRecorder(file);
        }

        @Override
        public synchronized void write(short[] frame) {
            wav.write(frame);
            for (short s : frame) {
                pending[filled++] = s;
                if (filled == pending.length) {
                    analyse(pending);
                    filled = 0;
                }
            }
        }

        private void analyse(short[] s) {
            double total = 0;
            int peak = 0;
            for (short v : s) {
                total += (double) v * v;
                peak = Math.max(peak, Math.abs(v));
            }
            if (peak < 1000) {
                return;
            }
            for (int t = 0; t < TONES.length; t++) {
                double coeff = 2 * Math.cos(2 * Math.PI * TONES[t] / 8000);
                double q1 = 0;
                double q2 = 0;
                for (short v : s) {
                    double q0 = coeff * q1 - q2 + v;
                    q2 = q1;
                    q1 = q0;
                }
                double power = q1 * q1 + q2 * q2 - coeff * q1 * q2;
                if (power / (80.0 * total) > 0.2) {
                    counts[t]++;
                }
            }
        }

        synchronized long heard(double hz) {
            for (int t = 0; t < TONES.length; t++) {
                if (TONES[t] == hz) {
                    return counts[t];
                }
            }
            throw new IllegalArgumentException("not a test tone: " + hz);
        }

        LongSupplier counter(double hz) {
            return () -> heard(hz);
        }

        @Override
        public void close() {
            wav.close();
        }
    }
}

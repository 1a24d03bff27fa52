package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import onekey.softphone.audio.Audio;
import onekey.softphone.audio.G711;
import onekey.softphone.sip.SipPhone;
import onekey.softphone.sip.SipPhone.CallState;
import onekey.testkit.Pstn;
import onekey.testkit.Pstn.Behaviour;
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
 * Issue 7, test 6: blind and attended transfer to another seat, a three-way conference and click-to-call, with
 * the softphone's SIP/RTP core against a real Asterisk and cti-server. Every party sends its own tone — the
 * elder 440 Hz, seat 1001 (agent A) 1000 Hz, seat 1002 (agent B) 1700 Hz, the family member behind the trunk
 * ({@link Pstn}) 2300 Hz — and each assertion is on the audio a phone received.
 */
class TransferIT {

    static final int ELDER_HZ = 440;
    static final int A_HZ = 1000;
    static final int B_HZ = 1700;
    static final int FAMILY_HZ = 2300;
    static final String ELDER = "02155550001";
    static final String SON = "13816000001"; // 张桂英's first contact (demo data)
    static final String COMMITTEE = "02165430001";
    /** Family in the conference test of an elder left alone (each test's far ends have numbers of their own). */
    static final String DAUGHTER = "13816000002";
    static final String DOCTOR = "02161230000"; // a professional seat outside the centre, behind the trunk

    static Stack stack;
    static Pstn pstn;
    static Path familyVoice;
    @TempDir
    static Path dir;

    Audio.WavRecorder elderEars;
    Audio.WavRecorder aEars;
    Audio.WavRecorder bEars;
    SipPhone elder;
    SipPhone a;
    SipPhone b;
    Ws wsA;
    Ws wsB;

    @BeforeAll
    static void up() throws Exception {
        stack = new Stack().with("ONEKEY_CALLS_CONFERENCEALONESECONDS", "3").startAsterisk().startServer();
        pstn = new Pstn(stack.asterisk.trunkPort());
        familyVoice = dir.resolve("family.ulaw");
        Files.write(familyVoice, G711.encode(0, Audio.tone(FAMILY_HZ, 1, 8000)));
        pstn.number(SON, Behaviour.speaks(familyVoice)).number(COMMITTEE, Behaviour.speaks(familyVoice))
                .number(DOCTOR, Behaviour.speaks(familyVoice)).number(DAUGHTER, Behaviour.speaks(familyVoice));
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
    }

    @AfterAll
    static void down() {
        if (pstn != null) {
            pstn.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void phones(org.junit.jupiter.api.TestInfo info) throws Exception {
        String name = info.getTestMethod().orElseThrow().getName();
        elderEars = new Audio.WavRecorder(dir.resolve(name + "-elder.wav"));
        aEars = new Audio.WavRecorder(dir.resolve(name + "-a.wav"));
        bEars = new Audio.WavRecorder(dir.resolve(name + "-b.wav"));
        a = phone("1001", A_HZ, aEars);
        b = phone("1002", B_HZ, bEars);
        elder = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort, ELDER, null),
                new Audio.WavLoop(Audio.tone(ELDER_HZ, 1, 8000)), elderEars, null).start();
        Awaitility.await("both seats registered").atMost(Duration.ofSeconds(10)).until(() -> a.registered() && b.registered());
        // seat A takes queue calls; seat B is signed in but not ready, so the queue never rings it
        wsA = new Ws(stack.server.apiPort(), stack.api.login("1001", "agent1001"));
        wsA.await("hello", 10);
        wsB = new Ws(stack.server.apiPort(), stack.api.login("1002", "agent1002"));
        wsB.await("hello", 10);
        wsB.send("{\"type\":\"agent.pause\",\"reason\":\"meeting\"}");
        wsB.await("agent.state", j -> j.path("agent").path("state").asText().equals("not-ready"), 10);
        wsA.send("{\"type\":\"agent.ready\"}");
        wsA.await("agent.state", j -> j.path("agent").path("state").asText().equals("ready"), 10);
    }

    private SipPhone phone(String ext, int hz, Audio.WavRecorder ears) throws IOException {
        return new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort, ext, stack.sipSecret(ext)),
                new Audio.WavLoop(Audio.tone(hz, 1, 8000)), ears, null).start();
    }

    @AfterEach
    void hangUp() {
        for (AutoCloseable c : new AutoCloseable[] {elder, a, b, wsA, wsB, elderEars, aEars, bEars}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // the next test starts with fresh phones
            }
        }
        stack.asterisk.cli("channel request hangup all"); // a test that failed half-way leaves nothing behind
        Awaitility.await("no channels left").atMost(Duration.ofSeconds(15))
                .until(() -> stack.asterisk.cli("core show channels count").contains("0 active channels"));
    }

    /** The elder calls the line; seat A's phone rings, A answers, and each hears the other. */
    private JsonNode elderReachesSeatA() throws Exception {
        elder.call("1234901");
        Awaitility.await("seat A rings").atMost(Duration.ofSeconds(20)).until(() -> a.state() == CallState.RINGING);
        JsonNode offered = wsA.await("call.offered", 10).json();
        a.answer();
        Awaitility.await("elder connected").atMost(Duration.ofSeconds(10)).until(() -> elder.state() == CallState.ACTIVE);
        Awaitility.await("A hears the elder").atMost(Duration.ofSeconds(10)).until(() -> frames(aEars, ELDER_HZ) >= 50);
        Awaitility.await("the elder hears A").atMost(Duration.ofSeconds(10)).until(() -> frames(elderEars, A_HZ) >= 50);
        return offered;
    }

    @Test
    void blindTransferToAnotherSeat() throws Exception {
        JsonNode offered = elderReachesSeatA();
        long callId = offered.path("call").path("id").asLong();

        a.transfer("1002");
        Awaitility.await("seat B rings").atMost(Duration.ofSeconds(10)).until(() -> b.state() == CallState.RINGING);
        Awaitility.await("A's call ended by the transfer").atMost(Duration.ofSeconds(10)).until(() -> a.state() == CallState.IDLE);
        b.answer();

        Awaitility.await("B hears the elder").atMost(Duration.ofSeconds(10)).until(() -> frames(bEars, ELDER_HZ) >= 50);
        Awaitility.await("the elder hears B").atMost(Duration.ofSeconds(10)).until(() -> frames(elderEars, B_HZ) >= 50);
        assertThat(a.state()).as("A's phone is free").isEqualTo(CallState.IDLE);
        assertThat(framesAfter(Audio.readWav(elderEars.file()), B_HZ, A_HZ)).as("once B is on, the elder no longer hears A")
                .isLessThan(3);
        assertThat(frames(bEars, A_HZ)).as("B never hears A").isLessThan(5);

        // the call follows: B gets the elder's pop, A is released with the transfer named, the timeline says so
        assertPopFollowed(callId, "blind");
        wsB.await("call.answered", 10);
        wsB.await("agent.state", j -> j.path("agent").path("state").asText().equals("on-call"), 10);

        elder.hangup();
        Awaitility.await("B's call ends with the elder's").atMost(Duration.ofSeconds(10)).until(() -> b.state() == CallState.IDLE);
        wsB.await("call.ended", 10);
        Awaitility.await("the call row names B as its agent").atMost(Duration.ofSeconds(10))
                .until(() -> call(callId).path("endedAt").isNumber());
        assertThat(call(callId).path("agent").asText()).isEqualTo("1002");
    }

    private void assertPopFollowed(long callId, String kind) throws Exception {
        JsonNode pop = wsB.await("call.offered", 10).json();
        assertThat(pop.path("call").path("id").asLong()).isEqualTo(callId);
        assertThat(pop.path("elder").path("name").asText()).isEqualTo("张桂英");
        JsonNode released = wsA.await("call.ended", 10).json();
        assertThat(released.path("transferredTo").asText()).isEqualTo("1002");
        Awaitility.await("the timeline notes the transfer").atMost(Duration.ofSeconds(10))
                .until(() -> timeline(callId).contains("transferred kind=" + kind + " from=1001 to=1002"));
        wsA.await("agent.state", j -> j.path("agent").path("state").asText().equals("wrap-up"), 10);
    }

    private static String agentState(String username) throws Exception {
        for (JsonNode a : stack.api.get("/api/agents", stack.api.login("super", "super1234")).json()) {
            if (a.path("username").asText().equals(username)) {
                return a.path("agent").path("state").asText();
            }
        }
        return "?";
    }

    private static JsonNode call(long id) throws Exception {
        return stack.api.get("/api/calls/" + id, stack.api.login("super", "super1234")).json();
    }

    private static String timeline(long id) throws Exception {
        StringBuilder b = new StringBuilder();
        for (JsonNode e : call(id).path("timeline")) {
            b.append(e.path("type").asText()).append(' ').append(e.path("detail").asText()).append('\n');
        }
        return b.toString();
    }

    @Test
    void anElderWhomTheTargetSeatDoesNotTakeGoesBackIntoTheQueue() throws Exception {
        long callId = elderReachesSeatA().path("call").path("id").asLong();
        a.transfer("1002");
        Awaitility.await("seat B rings").atMost(Duration.ofSeconds(10)).until(() -> b.state() == CallState.RINGING);
        b.hangup(); // declines
        // wrap-up (1 s here) over, A is ready again and the queue offers it the elder once more
        Awaitility.await("seat A rings again").atMost(Duration.ofSeconds(20)).until(() -> a.state() == CallState.RINGING);
        a.answer();
        int before = frames(aEars, ELDER_HZ);
        Awaitility.await("A hears the elder again").atMost(Duration.ofSeconds(10))
                .until(() -> frames(aEars, ELDER_HZ) >= before + 50);
        assertThat(elder.state()).isEqualTo(CallState.ACTIVE);
        assertThat(timeline(callId)).contains("transferred kind=blind from=1001 to=1002").contains("requeued");
        assertThat(agentState("1002")).as("B never took the call: not on a call").isNotEqualTo("on-call");
        elder.hangup();
    }

    @Test
    void aConsultationThatEndsWithoutATransferGoesBackToTheElder() throws Exception {
        elderReachesSeatA();
        a.consult("1002");
        Awaitility.await("seat B rings").atMost(Duration.ofSeconds(10)).until(() -> b.state() == CallState.RINGING);
        b.answer();
        Awaitility.await("A hears B").atMost(Duration.ofSeconds(10)).until(() -> frames(aEars, B_HZ) >= 50);
        b.hangup(); // B cannot take it
        Awaitility.await("the second line ends and the elder is resumed").atMost(Duration.ofSeconds(10))
                .until(() -> a.consultState() == CallState.IDLE && a.state() == CallState.ACTIVE);
        int before = frames(elderEars, A_HZ);
        Awaitility.await("the elder hears A again").atMost(Duration.ofSeconds(10))
                .until(() -> frames(elderEars, A_HZ) >= before + 50);
        a.hangup();
        Awaitility.await("the elder's call ends").atMost(Duration.ofSeconds(10)).until(() -> elder.state() == CallState.IDLE);
    }

    @Test
    void attendedTransferToAnotherSeat() throws Exception {
        long callId = elderReachesSeatA().path("call").path("id").asLong();

        a.consult("1002");
        assertThat(a.state()).as("the elder is held while A consults").isEqualTo(CallState.HELD);
        Awaitility.await("seat B rings").atMost(Duration.ofSeconds(10)).until(() -> b.state() == CallState.RINGING);
        b.answer();
        Awaitility.await("A's second line connected").atMost(Duration.ofSeconds(10)).until(() -> a.consultState() == CallState.ACTIVE);
        Awaitility.await("A hears B on the second line").atMost(Duration.ofSeconds(10)).until(() -> frames(aEars, B_HZ) >= 50);
        Awaitility.await("B hears A").atMost(Duration.ofSeconds(10)).until(() -> frames(bEars, A_HZ) >= 50);
        assertThat(frames(elderEars, B_HZ)).as("the held elder does not hear the consultation").isLessThan(5);
        assertThat(frames(bEars, ELDER_HZ)).as("B does not hear the elder before the transfer").isLessThan(5);

        a.completeTransfer();
        Awaitility.await("A's lines both end").atMost(Duration.ofSeconds(10))
                .until(() -> a.state() == CallState.IDLE && a.consultState() == CallState.IDLE);
        Awaitility.await("B hears the elder").atMost(Duration.ofSeconds(10)).until(() -> frames(bEars, ELDER_HZ) >= 50);
        Awaitility.await("the elder hears B").atMost(Duration.ofSeconds(10)).until(() -> frames(elderEars, B_HZ) >= 50);
        assertThat(framesAfter(Audio.readWav(elderEars.file()), B_HZ, A_HZ)).as("once B is on, the elder no longer hears A")
                .isLessThan(3);
        assertThat(b.state()).isEqualTo(CallState.ACTIVE);
        assertPopFollowed(callId, "attended");

        b.hangup();
        Awaitility.await("the elder's call ends with B's").atMost(Duration.ofSeconds(10)).until(() -> elder.state() == CallState.IDLE);
    }

    @Test
    void attendedTransferToAProfessionalSeatOutsideTheCentre() throws Exception {
        long callId = elderReachesSeatA().path("call").path("id").asLong();
        a.consult(DOCTOR);
        Awaitility.await("the doctor answers on A's second line").atMost(Duration.ofSeconds(15))
                .until(() -> a.consultState() == CallState.ACTIVE);
        Pstn.Call doctor = pstn.callsTo(DOCTOR).getFirst();
        Awaitility.await("the doctor hears A").atMost(Duration.ofSeconds(10))
                .until(() -> mixed(decode(doctor.heard()), A_HZ) >= 50);
        int doctorHeardElder = share(decode(doctor.heard()), ELDER_HZ, 0.5);
        assertThat(doctorHeardElder).as("the doctor does not hear the held elder").isLessThan(3);

        a.completeTransfer();
        Awaitility.await("A's lines both end").atMost(Duration.ofSeconds(10))
                .until(() -> a.state() == CallState.IDLE && a.consultState() == CallState.IDLE);
        Awaitility.await("the doctor hears the elder").atMost(Duration.ofSeconds(10))
                .until(() -> share(decode(doctor.heard()), ELDER_HZ, 0.5) >= 50);
        Awaitility.await("the elder hears the doctor").atMost(Duration.ofSeconds(10))
                .until(() -> frames(elderEars, FAMILY_HZ) >= 50);
        Awaitility.await("the timeline notes the transfer").atMost(Duration.ofSeconds(10))
                .until(() -> timeline(callId).contains("transferred kind=attended from=1001 to=outside:trunk"));
        wsA.await("call.ended", j -> j.path("transferredTo").asText().equals("outside:trunk"), 10);
        elder.hangup();
        Awaitility.await("the doctor's call ends with the elder's").atMost(Duration.ofSeconds(10)).until(() -> doctor.ended);
    }

    @Test
    void threeWayConferenceWithTheFamily() throws Exception {
        long callId = elderReachesSeatA().path("call").path("id").asLong();

        a.consult(SON);
        Awaitility.await("the son answers on A's second line").atMost(Duration.ofSeconds(15))
                .until(() -> a.consultState() == CallState.ACTIVE);
        Awaitility.await("A hears the son").atMost(Duration.ofSeconds(10)).until(() -> frames(aEars, FAMILY_HZ) >= 50);
        Pstn.Call son = pstn.callsTo(SON).getFirst();

        a.conference();
        Awaitility.await("A is in the conference room").atMost(Duration.ofSeconds(15))
                .until(() -> a.state() == CallState.ACTIVE && a.consultState() == CallState.IDLE);
        int elderHeardFamily = mixed(Audio.readWav(elderEars.file()), FAMILY_HZ);
        int elderHeardA = mixed(Audio.readWav(elderEars.file()), A_HZ);
        int aHeardElder = mixed(Audio.readWav(aEars.file()), ELDER_HZ);
        int aHeardFamily = mixed(Audio.readWav(aEars.file()), FAMILY_HZ);
        int sonHeardElder = mixed(decode(son.heard()), ELDER_HZ);
        int sonHeardA = mixed(decode(son.heard()), A_HZ);

        // everyone hears both others (a second of each, at least), mixed by Asterisk
        Awaitility.await("the elder hears A and the son").atMost(Duration.ofSeconds(15))
                .until(() -> mixed(Audio.readWav(elderEars.file()), FAMILY_HZ) >= elderHeardFamily + 50
                        && mixed(Audio.readWav(elderEars.file()), A_HZ) >= elderHeardA + 50);
        Awaitility.await("A hears the elder and the son").atMost(Duration.ofSeconds(15))
                .until(() -> mixed(Audio.readWav(aEars.file()), ELDER_HZ) >= aHeardElder + 50
                        && mixed(Audio.readWav(aEars.file()), FAMILY_HZ) >= aHeardFamily + 50);
        Awaitility.await("the son hears the elder and A").atMost(Duration.ofSeconds(15))
                .until(() -> mixed(decode(son.heard()), ELDER_HZ) >= sonHeardElder + 50
                        && mixed(decode(son.heard()), A_HZ) >= sonHeardA + 50);
        assertThat(elder.state()).isEqualTo(CallState.ACTIVE);
        Awaitility.await("the timeline notes the conference").atMost(Duration.ofSeconds(10))
                .until(() -> timeline(callId).contains("conference agent=1001 room=1001"));

        // A leaves: the elder and the son stay together
        a.hangup();
        int elderHeardFamily2 = mixed(Audio.readWav(elderEars.file()), FAMILY_HZ);
        Awaitility.await("the elder still hears the son after A left").atMost(Duration.ofSeconds(10))
                .until(() -> mixed(Audio.readWav(elderEars.file()), FAMILY_HZ) >= elderHeardFamily2 + 50);
        assertThat(son.ended).isFalse();
        // the elder is the room's marked user: when the elder hangs up, the son's call ends too
        elder.hangup();
        Awaitility.await("the son's call ends with the elder's").atMost(Duration.ofSeconds(10)).until(() -> son.ended);
    }

    @Test
    void anElderLeftAloneInTheConferenceRoomGoesBackIntoTheQueue() throws Exception {
        long callId = elderReachesSeatA().path("call").path("id").asLong();
        a.consult(DAUGHTER);
        Awaitility.await("the daughter answers on A's second line").atMost(Duration.ofSeconds(15))
                .until(() -> a.consultState() == CallState.ACTIVE);
        a.conference();
        Awaitility.await("A is in the conference room").atMost(Duration.ofSeconds(15))
                .until(() -> a.state() == CallState.ACTIVE && a.consultState() == CallState.IDLE);
        Awaitility.await("three in the room").atMost(Duration.ofSeconds(10)).until(() -> stack.asterisk
                .cli("core show channels concise").lines().filter(l -> l.contains("!ConfBridge!")).count() == 3);
        // A leaves the elder and the daughter to talk; then her line drops (hung up in Asterisk, as a real fault)
        a.hangup();
        String daughtersChannel = Awaitility.await("the daughter's channel in the room").atMost(Duration.ofSeconds(10)).until(
                () -> stack.asterisk.cli("core show channels concise").lines()
                        .filter(l -> l.contains("!ConfBridge!") && !l.contains("!" + ELDER + "!"))
                        .map(l -> l.split("!")[0]).findFirst().orElse(""), c -> !c.isEmpty());
        stack.asterisk.cli("channel request hangup " + daughtersChannel);
        // the elder, alone in the room, is put back into the queue (3 s here) and reaches A again, with the pop
        List<JsonNode> offers = Awaitility.await("the call offered to A a second time").atMost(Duration.ofSeconds(30))
                .until(() -> wsA.frames().stream().map(Ws.Frame::json).filter(j -> j.path("type").asText().equals(
                        "call.offered") && j.path("call").path("id").asLong() == callId).toList(), l -> l.size() >= 2);
        assertThat(offers.get(1).path("elder").path("name").asText()).isEqualTo("张桂英");
        Awaitility.await("seat A rings again").atMost(Duration.ofSeconds(20)).until(() -> a.state() == CallState.RINGING);
        a.answer();
        int before = frames(aEars, ELDER_HZ);
        Awaitility.await("A hears the elder again").atMost(Duration.ofSeconds(10))
                .until(() -> frames(aEars, ELDER_HZ) >= before + 50);
        int elderHeardA = frames(elderEars, A_HZ);
        Awaitility.await("the elder hears A again").atMost(Duration.ofSeconds(10))
                .until(() -> frames(elderEars, A_HZ) >= elderHeardA + 50);
        assertThat(elder.state()).isEqualTo(CallState.ACTIVE);
        assertThat(timeline(callId)).contains("conference-alone room=onekey-1001");
        elder.hangup();
    }

    @Test
    void clickToCallAContactGoesOutThroughTheTrunk() throws Exception {
        a.call(COMMITTEE);
        Awaitility.await("the contact answers").atMost(Duration.ofSeconds(15)).until(() -> a.state() == CallState.ACTIVE);
        Awaitility.await("A hears the contact").atMost(Duration.ofSeconds(10)).until(() -> frames(aEars, FAMILY_HZ) >= 50);
        Pstn.Call c = pstn.callsTo(COMMITTEE).getFirst();
        Awaitility.await("the contact hears A").atMost(Duration.ofSeconds(10))
                .until(() -> mixed(decode(c.heard()), A_HZ) >= 50);
        a.hangup();
        Awaitility.await("the trunk call ends").atMost(Duration.ofSeconds(10)).until(() -> c.ended);
    }

    // ---- audio --------------------------------------------------------------------------------------

    private static int frames(Audio.WavRecorder ears, int hz) throws IOException {
        return Tones.framesOf(ears.file(), hz);
    }

    /** Frames of {@code hz} after the first frame of {@code firstHz} (0 when {@code firstHz} never came). */
    static int framesAfter(short[] s, int firstHz, int hz) {
        for (int off = 0; off + 160 <= s.length; off += 160) {
            if (share(java.util.Arrays.copyOfRange(s, off, off + 160), firstHz, 0.5) == 1) {
                return share(java.util.Arrays.copyOfRange(s, off, s.length), hz, 0.5);
            }
        }
        return 0;
    }

    private static short[] decode(byte[] ulaw) {
        return G711.decode(0, ulaw, 0, ulaw.length);
    }

    /**
     * 20 ms frames that carry {@code hz} as a clear part of a mixture (at least a fifth of the frame's energy):
     * in a conference each phone hears two tones at once.
     */
    static int mixed(short[] s, double hz) {
        return share(s, hz, 0.2);
    }

    /** Loud 20 ms frames with more than {@code share} of their energy at {@code hz} (Goertzel, as {@link Tones}). */
    static int share(short[] s, double hz, double share) {
        int n = 0;
        double coeff = 2 * Math.cos(2 * Math.PI * hz / 8000);
        for (int off = 0; off + 160 <= s.length; off += 160) {
            double total = 0;
            int peak = 0;
            double q1 = 0;
            double q2 = 0;
            for (int i = 0; i < 160; i++) {
                total += (double) s[off + i] * s[off + i];
                peak = Math.max(peak, Math.abs(s[off + i]));
                double q0 = coeff * q1 - q2 + s[off + i];
                q2 = q1;
                q1 = q0;
            }
            if (peak < 500) {
                continue;
            }
            double power = q1 * q1 + q2 * q2 - coeff * q1 * q2;
            if (power / (80.0 * total) > share) {
                n++;
            }
        }
        return n;
    }
}

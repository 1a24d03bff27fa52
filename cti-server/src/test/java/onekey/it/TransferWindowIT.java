package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import onekey.softphone.audio.Audio;
import onekey.softphone.audio.G711;
import onekey.softphone.sip.SipPhone;
import onekey.softphone.sip.SipPhone.CallState;
import onekey.testkit.Pstn;
import onekey.testkit.Pstn.Behaviour;
import onekey.testkit.SoftphoneProcess;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7 through the window (under Xvfb): the agent at seat 1001 answers an elder with the Answer button,
 * transfers to seat 1002 with the Transfer button, then on the next call consults the elder's son from the
 * transfer row and makes it a three-way conference with the Conference button, and finally calls 120 from the
 * pop. Each step is proven on the audio the phones received (elder 440 Hz, the window 1000 Hz, seat 1002
 * 1700 Hz, the son and 120 behind the trunk 2300 Hz).
 */
class TransferWindowIT {

    static final String ELDER = "02155550001";
    static final String SON = "13816000001";
    static Stack stack;
    static Pstn pstn;
    static SoftphoneProcess ui;
    static Path windowHears;
    @TempDir
    static Path dir;

    @BeforeAll
    static void up() throws Exception {
        stack = new Stack().with("ONEKEY_CALLS_LOOKUPTIMEOUTMS", "3000").with("ONEKEY_CALLS_WRAPUPSECONDS", "3").startAsterisk().startServer();
        pstn = new Pstn(stack.asterisk.trunkPort());
        Path voice = dir.resolve("family.ulaw");
        Files.write(voice, G711.encode(0, Audio.tone(TransferIT.FAMILY_HZ, 1, 8000)));
        pstn.number(SON, Behaviour.speaks(voice)).number("120", Behaviour.speaks(voice));
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
        Path says = dir.resolve("window-says.wav");
        Audio.writeWav(says, Audio.tone(TransferIT.A_HZ, 1, 8000));
        windowHears = dir.resolve("window-hears.wav");
        ui = new SoftphoneProcess("http://127.0.0.1:" + stack.server.apiPort(), null, "1001", "agent1001", says,
                windowHears, "en");
    }

    @AfterAll
    static void down() {
        if (ui != null) {
            ui.close();
        }
        if (pstn != null) {
            pstn.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static ConditionFactory await(String what, int seconds) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(100));
    }

    /** µ-law as received by the PSTN stand-in (one snapshot: it grows while the call goes on). */
    private static short[] decode(byte[] ulaw) {
        return G711.decode(0, ulaw, 0, ulaw.length);
    }

    private static int heard(int hz) throws Exception {
        return TransferIT.mixed(Audio.readWav(windowHears), hz);
    }

    /** Ready, the elder calls, the pop shows, Answer; both hear each other. */
    private static void answerAnElder(SipPhone elder, Audio.WavRecorder elderEars) throws Exception {
        try {
            await("registered and connected", 20).until(() -> ui.text("sipStatus").contains("● Phone registered")
                    && ui.text("ctiStatus").contains("● CTI connected"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the window shows sip=" + ui.text("sipStatus") + " cti=" + ui.text("ctiStatus"), e);
        }
        ui.click("readyButton");
        await("member idle in the queue", 15).until(() -> stack.asterisk.cli("queue show onekey").lines()
                .anyMatch(l -> l.contains("PJSIP/1001") && l.contains("Not in use")));
        elder.call("1234901");
        await("pop shown while ringing", 20).until(() -> ui.enabled("answerButton") && ui.text("elderName").contains("张桂英"));
        int before = heard(TransferIT.ELDER_HZ);
        ui.click("answerButton");
        await("elder connected", 10).until(() -> elder.state() == CallState.ACTIVE);
        await("the window hears the elder", 15).until(() -> heard(TransferIT.ELDER_HZ) >= before + 50);
        await("the elder hears the window", 15).until(() -> Tones.framesOf(elderEars.file(), TransferIT.A_HZ) >= 50);
        await("transfer buttons on", 5).until(() -> ui.enabled("transferButton") && ui.enabled("consultButton"));
    }

    @Test
    void transferConferenceAndClickToCallFromTheWindow() throws Exception {
        // 1. blind transfer to seat 1002 with the Transfer button
        Audio.WavRecorder elderEars = new Audio.WavRecorder(dir.resolve("elder1.wav"));
        Audio.WavRecorder bEars = new Audio.WavRecorder(dir.resolve("b.wav"));
        try (SipPhone elder = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort, ELDER, null),
                     new Audio.WavLoop(Audio.tone(TransferIT.ELDER_HZ, 1, 8000)), elderEars, null).start();
             SipPhone b = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort, "1002",
                     stack.sipSecret("1002")), new Audio.WavLoop(Audio.tone(TransferIT.B_HZ, 1, 8000)), bEars, null).start();
             Ws wsB = new Ws(stack.server.apiPort(), stack.api.login("1002", "agent1002"))) {
            wsB.await("hello", 10);
            await("seat B registered", 10).until(b::registered);
            answerAnElder(elder, elderEars);

            ui.send("select transferTarget 1002");
            ui.click("transferButton");
            await("seat B rings", 10).until(() -> b.state() == CallState.RINGING);
            await("the window's call ended by the transfer", 10).until(() -> ui.send("sip").startsWith("IDLE"));
            assertThat(wsB.await("call.offered", 10).json().path("elder").path("name").asText()).isEqualTo("张桂英");
            b.answer();
            await("B hears the elder", 10).until(() -> Tones.framesOf(bEars.file(), TransferIT.ELDER_HZ) >= 50);
            await("the elder hears B", 10).until(() -> Tones.framesOf(elderEars.file(), TransferIT.B_HZ) >= 50);
            assertThat(TransferIT.framesAfter(Audio.readWav(elderEars.file()), TransferIT.B_HZ, TransferIT.A_HZ))
                    .as("once B is on, the elder no longer hears the window").isLessThan(3);
            await("the window is in wrap-up", 10).until(() -> ui.text("agentState").contains("Wrap-up"));
            elder.hangup();
            await("B's call ended", 10).until(() -> b.state() == CallState.IDLE);
        } finally {
            elderEars.close();
            bEars.close();
        }

        // 2. the next elder: consult the son from the transfer row, then Conference
        Audio.WavRecorder elder2Ears = new Audio.WavRecorder(dir.resolve("elder2.wav"));
        try (SipPhone elder = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort, ELDER, null),
                new Audio.WavLoop(Audio.tone(TransferIT.ELDER_HZ, 1, 8000)), elder2Ears, null).start()) {
            await("wrap-up over", 15).until(() -> ui.text("agentState").contains("Ready"));
            answerAnElder(elder, elder2Ears);
            ui.send("select transferTarget 李建国 (" + SON + ")");
            ui.click("consultButton");
            await("the son answers on line 2", 15).until(() -> ui.enabled("conferenceButton"));
            assertThat(ui.text("line2Status")).contains(SON);
            int heardSon = heard(TransferIT.FAMILY_HZ);
            await("the window hears the son", 10).until(() -> heard(TransferIT.FAMILY_HZ) >= heardSon + 50);
            ui.click("conferenceButton");
            Pstn.Call son = pstn.callsTo(SON).getFirst();
            short[] now = Audio.readWav(elder2Ears.file());
            int elderSon = TransferIT.mixed(now, TransferIT.FAMILY_HZ);
            int elderWindow = TransferIT.mixed(now, TransferIT.A_HZ);
            await("the elder hears the son and the window", 20)
                    .until(() -> TransferIT.mixed(Audio.readWav(elder2Ears.file()), TransferIT.FAMILY_HZ) >= elderSon + 50
                            && TransferIT.mixed(Audio.readWav(elder2Ears.file()), TransferIT.A_HZ) >= elderWindow + 50);
            int sonElder = TransferIT.mixed(decode(son.heard()), TransferIT.ELDER_HZ);
            await("the son hears the elder", 15).until(() -> TransferIT.mixed(decode(son.heard()), TransferIT.ELDER_HZ)
                    >= sonElder + 50);
            elder.hangup();
            await("the son's call ends with the elder's", 10).until(() -> son.ended);
            await("the window's conference call ends", 10).until(() -> ui.send("sip").startsWith("IDLE"));
        } finally {
            elder2Ears.close();
        }

        // 3. click-to-call 120 from the pop (idle: a call of its own, out through the trunk)
        await("wrap-up over", 15).until(() -> ui.text("agentState").contains("Ready"));
        int heard120 = heard(TransferIT.FAMILY_HZ);
        ui.click("call120Button");
        await("120 answered", 15).until(() -> !pstn.callsTo("120").isEmpty() && pstn.callsTo("120").getFirst().answered);
        Pstn.Call c = pstn.callsTo("120").getFirst();
        await("the window hears 120", 10).until(() -> heard(TransferIT.FAMILY_HZ) >= heard120 + 50);
        await("120 hears the window", 10).until(() -> TransferIT.mixed(decode(c.heard()), TransferIT.A_HZ) >= 50);
        ui.click("hangupButton");
        await("the trunk call ends", 10).until(() -> c.ended);
    }
}

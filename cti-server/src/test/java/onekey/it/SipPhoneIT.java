package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import onekey.softphone.audio.Audio;
import onekey.softphone.sip.SipPhone;
import onekey.softphone.sip.SipPhone.CallState;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The softphone's SIP/RTP core against a real Asterisk: the agent's phone registers with digest auth as its
 * endpoint, an elder's call (a second instance of the core, through the trunk) rings it, it answers, each side
 * hears the other's tone (440 Hz elder, 1000 Hz agent), DTMF, hold, and the agent hangs up (BYE).
 */
class SipPhoneIT {

    static Stack stack;
    @TempDir
    static Path dir;

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

    @Test
    void registersAnswersAndAudioFlowsBothWays() throws Exception {
        Audio.WavRecorder agentEars = new Audio.WavRecorder(dir.resolve("agent.wav"));
        Audio.WavRecorder elderEars = new Audio.WavRecorder(dir.resolve("elder.wav"));
        try (SipPhone agent = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort,
                     "1001", stack.sipSecret("1001")), new Audio.WavLoop(Audio.tone(1000, 1, 8000)), agentEars, null).start();
             SipPhone elder = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort,
                     "02155550001", null), new Audio.WavLoop(Audio.tone(440, 1, 8000)), elderEars, null).start()) {
            Awaitility.await("registered").atMost(Duration.ofSeconds(10)).until(agent::registered);
            assertThat(stack.asterisk.cli("pjsip show contacts")).contains("1001/sip:1001@127.0.0.1:" + agent.localPort());

            String token = stack.api.login("1001", "agent1001");
            Ws ws = new Ws(stack.server.apiPort(), token);
            ws.await("hello", 10);
            ws.send("{\"type\":\"agent.ready\"}");
            ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("ready"), 10);

            elder.call("1234901");
            Awaitility.await("agent's phone rings").atMost(Duration.ofSeconds(20)).until(() -> agent.state() == CallState.RINGING);
            ws.await("call.offered", 10);
            agent.answer();
            Awaitility.await("elder connected").atMost(Duration.ofSeconds(10)).until(() -> elder.state() == CallState.ACTIVE);
            ws.await("call.answered", 10);

            // each side hears the other's tone: at least a second of it
            Awaitility.await("agent hears the elder (440 Hz)").atMost(Duration.ofSeconds(10))
                    .until(() -> Tones.framesOf(agentEars.file(), 440) >= 50);
            Awaitility.await("elder hears the agent (1000 Hz)").atMost(Duration.ofSeconds(10))
                    .until(() -> Tones.framesOf(elderEars.file(), 1000) >= 50);
            assertThat(Tones.framesOf(agentEars.file(), 1000)).as("the agent does not hear itself").isLessThan(5);

            // RFC 4733 DTMF from the agent reaches the elder's phone through Asterisk
            agent.sendDtmf("5#");
            Awaitility.await("elder's phone got the DTMF").atMost(Duration.ofSeconds(5))
                    .until(() -> elder.rtp().receivedDtmf().equals("5#"));

            // mute: once the audio in flight has drained, the elder hears no more of the agent's tone
            agent.mute(true);
            long p1 = agent.rtp().packetsOut();
            Awaitility.await("muted frames still flow").atMost(Duration.ofSeconds(5))
                    .until(() -> agent.rtp().packetsOut() > p1 + 25);
            int heard = Tones.framesOf(elderEars.file(), 1000);
            long p2 = agent.rtp().packetsOut();
            Awaitility.await("a second of muted audio").atMost(Duration.ofSeconds(5))
                    .until(() -> agent.rtp().packetsOut() > p2 + 50);
            assertThat(Tones.framesOf(elderEars.file(), 1000)).isLessThan(heard + 3);
            agent.mute(false);

            // hold (re-INVITE a=sendonly, accepted by Asterisk): nothing is sent while held; resumed, the elder hears the agent again
            agent.hold(true);
            assertThat(agent.state()).isEqualTo(CallState.HELD);
            long held = agent.rtp().packetsOut();
            Awaitility.await("no audio sent while held").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> agent.rtp().packetsOut() == held);
            agent.hold(false);
            assertThat(agent.state()).isEqualTo(CallState.ACTIVE);
            int before = Tones.framesOf(elderEars.file(), 1000);
            Awaitility.await("heard again after resume").atMost(Duration.ofSeconds(10))
                    .until(() -> Tones.framesOf(elderEars.file(), 1000) >= before + 25);

            agent.hangup();
            Awaitility.await("elder's call ended by the agent's BYE").atMost(Duration.ofSeconds(10))
                    .until(() -> elder.state() == CallState.IDLE);
            ws.await("call.ended", 10);
            assertThat(agent.state()).isEqualTo(CallState.IDLE);
            assertThat(agent.callsAnswered()).isEqualTo(1);
            ws.close();
        } finally {
            agentEars.close();
            elderEars.close();
        }
    }
}

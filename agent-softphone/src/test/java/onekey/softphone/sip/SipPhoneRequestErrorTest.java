package onekey.softphone.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import onekey.softphone.audio.Audio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request the phone's own handling fails on is not swallowed: the failure is logged at ERROR with the request's
 * method and Call-ID, and the other side gets 500 Server Internal Error instead of retransmitting into silence.
 * The "PBX" is a UDP socket that sends a real INVITE whose SDP the phone cannot read (a port that is not a number).
 */
class SipPhoneRequestErrorTest {

    SipRegistrationTest.Registrar registrar;
    SipPhone phone;
    DatagramSocket pbx;
    final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    final Logger sipLog = Logger.getLogger(SipPhone.class.getName());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() throws Exception {
        sipLog.addHandler(capture);
        registrar = new SipRegistrationTest.Registrar();
        phone = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", registrar.port(), "1001", "secret-1001"),
                new Audio.Silence(), new Audio.NoSink(), new SipPhone.Listener() { }).start();
        pbx = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        pbx.setSoTimeout(10_000);
    }

    @AfterEach
    void stop() {
        sipLog.removeHandler(capture);
        phone.close();
        registrar.close();
        pbx.close();
    }

    @Test
    void anInviteTheHandlerFailsOnIsLoggedWithMethodAndCallIdAndAnswered500() throws Exception {
        String callId = "handler-bug-" + System.nanoTime() + "@127.0.0.1";
        String sdp = "v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 40x00 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        int me = pbx.getLocalPort();
        String invite = "INVITE sip:1001@127.0.0.1:" + phone.localPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + me + ";branch=z9hG4bK-" + System.nanoTime() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: \"Elder\" <sip:02155550001@127.0.0.1>;tag=pbx1\r\n"
                + "To: <sip:1001@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:02155550001@127.0.0.1:" + me + ">\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + sdp.getBytes(StandardCharsets.US_ASCII).length + "\r\n\r\n" + sdp;
        byte[] out = invite.getBytes(StandardCharsets.US_ASCII);
        pbx.send(new DatagramPacket(out, out.length, InetAddress.getLoopbackAddress(), phone.localPort()));

        String finalAnswer = finalAnswerTo(callId);
        assertTrue(finalAnswer.startsWith("SIP/2.0 500"), "the INVITE is answered 500, got: " + finalAnswer);

        LogRecord r = logged.stream().filter(l -> l.getLevel() == Level.SEVERE
                        && l.getMessage().startsWith("sip.request-failed")).findFirst()
                .orElseThrow(() -> new AssertionError("no sip.request-failed at ERROR; logged: "
                        + logged.stream().map(LogRecord::getMessage).toList()));
        assertTrue(r.getMessage().contains("method=INVITE"), r.getMessage());
        assertTrue(r.getMessage().contains("callId=" + callId), r.getMessage());
        assertTrue(r.getThrown() instanceof NumberFormatException, "the cause is kept: " + r.getThrown());
        assertEquals(SipPhone.CallState.IDLE, phone.state(), "the phone is not left ringing a call it cannot take");
    }

    /** The first final (non-1xx) response the phone sends for {@code callId}. */
    private String finalAnswerTo(String callId) throws IOException {
        byte[] buf = new byte[8192];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                pbx.receive(p);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no final answer to the INVITE within 10 s");
            }
            String msg = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (msg.startsWith("SIP/2.0 ") && msg.contains(callId) && !msg.startsWith("SIP/2.0 1")) {
                return msg;
            }
        }
    }
}

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

    /**
     * The same for a response (issue 17 item 7: {@code processResponse} used to end in a catch that dropped every
     * exception but a REGISTER's): the phone calls the "PBX", which answers 200 OK with an SDP the phone cannot read.
     * The failure is logged at ERROR with method, status and Call-ID, the call the answer set up is ended with BYE (not
     * left waiting for an ACK), and the phone shows the call ended instead of dialling for ever.
     */
    @Test
    void anAnswerTheHandlerFailsOnIsLoggedAndTheCallItSetUpIsHungUp() throws Exception {
        List<String> states = new CopyOnWriteArrayList<>();
        try (SipPhone caller = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", pbx.getLocalPort(), "1002", null),
                new Audio.Silence(), new Audio.NoSink(), new SipPhone.Listener() {
                    @Override
                    public void callState(SipPhone.CallState state, String detail) {
                        states.add(state + " " + detail);
                    }
                }).start()) {
            caller.call("120");
            byte[] buf = new byte[8192];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            pbx.receive(p);
            String invite = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            assertTrue(invite.startsWith("INVITE sip:120@"), invite);
            String sdp = "v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio 40x00 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
            StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\r\n");
            String callId = "";
            for (String line : invite.split("\r\n")) {
                String l = line.toLowerCase();
                if (l.startsWith("via:") || l.startsWith("from:") || l.startsWith("cseq:")) {
                    ok.append(line).append("\r\n");
                } else if (l.startsWith("call-id:")) {
                    ok.append(line).append("\r\n");
                    callId = line.substring(line.indexOf(':') + 1).trim();
                } else if (l.startsWith("to:")) {
                    ok.append(line).append(";tag=pbx2\r\n");
                }
            }
            ok.append("Contact: <sip:120@127.0.0.1:").append(pbx.getLocalPort()).append(">\r\n")
                    .append("Content-Type: application/sdp\r\nContent-Length: ")
                    .append(sdp.getBytes(StandardCharsets.US_ASCII).length).append("\r\n\r\n").append(sdp);
            byte[] out = ok.toString().getBytes(StandardCharsets.US_ASCII);
            pbx.send(new DatagramPacket(out, out.length, p.getSocketAddress()));

            String bye = requestFrom(callId, "BYE");
            assertTrue(bye.contains("Call-ID: " + callId), bye);
            String id = callId;
            LogRecord r = logged.stream().filter(l -> l.getLevel() == Level.SEVERE
                            && l.getMessage().startsWith("sip.response-failed")).findFirst()
                    .orElseThrow(() -> new AssertionError("no sip.response-failed at ERROR; logged: "
                            + logged.stream().map(LogRecord::getMessage).toList()));
            assertTrue(r.getMessage().contains("method=INVITE") && r.getMessage().contains("status=200")
                    && r.getMessage().contains("callId=" + id), r.getMessage());
            assertTrue(r.getThrown() instanceof NumberFormatException, "the cause is kept: " + r.getThrown());
            org.awaitility.Awaitility.await("the call shown ended").atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> caller.state() == SipPhone.CallState.IDLE && !states.isEmpty()
                            && states.getLast().startsWith("IDLE call failed"));
        }
    }

    /** The first request {@code method} the phone sends for {@code callId}. */
    private String requestFrom(String callId, String method) throws IOException {
        byte[] buf = new byte[8192];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                pbx.receive(p);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no " + method + " within 10 s");
            }
            String msg = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (msg.startsWith(method + " ") && msg.contains(callId)) {
                return msg;
            }
        }
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

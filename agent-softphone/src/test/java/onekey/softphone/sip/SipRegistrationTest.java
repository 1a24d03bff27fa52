package onekey.softphone.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.softphone.audio.Audio;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The phone's registration against a small SIP registrar on a UDP socket that answers, refuses or stays silent on
 * command: a refused REGISTER is retried with a doubling back-off; a registrar that stops answering is noticed by
 * the keepalive (the phone says it is unregistered), and the phone registers again by itself when it answers again.
 */
class SipRegistrationTest {

    enum Mode { ANSWER, REFUSE, SILENT }

    /** Answers REGISTER and OPTIONS with 200 (or REGISTER with 403, or nothing), noting when each request came. */
    static final class Registrar implements AutoCloseable {
        final DatagramSocket socket;
        volatile Mode mode = Mode.ANSWER;
        final List<Long> registers = new CopyOnWriteArrayList<>();
        final List<Long> options = new CopyOnWriteArrayList<>();
        private final Thread thread;

        Registrar() throws SocketException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            thread = new Thread(this::run, "fake-registrar");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void run() {
            byte[] buf = new byte[8192];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (IOException e) {
                    return;
                }
                String req = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                String method = req.substring(0, req.indexOf(' '));
                if (method.equals("REGISTER")) {
                    registers.add(System.nanoTime());
                } else if (method.equals("OPTIONS")) {
                    options.add(System.nanoTime());
                }
                Mode m = mode;
                if (m == Mode.SILENT || req.startsWith("SIP/2.0")) {
                    continue;
                }
                String status = m == Mode.REFUSE && method.equals("REGISTER") ? "403 Forbidden" : "200 OK";
                StringBuilder r = new StringBuilder("SIP/2.0 ").append(status).append("\r\n");
                for (String line : req.split("\r\n")) {
                    String l = line.toLowerCase();
                    if (l.startsWith("via:") || l.startsWith("from:") || l.startsWith("call-id:") || l.startsWith("cseq:")) {
                        r.append(line).append("\r\n");
                    } else if (l.startsWith("to:")) {
                        r.append(line).append(line.contains(";tag=") ? "" : ";tag=reg1").append("\r\n");
                    } else if (l.startsWith("contact:") && method.equals("REGISTER") && status.startsWith("200")) {
                        r.append(line).append(";expires=60\r\n");
                    }
                }
                r.append("Content-Length: 0\r\n\r\n");
                byte[] out = r.toString().getBytes(StandardCharsets.UTF_8);
                try {
                    socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    Registrar registrar;
    SipPhone phone;
    final List<Boolean> shown = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        registrar = new Registrar();
    }

    @AfterEach
    void stop() {
        if (phone != null) {
            phone.close();
        }
        registrar.close();
    }

    private void startPhone() throws IOException {
        phone = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", registrar.port(), "1001", "secret-1001"),
                new Audio.Silence(), new Audio.NoSink(), new SipPhone.Listener() {
                    @Override
                    public void registration(boolean registered, String detail) {
                        shown.add(registered);
                    }
                }).keepalive(2).start();
    }

    @Test
    void aRefusedRegistrationIsRetriedWithADoublingBackOff() throws Exception {
        registrar.mode = Mode.REFUSE;
        startPhone();
        Awaitility.await("four attempts").atMost(Duration.ofSeconds(30)).until(() -> registrar.registers.size() >= 4);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < 4; i++) {
            gaps.add((registrar.registers.get(i) - registrar.registers.get(i - 1)) / 1_000_000);
        }
        // 1 s, 2 s, 4 s (lower bounds only: a loaded machine may be late, never early)
        assertTrue(gaps.get(0) >= 900 && gaps.get(1) >= 1900 && gaps.get(2) >= 3900, "gaps " + gaps);
        assertTrue(!phone.registered() && shown.stream().noneMatch(b -> b), "never shown registered: " + shown);

        registrar.mode = Mode.ANSWER;
        Awaitility.await("registered once the registrar accepts").atMost(Duration.ofSeconds(20)).until(phone::registered);
        Awaitility.await("shown").atMost(Duration.ofSeconds(5)).until(() -> shown.getLast());
    }

    @Test
    void aSilentRegistrarIsNoticedByTheKeepaliveAndThePhoneRegistersAgainByItself() throws Exception {
        startPhone();
        Awaitility.await("registered").atMost(Duration.ofSeconds(10)).until(phone::registered);
        Awaitility.await("keepalive answered").atMost(Duration.ofSeconds(10)).until(() -> registrar.options.size() >= 2);
        assertTrue(phone.registered());

        registrar.mode = Mode.SILENT; // Asterisk stopped: no answer, no error
        Awaitility.await("shown unregistered").atMost(Duration.ofSeconds(10)).until(() -> !phone.registered()
                && !shown.getLast());
        int before = registrar.registers.size();
        Awaitility.await("it keeps trying").atMost(Duration.ofSeconds(10)).until(() -> registrar.registers.size() > before);

        registrar.mode = Mode.ANSWER; // Asterisk is back
        Awaitility.await("registered again by itself").atMost(Duration.ofSeconds(30)).until(() -> phone.registered()
                && shown.getLast());
        assertEquals(Boolean.TRUE, shown.getLast());
    }
}

package onekey.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the public telephone network behind Asterisk's trunk: a small SIP user agent server (UDP) that
 * answers each dialled number the way a test says — does not answer, is busy, answers and says nothing, answers
 * and speaks (a µ-law file), answers and presses a key (RFC 4733) — and records, per call, the audio it received
 * (µ-law), so a test can check what a contact heard. Sipp phones play one role for every number; rescue and
 * broadcast tests need a different person behind each number.
 */
public final class Pstn implements AutoCloseable {

    /** How the person behind a number behaves. */
    public record Behaviour(Kind kind, Path speech, Character digit, long digitAfterMs, long ringMs, List<Press> presses) {
        public enum Kind { NO_ANSWER, BUSY, ANSWER }

        /** A key pressed {@code afterMs} after the call was answered. */
        public record Press(char digit, long afterMs) {}

        public Behaviour(Kind kind, Path speech, Character digit, long digitAfterMs, long ringMs) {
            this(kind, speech, digit, digitAfterMs, ringMs, digit == null ? List.of() : List.of(new Press(digit, digitAfterMs)));
        }

        /** Answers, then presses each key at its time (e.g. 2 after the message, then 1 after the second play). */
        public static Behaviour pressesInTurn(Press... presses) {
            return new Behaviour(Kind.ANSWER, null, null, 0, 300, List.of(presses));
        }

        public static Behaviour noAnswer() {
            return new Behaviour(Kind.NO_ANSWER, null, null, 0, 0);
        }

        public static Behaviour busy() {
            return new Behaviour(Kind.BUSY, null, null, 0, 0);
        }

        public static Behaviour silent() {
            return new Behaviour(Kind.ANSWER, null, null, 0, 300);
        }

        public static Behaviour speaks(Path ulaw) {
            return new Behaviour(Kind.ANSWER, ulaw, null, 0, 300);
        }

        /** Answers, listens {@code afterMs}, then presses {@code digit}. */
        public static Behaviour presses(char digit, long afterMs) {
            return new Behaviour(Kind.ANSWER, null, digit, afterMs, 300);
        }
    }

    /** One call that reached the stand-in. */
    public static final class Call {
        public final String number;
        public final long invitedAt = System.currentTimeMillis();
        public volatile boolean answered;
        public volatile boolean ended;
        /** When the call ended (epoch ms; 0 while it lasts). */
        public volatile long endedAt;
        /** When each key was sent (epoch ms). */
        public final List<Long> pressedAt = new CopyOnWriteArrayList<>();
        final ByteArrayOutputStream heard = new ByteArrayOutputStream();
        final String callId;
        volatile InetSocketAddress rtpPeer;
        volatile DatagramSocket rtp;
        volatile Thread sender;
        volatile String lastInvite;
        volatile int telephoneEvent = 101;

        Call(String number, String callId) {
            this.number = number;
            this.callId = callId;
        }

        /** The µ-law audio received from Asterisk so far. */
        public synchronized byte[] heard() {
            return heard.toByteArray();
        }

        /** RMS of the received audio, decoded from µ-law, as a fraction of full scale (0 = silence). */
        public double heardRms() {
            byte[] b = heard();
            if (b.length == 0) {
                return 0;
            }
            double sum = 0;
            for (byte x : b) {
                double v = ulawToLinear(x) / 32768.0;
                sum += v * v;
            }
            return Math.sqrt(sum / b.length);
        }
    }

    private final DatagramSocket sip;
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, Call> byCallId = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile Behaviour fallback = Behaviour.silent();

    public Pstn(int port) {
        try {
            sip = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
        } catch (SocketException e) {
            throw new IllegalStateException("cannot bind the PSTN stand-in to 127.0.0.1:" + port, e);
        }
        reader = Thread.ofPlatform().daemon().name("pstn-sip").start(this::readLoop);
    }

    /** How {@code number} (as dialled by Asterisk, the Request-URI user) behaves. */
    public Pstn number(String number, Behaviour b) {
        behaviours.put(number, b);
        return this;
    }

    public Pstn otherwise(Behaviour b) {
        fallback = b;
        return this;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> callsTo(String number) {
        return calls.stream().filter(c -> c.number.equals(number)).toList();
    }

    private void readLoop() {
        byte[] buf = new byte[8192];
        while (!sip.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                sip.receive(p);
                handle(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8), (InetSocketAddress) p.getSocketAddress());
            } catch (IOException e) {
                if (sip.isClosed()) {
                    return;
                }
            } catch (RuntimeException e) {
                System.err.println("pstn: " + e);
            }
        }
    }

    private void handle(String msg, InetSocketAddress from) throws IOException {
        String first = msg.substring(0, msg.indexOf("\r\n"));
        if (first.startsWith("SIP/2.0")) {
            return; // a response to something we never send
        }
        String method = first.substring(0, first.indexOf(' '));
        String callId = header(msg, "Call-ID");
        switch (method) {
            case "INVITE" -> invite(msg, first, callId, from);
            case "ACK" -> {
                Call c = byCallId.get(callId);
                if (c != null && c.answered && c.sender == null) {
                    startMedia(c);
                }
            }
            case "BYE" -> {
                reply(msg, from, "200 OK", null, null);
                end(byCallId.get(callId));
            }
            case "CANCEL" -> {
                reply(msg, from, "200 OK", null, null);
                Call c = byCallId.get(callId);
                if (c != null && c.lastInvite != null) {
                    reply(c.lastInvite, from, "487 Request Terminated", ";tag=pstn" + Math.abs(callId.hashCode()), null);
                }
                end(c);
            }
            default -> reply(msg, from, "200 OK", null, null); // OPTIONS and the like
        }
    }

    private void invite(String msg, String first, String callId, InetSocketAddress from) throws IOException {
        Call existing = byCallId.get(callId);
        if (existing != null) {
            return; // a retransmission: our answer is on its way
        }
        Matcher m = Pattern.compile("sip:([^@;> ]+)@").matcher(first);
        String number = m.find() ? m.group(1) : "?";
        Call c = new Call(number, callId);
        c.lastInvite = msg;
        Matcher te = Pattern.compile("a=rtpmap:(\\d+) telephone-event/8000").matcher(msg);
        if (te.find()) {
            c.telephoneEvent = Integer.parseInt(te.group(1));
        }
        Matcher conn = Pattern.compile("c=IN IP4 ([0-9.]+)").matcher(msg);
        Matcher media = Pattern.compile("m=audio (\\d+)").matcher(msg);
        if (conn.find() && media.find()) {
            c.rtpPeer = new InetSocketAddress(conn.group(1), Integer.parseInt(media.group(1)));
        }
        byCallId.put(callId, c);
        calls.add(c);
        Behaviour b = behaviours.getOrDefault(number, fallback);
        String tag = ";tag=pstn" + Math.abs(callId.hashCode());
        reply(msg, from, "100 Trying", null, null);
        switch (b.kind()) {
            case BUSY -> reply(msg, from, "486 Busy Here", tag, null);
            case NO_ANSWER -> reply(msg, from, "180 Ringing", tag, null);
            case ANSWER -> {
                reply(msg, from, "180 Ringing", tag, null);
                c.rtp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(b.ringMs()); // the person takes a moment to pick up (a fixed delay, not a wait)
                        String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                                + "m=audio " + c.rtp.getLocalPort() + " RTP/AVP 0 " + c.telephoneEvent + "\r\n"
                                + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:" + c.telephoneEvent + " telephone-event/8000\r\n"
                                + "a=fmtp:" + c.telephoneEvent + " 0-16\r\na=ptime:20\r\na=sendrecv\r\n";
                        c.answered = true;
                        reply(msg, from, "200 OK", tag, sdp);
                    } catch (IOException | InterruptedException e) {
                        System.err.println("pstn answer: " + e);
                    }
                });
            }
        }
    }

    private void startMedia(Call c) {
        Behaviour b = behaviours.getOrDefault(c.number, fallback);
        byte[] audio;
        try {
            audio = b.speech() == null ? null : Files.readAllBytes(b.speech());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread.ofVirtual().start(() -> receive(c));
        c.sender = Thread.ofVirtual().start(() -> send(c, audio, b));
    }

    private void receive(Call c) {
        byte[] buf = new byte[2048];
        while (!c.ended) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                c.rtp.receive(p);
            } catch (IOException e) {
                return;
            }
            if (p.getLength() > 12 && (buf[1] & 0x7F) == 0) {
                synchronized (c) {
                    c.heard.write(buf, 12, p.getLength() - 12);
                }
            }
        }
    }

    /** 20 ms PCMU frames (speech looped, or µ-law silence), paced by the clock; DTMF per RFC 4733 when asked. */
    private void send(Call c, byte[] audio, Behaviour b) {
        int seq = 1;
        long ts = 0;
        int ssrc = c.callId.hashCode();
        long start = System.nanoTime();
        int pos = 0;
        java.util.ArrayDeque<Behaviour.Press> pending = new java.util.ArrayDeque<>(b.presses());
        try {
            for (int frame = 0; !c.ended; frame++) {
                long due = start + frame * 20_000_000L;
                long waitNs = due - System.nanoTime();
                if (waitNs > 0) {
                    Thread.sleep(waitNs / 1_000_000, (int) (waitNs % 1_000_000)); // RTP pacing, not a wait for a condition
                }
                if (!pending.isEmpty() && frame * 20L >= pending.peekFirst().afterMs()) {
                    char digit = pending.removeFirst().digit();
                    c.pressedAt.add(System.currentTimeMillis());
                    int event = digit == '*' ? 10 : digit == '#' ? 11 : digit - '0';
                    for (int i = 0; i < 8; i++) {
                        boolean end = i >= 5;
                        int duration = Math.min(i + 1, 5) * 160;
                        byte[] payload = {(byte) event, (byte) ((end ? 0x80 : 0) | 10), (byte) (duration >> 8), (byte) duration};
                        sendRtp(c, c.telephoneEvent, i == 0, seq++, ts, ssrc, payload);
                        Thread.sleep(20); // RTP pacing of the event packets
                    }
                    ts += 160 * 5;
                    continue;
                }
                byte[] payload = new byte[160];
                if (audio == null) {
                    java.util.Arrays.fill(payload, (byte) 0xFF);
                } else {
                    for (int i = 0; i < 160; i++) {
                        payload[i] = audio[pos];
                        pos = (pos + 1) % audio.length;
                    }
                }
                sendRtp(c, 0, false, seq++, ts, ssrc, payload);
                ts += 160;
            }
        } catch (InterruptedException | IOException e) {
            // call over
        }
    }

    private static void sendRtp(Call c, int pt, boolean marker, int seq, long ts, int ssrc, byte[] payload) throws IOException {
        if (c.rtpPeer == null || c.rtp == null || c.rtp.isClosed()) {
            return;
        }
        byte[] p = new byte[12 + payload.length];
        p[0] = (byte) 0x80;
        p[1] = (byte) ((marker ? 0x80 : 0) | pt);
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[4] = (byte) (ts >> 24);
        p[5] = (byte) (ts >> 16);
        p[6] = (byte) (ts >> 8);
        p[7] = (byte) ts;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        System.arraycopy(payload, 0, p, 12, payload.length);
        c.rtp.send(new DatagramPacket(p, p.length, c.rtpPeer));
    }

    private void end(Call c) {
        if (c == null) {
            return;
        }
        c.ended = true;
        if (c.endedAt == 0) {
            c.endedAt = System.currentTimeMillis();
        }
        if (c.rtp != null) {
            c.rtp.close();
        }
    }

    private void reply(String req, InetSocketAddress to, String status, String toTag, String sdp) throws IOException {
        StringBuilder b = new StringBuilder("SIP/2.0 ").append(status).append("\r\n");
        for (String line : req.split("\r\n")) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("via:") || lower.startsWith("v:") || lower.startsWith("from:") || lower.startsWith("f:")
                    || lower.startsWith("call-id:") || lower.startsWith("i:") || lower.startsWith("cseq:")) {
                b.append(line).append("\r\n");
            } else if (lower.startsWith("to:") || lower.startsWith("t:")) {
                b.append(line).append(toTag != null && !line.contains(";tag=") ? toTag : "").append("\r\n");
            }
        }
        b.append("Contact: <sip:pstn@127.0.0.1:").append(sip.getLocalPort()).append(">\r\n");
        if (sdp != null) {
            b.append("Content-Type: application/sdp\r\n");
        }
        byte[] body = sdp == null ? new byte[0] : sdp.getBytes(StandardCharsets.UTF_8);
        b.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] head = b.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        sip.send(new DatagramPacket(out, out.length, to));
    }

    private static String header(String msg, String name) {
        for (String line : msg.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    static int ulawToLinear(byte u) {
        int x = ~u & 0xFF;
        int sign = x & 0x80;
        int exponent = (x >> 4) & 0x07;
        int mantissa = x & 0x0F;
        int sample = ((mantissa << 3) + 0x84) << exponent;
        sample -= 0x84;
        return sign != 0 ? -sample : sample;
    }

    @Override
    public void close() {
        sip.close();
        for (Call c : calls) {
            end(c);
        }
    }
}

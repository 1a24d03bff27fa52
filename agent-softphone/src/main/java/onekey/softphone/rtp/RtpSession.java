package onekey.softphone.rtp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import onekey.softphone.audio.AudioSink;
import onekey.softphone.audio.AudioSource;
import onekey.softphone.audio.G711;

/**
 * One RTP audio stream (RFC 3550) with G.711: every 20 ms sends a frame read from the source (silence when
 * muted, nothing while held) and plays one frame from the jitter buffer into the sink. RFC 4733 DTMF events
 * are sent with the negotiated telephone-event payload type; received ones are collected.
 */
public final class RtpSession implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatagramSocket socket;
    private final ScheduledExecutorService clock;
    private final Thread receiver;
    private final JitterBuffer jitter = new JitterBuffer(3, 15);
    private final ConcurrentLinkedQueue<Character> dtmfOut = new ConcurrentLinkedQueue<>();
    private final StringBuilder dtmfIn = new StringBuilder();
    private final AtomicLong packetsIn = new AtomicLong();
    private final AtomicLong packetsOut = new AtomicLong();
    private volatile InetSocketAddress remote;
    private volatile int payloadType = 0;
    private volatile int dtmfType = 101;
    private volatile AudioSource source;
    private volatile AudioSink sink;
    private volatile boolean muted;
    private volatile boolean held;
    private volatile boolean closed;
    private final int ssrc = RANDOM.nextInt();
    private int seq = RANDOM.nextInt(0x10000);
    private long timestamp = RANDOM.nextInt() & 0xFFFFFFFFL;
    private long lastDtmfTsIn = -1;
    private int ssrcIn;
    private boolean anyIn;
    private boolean marker = true;
    // DTMF in progress (sender thread only)
    private char dtmfDigit;
    private int dtmfTicks;
    private long dtmfTimestamp;

    /** Binds a UDP port on {@code localHost} (an even port in [start, end], or any with start 0). */
    public RtpSession(String localHost, int start, int end, AudioSource source, AudioSink sink) throws IOException {
        this.socket = bind(localHost, start, end);
        this.source = source;
        this.sink = sink;
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rtp-clock-" + socket.getLocalPort());
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        });
        this.receiver = new Thread(this::receive, "rtp-recv-" + socket.getLocalPort());
        receiver.setDaemon(true);
        receiver.start();
    }

    private static DatagramSocket bind(String host, int start, int end) throws IOException {
        if (start <= 0) {
            return new DatagramSocket(new InetSocketAddress(host, 0));
        }
        for (int p = start + (start & 1); p <= end; p += 2) {
            try {
                return new DatagramSocket(new InetSocketAddress(host, p));
            } catch (SocketException e) {
                // taken: next
            }
        }
        throw new IOException("no free RTP port in " + start + "-" + end);
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    /** Starts sending to {@code remote} with G.711 payload type 0 (PCMU) or 8 (PCMA). */
    public synchronized void start(InetSocketAddress remote, int payloadType, int dtmfType) {
        this.remote = remote;
        this.payloadType = payloadType;
        this.dtmfType = dtmfType;
        if (!clock.isShutdown() && !started) {
            started = true;
            clock.scheduleAtFixedRate(this::tick, 0, 20, TimeUnit.MILLISECONDS);
        }
    }

    private boolean started;

    public void setRemote(InetSocketAddress remote) {
        this.remote = remote;
    }

    public void setMuted(boolean muted) {
        this.muted = muted;
    }

    public boolean muted() {
        return muted;
    }

    public void setHeld(boolean held) {
        this.held = held;
    }

    public void setSource(AudioSource s) {
        this.source = s;
    }

    public void setSink(AudioSink s) {
        this.sink = s;
    }

    /** Queues RFC 4733 events for the digits (0-9, *, #, A-D), each 100 ms. */
    public void sendDtmf(String digits) {
        for (char c : digits.toCharArray()) {
            if (eventCode(c) < 0) {
                throw new IllegalArgumentException("not a DTMF digit: " + c);
            }
            dtmfOut.add(c);
        }
    }

    /** The DTMF digits received so far (RFC 4733). */
    public synchronized String receivedDtmf() {
        return dtmfIn.toString();
    }

    public long packetsIn() {
        return packetsIn.get();
    }

    public long packetsOut() {
        return packetsOut.get();
    }

    public JitterBuffer jitter() {
        return jitter;
    }

    static int eventCode(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return switch (Character.toUpperCase(c)) {
            case '*' -> 10;
            case '#' -> 11;
            case 'A' -> 12;
            case 'B' -> 13;
            case 'C' -> 14;
            case 'D' -> 15;
            default -> -1;
        };
    }

    private static char digitOf(int code) {
        return "0123456789*#ABCD".charAt(code);
    }

    private void tick() {
        try {
            short[] heard = jitter.take();
            AudioSink k = sink;
            if (k != null) {
                k.write(heard == null ? new short[160] : heard);
            }
            short[] frame = source.read();
            InetSocketAddress to = remote;
            if (to == null || held) {
                timestamp += 160;
                return;
            }
            if (dtmfTicks == 0 && !dtmfOut.isEmpty()) {
                dtmfDigit = dtmfOut.poll();
                dtmfTicks = 1;
                dtmfTimestamp = timestamp;
            }
            if (dtmfTicks > 0) {
                sendDtmfPacket(to);
            } else {
                byte[] payload = G711.encode(payloadType, muted ? new short[frame.length] : frame);
                send(to, payloadType, marker, timestamp, payload);
                marker = false;
            }
            timestamp += 160;
        } catch (RuntimeException e) {
            // keep the clock running; a bad frame must not end the call's audio
        }
    }

    private void sendDtmfPacket(InetSocketAddress to) {
        int duration = dtmfTicks * 160;
        boolean end = dtmfTicks >= 5;
        byte[] p = new byte[4];
        p[0] = (byte) eventCode(dtmfDigit);
        p[1] = (byte) ((end ? 0x80 : 0) | 10); // volume -10 dBm0
        p[2] = (byte) (duration >> 8);
        p[3] = (byte) duration;
        send(to, dtmfType, dtmfTicks == 1, dtmfTimestamp, p);
        if (end) {
            send(to, dtmfType, false, dtmfTimestamp, p); // the end packet three times (RFC 4733 2.5.1.4)
            send(to, dtmfType, false, dtmfTimestamp, p);
            dtmfTicks = 0;
        } else {
            dtmfTicks++;
        }
    }

    private void send(InetSocketAddress to, int pt, boolean mark, long ts, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(12 + payload.length);
        b.put((byte) 0x80).put((byte) ((mark ? 0x80 : 0) | pt)).putShort((short) seq++).putInt((int) ts).putInt(ssrc)
                .put(payload);
        try {
            socket.send(new DatagramPacket(b.array(), b.capacity(), to));
            packetsOut.incrementAndGet();
        } catch (IOException e) {
            // the network drops it: RTP is best effort
        }
    }

    private void receive() {
        byte[] buf = new byte[2048];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (p.getLength() < 12 || (buf[0] & 0xC0) != 0x80) {
                continue;
            }
            int cc = buf[0] & 0x0F;
            boolean ext = (buf[0] & 0x10) != 0;
            int pt = buf[1] & 0x7F;
            int s = ((buf[2] & 0xFF) << 8) | (buf[3] & 0xFF);
            long ts = ByteBuffer.wrap(buf, 4, 4).getInt() & 0xFFFFFFFFL;
            int off = 12 + 4 * cc;
            if (ext && p.getLength() >= off + 4) {
                off += 4 + 4 * (((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF));
            }
            int len = p.getLength() - off;
            if ((buf[0] & 0x20) != 0 && len > 0) {
                len -= buf[p.getLength() - 1] & 0xFF;
            }
            if (len <= 0) {
                continue;
            }
            packetsIn.incrementAndGet();
            int ssrcNow = ByteBuffer.wrap(buf, 8, 4).getInt();
            if (anyIn && ssrcNow != ssrcIn) {
                jitter.reset(); // another source (a transfer joined us to another party): a new stream
            }
            ssrcIn = ssrcNow;
            anyIn = true;
            if (pt == 0 || pt == 8) {
                jitter.put(s, G711.decode(pt, buf, off, len));
            } else if (pt == dtmfType && len >= 4) {
                int code = buf[off] & 0xFF;
                boolean end = (buf[off + 1] & 0x80) != 0;
                synchronized (this) {
                    if (end && ts != lastDtmfTsIn && code < 16) {
                        lastDtmfTsIn = ts;
                        dtmfIn.append(digitOf(code));
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        clock.shutdownNow();
        socket.close();
        try {
            receiver.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

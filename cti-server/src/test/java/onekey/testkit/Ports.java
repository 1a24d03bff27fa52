package onekey.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free loopback ports for private instances; never hands out the same port twice in one JVM. */
public final class Ports {
    private static final Set<Integer> given = new HashSet<>();

    private Ports() {
    }

    /** A port free for both TCP and UDP on 127.0.0.1. */
    public static synchronized int free() {
        for (int i = 0; i < 200; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int p = s.getLocalPort();
                if (p > 60000 || given.contains(p)) {
                    continue;
                }
                try (DatagramSocket d = new DatagramSocket(p, InetAddress.getLoopbackAddress())) {
                    given.add(p);
                    return p;
                } catch (IOException busyUdp) {
                    // try another
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free loopback port found");
    }

    /** Small ranges (sipp's media ports): handed out in turn above the kernel's ephemeral range, reused after a lap. */
    private static final int SMALL_FROM = 61_000;
    private static final int SMALL_TO = 65_000;
    private static int nextSmall = SMALL_FROM;

    /**
     * The first of {@code n} consecutive free UDP ports. Small ranges (sipp's media ports, up to 16) come in turn from
     * 61000–64999, above the kernel's ephemeral ports, and are reused after a lap (a suite places thousands of sipp
     * calls: reserving each range for good fragmented the space until no 400-port range for an Asterisk was left).
     * Large ranges (an Asterisk's RTP ports) are reserved until {@link #releaseRange}.
     */
    public static synchronized int freeRange(int n) {
        if (n <= 16) {
            for (int attempt = 0; attempt < (SMALL_TO - SMALL_FROM) / n; attempt++) {
                if (nextSmall + n > SMALL_TO) {
                    nextSmall = SMALL_FROM;
                }
                int base = nextSmall;
                nextSmall += n;
                if (bindable(base, n)) {
                    return base;
                }
            }
            throw new IllegalStateException("no free port range of " + n + " in " + SMALL_FROM + "-" + SMALL_TO);
        }
        java.util.Random r = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20000 + 2 * r.nextInt(Math.max(1, (60000 - 20000 - n) / 2));
            boolean ok = true;
            for (int p = base; p < base + n && ok; p++) {
                if (given.contains(p)) {
                    ok = false;
                    break;
                }
                try (DatagramSocket d = new DatagramSocket(p, InetAddress.getLoopbackAddress())) {
                    // free
                } catch (IOException e) {
                    ok = false;
                }
            }
            if (ok) {
                for (int p = base; p < base + n; p++) {
                    given.add(p);
                }
                return base;
            }
        }
        throw new IllegalStateException("no free port range of " + n);
    }

    /** Gives a large range back (its Asterisk has stopped). */
    public static synchronized void releaseRange(int base, int n) {
        for (int p = base; p < base + n; p++) {
            given.remove(p);
        }
    }

    private static boolean bindable(int base, int n) {
        for (int p = base; p < base + n; p++) {
            try (DatagramSocket d = new DatagramSocket(p, InetAddress.getLoopbackAddress())) {
                // free
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}

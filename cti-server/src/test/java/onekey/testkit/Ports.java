package onekey.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for private instances; never hands out the same port twice in one JVM.
 *
 * <p>When failsafe runs the ITs in parallel forks ({@code onekey.forks} &gt; 1, {@code onekey.fork} = surefire's fork
 * number), each fork takes its ports from its own slice of the port space, so two forks never hand out the same port:
 * a port another JVM has chosen but not yet bound (an Asterisk's RTP range is bound call by call) is invisible to a
 * bind test, and only disjoint slices rule that race out.
 */
public final class Ports {
    private static final Set<Integer> given = new HashSet<>();

    /** How many forks share this machine's ports, and which one this JVM is (0-based). */
    static final int FORKS = Math.max(1, Integer.getInteger("onekey.forks", 1));
    static final int FORK = Math.floorMod(Integer.getInteger("onekey.fork", 1) - 1, FORKS);

    /** Single ports and large ranges: 20000–59999, one slice per fork. */
    private static final int LOW = 20_000;
    private static final int HIGH = 60_000;
    private static final int SLICE_FROM = LOW + FORK * ((HIGH - LOW) / FORKS);
    private static final int SLICE_TO = SLICE_FROM + (HIGH - LOW) / FORKS;

    private Ports() {
    }

    /** A port free for both TCP and UDP on 127.0.0.1. */
    public static synchronized int free() {
        for (int i = 0; i < 400; i++) {
            int p = FORKS == 1 ? kernelPort() : ThreadLocalRandom.current().nextInt(SLICE_FROM, SLICE_TO);
            if (p <= 0 || p >= HIGH || given.contains(p) || !tcpBindable(p)) {
                continue;
            }
            try (DatagramSocket d = new DatagramSocket(p, InetAddress.getLoopbackAddress())) {
                given.add(p);
                return p;
            } catch (IOException busyUdp) {
                // try another
            }
        }
        throw new IllegalStateException("no free loopback port found");
    }

    /** One fork alone: the kernel's choice of a free TCP port, as before forks. */
    private static int kernelPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean tcpBindable(int p) {
        if (FORKS == 1) {
            return true; // kernelPort() has just bound it
        }
        try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Small ranges (sipp's media ports): handed out in turn above the kernel's ephemeral range, reused after a lap. */
    private static final int SMALL_FROM = 61_000 + FORK * (4_000 / FORKS);
    private static final int SMALL_TO = SMALL_FROM + 4_000 / FORKS;
    private static int nextSmall = SMALL_FROM;

    /**
     * The first of {@code n} consecutive free UDP ports. Small ranges (sipp's media ports, up to 16) come in turn from
     * 61000–64999 (this fork's share of it), above the kernel's ephemeral ports, and are reused after a lap (a suite
     * places thousands of sipp calls: reserving each range for good fragmented the space until no 400-port range for an
     * Asterisk was left). Large ranges (an Asterisk's RTP ports) are reserved until {@link #releaseRange}.
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
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = SLICE_FROM + 2 * r.nextInt(Math.max(1, (SLICE_TO - SLICE_FROM - n) / 2));
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

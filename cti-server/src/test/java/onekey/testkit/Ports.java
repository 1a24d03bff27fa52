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
    static final int FORK = forkIndex();

    /** "fork-2" (surefire's fork number behind a prefix, see cti-server/pom.xml) → 1; one fork alone: 0. */
    private static int forkIndex() {
        if (FORKS == 1) {
            return 0;
        }
        String v = System.getProperty("onekey.fork", "").replaceAll("\\D", "");
        if (v.isEmpty()) {
            // forks sharing one slice would hand out the same ports: fail at once rather than flake
            throw new IllegalStateException("onekey.forks=" + FORKS + " but onekey.fork ('" + System.getProperty("onekey.fork")
                    + "') names no fork number; see cti-server/pom.xml");
        }
        return Math.floorMod(Integer.parseInt(v) - 1, FORKS);
    }

    /**
     * Single ports (a server's TCP listeners: HTTP, AMI, FastAGI, SIP) come from 20000–31999, below the kernel's ephemeral
     * ports (32768–60999): a port there that bound when it was probed can be taken by an outgoing connection's local port
     * before its server binds it (a fresh clone's ServerProcessIT: "Address already in use"). Large ranges (an Asterisk's
     * 400 RTP ports, UDP, which must be contiguous) come from 33000–59999. Forks: one slice of each per fork; singles
     * are handed out in turn, so that thousands of them never fragment the space large ranges need.
     */
    private static final int SINGLE_LOW = 20_000;
    private static final int SINGLE_HIGH = 32_000;
    private static final int LARGE_LOW = 33_000;
    private static final int HIGH = 60_000;
    private static final int LARGE_FROM = LARGE_LOW + FORK * ((HIGH - LARGE_LOW) / FORKS);
    private static final int LARGE_TO = LARGE_FROM + (HIGH - LARGE_LOW) / FORKS;
    private static final int SINGLE_FROM = SINGLE_LOW + FORK * ((SINGLE_HIGH - SINGLE_LOW) / FORKS);
    private static final int SINGLE_TO = SINGLE_FROM + (SINGLE_HIGH - SINGLE_LOW) / FORKS;
    private static int nextSingle = SINGLE_FROM;

    private Ports() {
    }

    /** A port free for both TCP and UDP on 127.0.0.1, below the kernel's ephemeral ports. */
    public static synchronized int free() {
        return freeSingle();
    }

    /**
     * The next port of this fork's single-port region that binds for TCP and UDP, in turn, reused after a lap
     * (a port handed out a lap ago is either in use, and does not bind, or was let go).
     */
    private static int freeSingle() {
        for (int attempt = 0; attempt < SINGLE_TO - SINGLE_FROM; attempt++) {
            if (nextSingle >= SINGLE_TO) {
                nextSingle = SINGLE_FROM;
            }
            int p = nextSingle++;
            if (given.contains(p)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket d = new DatagramSocket(p, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException busy) {
                // next
            }
        }
        throw new IllegalStateException("no free loopback port in " + SINGLE_FROM + "-" + SINGLE_TO);
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
            int base = LARGE_FROM + 2 * r.nextInt(Math.max(1, (LARGE_TO - LARGE_FROM - n) / 2));
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

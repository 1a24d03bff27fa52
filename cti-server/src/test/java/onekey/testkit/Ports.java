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

    /** The first of {@code n} consecutive free UDP ports (RTP ranges, sipp media ports). */
    public static synchronized int freeRange(int n) {
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
}

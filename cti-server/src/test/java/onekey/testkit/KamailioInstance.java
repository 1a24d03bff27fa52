package onekey.testkit;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private Kamailio front for one test class (issue 25), started with asterisk-config/kamailio.sh as the demo does:
 * its own folder under /tmp and its own SIP port on 127.0.0.1, in front of the given Asterisk nodes.
 */
public final class KamailioInstance implements AutoCloseable {

    public final Path rundir;
    public final int port;
    private final Map<String, String> env = new HashMap<>();
    private Process process;

    /** @param nodes the nodes' SIP addresses, e.g. "127.0.0.2:5070" (the first has the highest priority) */
    public KamailioInstance(List<String> nodes) {
        Proc.require("kamailio");
        try {
            this.rundir = Files.createTempDirectory(Path.of("/tmp"), "okkam");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.port = Ports.free();
        env.put("ONEKEY_KAM_PORT", String.valueOf(port));
        env.put("ONEKEY_KAM_NODES", String.join(",", nodes));
        env.put("ONEKEY_KAM_PING_INTERVAL", "1");
        env.put("ONEKEY_KAM_FR_TIMER", "1000");
        env.put("ONEKEY_KAM_ALGORITHM", "4");
    }

    /** Sets a kamailio.sh setting (environment form, e.g. ONEKEY_KAM_ALGORITHM) for the next {@link #start()}. */
    public KamailioInstance with(String envKey, String value) {
        env.put(envKey, value);
        return this;
    }

    /** Kamailio's db_text subscriber table, which OneKey writes (nodes.subscribers). */
    public Path subscribers() {
        return rundir.resolve("db/subscriber");
    }

    /** host:port the trunk and the agents' phones send SIP to. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public KamailioInstance start() {
        process = Proc.start(List.of("bash", Repo.asteriskConfig().resolve("kamailio.sh").toString(), "start", rundir.toString()),
                rundir, env, rundir.resolve("kamailio.out"));
        long deadline = System.currentTimeMillis() + 20_000;
        while (!answersOptions()) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("kamailio did not answer OPTIONS on " + address() + ":\n" + log());
            }
        }
        return this;
    }

    /** One OPTIONS to the front itself, 200 within 250 ms. */
    private boolean answersOptions() {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(250);
            String branch = "z9hG4bK-ok" + System.nanoTime();
            String msg = "OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + s.getLocalPort() + ";branch=" + branch + "\r\n"
                    + "From: <sip:probe@127.0.0.1>;tag=" + branch + "\r\nTo: <sip:127.0.0.1:" + port + ">\r\n"
                    + "Call-ID: " + branch + "@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 5\r\nContent-Length: 0\r\n\r\n";
            byte[] b = msg.getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
            byte[] in = new byte[2048];
            DatagramPacket p = new DatagramPacket(in, in.length);
            s.receive(p);
            return new String(in, 0, p.getLength(), StandardCharsets.US_ASCII).startsWith("SIP/2.0 200");
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    public String log() {
        return Proc.tail(rundir.resolve("kamailio.out"));
    }

    /** The whole log (Kamailio's script lines name the node each call went to). */
    public String fullLog() {
        try {
            return Files.readString(rundir.resolve("kamailio.out"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (process != null) {
            // its children, known now: once the main process is gone they are init's. A child stuck on a lock with
            // SIGTERM blocked outlived its main process in 2 of ~10 DeviceAlarmIT runs (found left over, holding its
            // ports); each left is killed
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            process = null;
        }
        AsteriskInstance.deleteTree(rundir);
    }
}

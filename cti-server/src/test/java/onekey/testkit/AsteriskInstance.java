package onekey.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private Asterisk for one test class: its own folder under /tmp (short, for the control socket),
 * its own SIP, AMI and RTP ports, started with asterisk-config/asterisk.sh exactly as the demo does.
 */
public final class AsteriskInstance implements AutoCloseable {

    public final Path rundir;
    public final int sipPort;
    public final int amiPort;
    public final int agiPort;
    public final int rtpStart;
    private final int rtpPorts;
    private final Map<String, String> env = new HashMap<>();
    private Process process;

    public AsteriskInstance(int agiPort) {
        Proc.require("asterisk");
        try {
            this.rundir = Files.createTempDirectory(Path.of("/tmp"), "okast");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.sipPort = Ports.free();
        this.amiPort = Ports.free();
        this.agiPort = agiPort;
        // each call leg needs an RTP port pair; benchmarks raise this with -Donekey.rtpPorts
        this.rtpPorts = Integer.getInteger("onekey.rtpPorts", 400);
        this.rtpStart = Ports.freeRange(rtpPorts);
        env.put("ONEKEY_SIP_PORT", String.valueOf(sipPort));
        env.put("ONEKEY_AMI_PORT", String.valueOf(amiPort));
        env.put("ONEKEY_AGI_PORT", String.valueOf(agiPort));
        env.put("ONEKEY_RTP_START", String.valueOf(rtpStart));
        env.put("ONEKEY_RTP_END", String.valueOf(rtpStart + rtpPorts - 1));
        env.put("ONEKEY_TRUNK_PORT", String.valueOf(Ports.free()));
        env.put("ONEKEY_AMI_USER", "onekey");
        // a random secret per instance, as each install generates its own (asterisk.sh refuses to render without one)
        env.put("ONEKEY_AMI_SECRET", randomSecret());
    }

    /**
     * Sets an asterisk.sh setting (environment form, e.g. ONEKEY_SIP_TLS_CERT) for the next {@link #start()};
     * also used by {@link #cli} and {@link #stop}.
     */
    public AsteriskInstance with(String envKey, String value) {
        env.put(envKey, value);
        return this;
    }

    public AsteriskInstance start() {
        process = Proc.start(List.of("bash", script(), "start", rundir.toString()), rundir, env, rundir.resolve("asterisk.out"));
        // a test that fails before its close (a server that does not start in @BeforeAll) leaves no Asterisk behind
        // when the fork's JVM ends
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (started.isAlive()) {
                started.destroyForcibly();
            }
        }, "asterisk-reaper"));
        // 60 s: under five IT forks on 2 cores a boot took over 30 s (the launcher gives it 60 s too)
        Proc.run(List.of("bash", script(), "wait-ready", rundir.toString(), "60"), rundir, env, 70);
        return this;
    }

    /** Stops Asterisk the way an operator would ("core stop now") and waits for the process. */
    public void stop() {
        if (process == null) {
            return;
        }
        try {
            Proc.run(List.of("bash", script(), "stop", rundir.toString(), "20"), rundir, env, 30);
        } finally {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Kills Asterisk at once (SIGKILL, as kill -9: no "core stop", no goodbye on AMI or SIP); {@link #start()} again later. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public String cli(String command) {
        return Proc.run(List.of("bash", script(), "cli", rundir.toString(), command), rundir, env, 20);
    }

    public Path agentsConf() {
        return rundir.resolve("etc/asterisk/pjsip.agents.conf");
    }

    public Path recordings() {
        return rundir.resolve("recordings");
    }

    public Path prompts() {
        return rundir.resolve("sounds/onekey");
    }

    /** Where Asterisk sends outbound trunk calls (pjsip.conf [trunk] aor): a stand-in PSTN phone listens here. */
    public int trunkPort() {
        return Integer.parseInt(env.get("ONEKEY_TRUNK_PORT"));
    }

    public String amiSecret() {
        return env.get("ONEKEY_AMI_SECRET");
    }

    /** 32 hex digits from a SecureRandom. */
    public static String randomSecret() {
        byte[] b = new byte[16];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    /** The environment asterisk.sh runs with (ONEKEY_* settings). */
    public Map<String, String> env() {
        return Map.copyOf(env);
    }

    public String messagesLog() {
        return Proc.tail(rundir.resolve("log/messages"));
    }

    private static String script() {
        return Repo.asteriskConfig().resolve("asterisk.sh").toString();
    }

    /**
     * The test is over: Asterisk is killed, not stopped. Its graceful "core stop now" takes ~2 s (PJSIP and the task
     * processors winding down), ~45 times a suite, and nothing is checked after it; the tests of a graceful stop call
     * {@link #stop()} themselves.
     */
    @Override
    public void close() {
        try {
            kill();
        } finally {
            deleteTree(rundir);
            Ports.releaseRange(rtpStart, rtpPorts);
        }
    }

    static void deleteTree(Path p) {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort cleanup of a temp folder
        }
    }
}

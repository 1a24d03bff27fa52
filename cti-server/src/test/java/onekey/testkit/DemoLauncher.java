package onekey.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * {@code ./onekey demo --no-build} as a child process, as an operator runs it: its own free ports and
 * its own run folder under /tmp (ONEKEY_RUN_DIR, short for Asterisk's control socket), never the
 * repository's run/. {@link #close()} stops it like Ctrl-C and then makes sure that the launcher, the
 * cti-server and Asterisk are all gone, whatever state the test left them in.
 */
public final class DemoLauncher implements AutoCloseable {

    public final Path runDir;
    public final int sipPort;
    public final int amiPort;
    public final int agiPort;
    public final int httpPort;
    /** The demo's alarm front (Kamailio, issue 24): MESSAGE alarms answered 200 once safe. */
    public final int alarmPort;
    public final Api api;
    private final Path log;
    private final Process launcher;

    public DemoLauncher(Map<String, String> extraEnv) {
        this(extraEnv, new String[0]);
    }

    /** {@code ./onekey demo --no-build ARGS} (e.g. "--db", "mariadb") with its own run folder and free ports. */
    public DemoLauncher(Map<String, String> extraEnv, String... args) {
        Proc.require("asterisk");
        Proc.require("sipp");
        try {
            runDir = Files.createTempDirectory(Path.of("/tmp"), "okdemo");
            log = Files.createTempFile("okdemo", ".out");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        sipPort = Ports.free();
        amiPort = Ports.free();
        agiPort = Ports.free();
        httpPort = Ports.free();
        alarmPort = Ports.free();
        int rtpStart = Ports.freeRange(100);
        // the demo serves HTTPS with the certificate it makes in RUN/tls (read at the first request)
        api = Api.https(httpPort, runDir.resolve("tls/cert.pem"));

        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("bash", Repo.root().resolve("onekey").toString(),
                "demo", "--no-build"));
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(Repo.root().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        environment(pb.environment(), rtpStart, extraEnv);
        try {
            launcher = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run ./onekey demo: " + e.getMessage(), e);
        }
    }

    private int rtpStart;
    private Map<String, String> extraEnv = Map.of();

    /**
     * {@code bash -c SCRIPT} in the repository with this demo's environment (ports, run folder, JDK), e.g.
     * {@code "./onekey agent 1001 & echo $!; wait"}; its output goes to {@code out}.
     */
    public Process shell(String script, Path out) {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script)
                .directory(Repo.root().toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        environment(pb.environment(), rtpStart, extraEnv);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run bash -c " + script + ": " + e.getMessage(), e);
        }
    }

    private void environment(Map<String, String> env, int rtpStart, Map<String, String> extraEnv) {
        this.rtpStart = rtpStart;
        this.extraEnv = extraEnv;
        // a developer's own ONEKEY_* settings (database, ports) must not leak into this demo
        env.keySet().removeIf(k -> k.startsWith("ONEKEY_"));
        env.put("ONEKEY_RUN_DIR", runDir.toString());
        env.put("ONEKEY_SIP_PORT", String.valueOf(sipPort));
        env.put("ONEKEY_AMI_PORT", String.valueOf(amiPort));
        env.put("ONEKEY_AGI_PORT", String.valueOf(agiPort));
        env.put("ONEKEY_HTTP_PORT", String.valueOf(httpPort));
        env.put("ONEKEY_ALARM_SIP_PORT", String.valueOf(alarmPort));
        env.put("ONEKEY_RTP_START", String.valueOf(rtpStart));
        env.put("ONEKEY_RTP_END", String.valueOf(rtpStart + 99));
        env.put("ONEKEY_TRUNK_PORT", String.valueOf(Ports.free()));
        // the JDK running the tests (the launcher takes it if it is new enough, else finds one)
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", env.getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin");
        env.putAll(extraEnv);
    }

    /** Waits until /api/health answers 200 with Asterisk connected. */
    public void awaitHealthy(long seconds) {
        Awaitility.await("demo healthy (launcher output:\n" + tail() + ")").atMost(Duration.ofSeconds(seconds))
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> {
                    if (!launcher.isAlive()) {
                        throw new AssertionError("./onekey demo exited " + launcher.exitValue() + ":\n" + tail());
                    }
                    return healthy();
                });
    }

    /** /api/health answers 200 and the cti-server's AMI is connected. */
    public boolean healthy() {
        Api.Reply r = api.get("/api/health", null);
        return r.status() == 200 && r.json().path("asterisk").path("connected").asBoolean();
    }

    /** A value of the secrets file the launcher generated for this install (RUN/secrets.env), e.g. ONEKEY_AMI_SECRET. */
    public String secret(String name) {
        try {
            return Files.readAllLines(runDir.resolve("secrets.env"), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith(name + "=")).map(l -> l.substring(name.length() + 1)).findFirst()
                    .orElseThrow(() -> new IllegalStateException(name + " not in " + runDir.resolve("secrets.env")));
        } catch (IOException e) {
            throw new IllegalStateException("no secrets file in " + runDir + ": " + e.getMessage(), e);
        }
    }

    /** The demo SIP secret of extension {@code ext}, as ./onekey agent reads it. */
    public String sipSecret(String ext) {
        return secret("ONEKEY_DEMO_SIPSECRET_" + ext);
    }

    public long launcherPid() {
        return launcher.pid();
    }

    public boolean launcherAlive() {
        return launcher.isAlive();
    }

    /** The cti-server's pid as the launcher wrote it (RUN/cti.pid). */
    public OptionalLong ctiPid() {
        return readPid(runDir.resolve("cti.pid"));
    }

    /** Asterisk's pid as Asterisk wrote it (RUN/asterisk/run/asterisk.pid). */
    public OptionalLong asteriskPid() {
        return readPid(runDir.resolve("asterisk/run/asterisk.pid"));
    }

    public String cli(String command) {
        return Proc.run(List.of("bash", Repo.asteriskConfig().resolve("asterisk.sh").toString(), "cli",
                runDir.resolve("asterisk").toString(), command), runDir, Map.of(), 20);
    }

    /** Agent {@code ext}'s sipp phone, registered once the demo has provisioned its endpoint (retried up to 30 s). */
    public Sipp.AgentPhone registeredPhone(String ext) {
        Sipp.AgentPhone[] phone = new Sipp.AgentPhone[1];
        org.awaitility.Awaitility.await(ext + " registered").atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> {
                    phone[0] = new Sipp.AgentPhone(sipPort, ext, sipSecret(ext), 500);
                    return true;
                });
        return phone[0];
    }

    /** Sends a real signal ({@code kill -SIG pid}). */
    public static void signal(String sig, long pid) {
        Proc.run(List.of("kill", "-" + sig, String.valueOf(pid)), Path.of("/"), Map.of(), 10);
    }

    /** Processes still running with this demo's run folder in their command line (its Asterisk, sipp). */
    public List<String> processesInRunDir() {
        String dir = runDir.toString();
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(dir)).orElse(false))
                .map(h -> h.pid() + " " + h.info().commandLine().orElse(""))
                .toList();
    }

    public static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Waits for the launcher to end; true if it did. */
    public boolean awaitExit(long seconds) {
        try {
            return launcher.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The launcher's exit status (after {@link #awaitExit}). */
    public int exitValue() {
        return launcher.exitValue();
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    public String tail() {
        return Proc.tail(log);
    }

    private static OptionalLong readPid(Path f) {
        try {
            String s = Files.readString(f).trim();
            return s.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        OptionalLong cti = ctiPid();
        OptionalLong ast = asteriskPid();
        try {
            if (launcher.isAlive()) {
                signal("INT", launcher.pid());
                if (!awaitExit(60)) {
                    launcher.destroyForcibly();
                }
            }
        } finally {
            System.out.println("DemoLauncher: logs in target/demo-logs/" + runDir.getFileName() + "-*");
            // whatever the launcher managed to do: nothing of this demo may outlive the test
            cti.ifPresent(p -> kill(p, "java"));
            ast.ifPresent(p -> kill(p, "asterisk"));
            keepLogs();
            AsteriskInstance.deleteTree(runDir);
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                // best effort
            }
        }
    }

    private static void kill(long pid, String command) {
        ProcessHandle.of(pid)
                .filter(h -> h.info().command().map(c -> c.contains(command)).orElse(false))
                .ifPresent(ProcessHandle::destroyForcibly);
    }

    /** The launcher's output and Asterisk's log, kept in target/demo-logs/ (named by the run folder) for a failed run. */
    private void keepLogs() {
        try {
            Path dir = Path.of("target", "demo-logs");
            Files.createDirectories(dir);
            String name = runDir.getFileName().toString();
            Files.copy(log, dir.resolve(name + "-launcher.out"), StandardCopyOption.REPLACE_EXISTING);
            Path messages = runDir.resolve("asterisk/log/messages");
            if (Files.exists(messages)) {
                Files.copy(messages, dir.resolve(name + "-asterisk-messages.log"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // best effort
        }
    }
}

package onekey.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The cti-server as a separate JVM ({@code java -cp … onekey.Main --demo}), started the way {@code ./onekey demo}
 * starts it, so that a test can freeze (SIGSTOP), thaw (SIGCONT) and kill -9 it, and a benchmark can measure the
 * server's CPU and heap without its own clients in the same process.
 *
 * <pre>{@code
 * try (ServerProcess server = new ServerProcess(stack.env())) {
 *     server.start();            // returns when GET /api/health answers
 *     server.freeze();           // the process stops (kill -STOP) ...
 *     server.thaw();             // ... and goes on (kill -CONT)
 *     server.kill9();
 *     server.restart();          // same environment, same ports
 * }
 * }</pre>
 *
 * The classpath is {@code cti-server/target/classes} plus {@code cti-server/target/classpath.txt} (the runtime
 * dependencies, written in the {@code package} phase — before failsafe's {@code integration-test}); without that
 * file the test JVM's own classpath is used. The java binary is the running JVM's. Inherited {@code ONEKEY_*}
 * variables are removed so that only {@code env} configures the server.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Map<String, String> env;
    private final List<String> jvmArgs;
    private final Path dir;
    private final Path log;
    private final int httpPort;
    private final HttpClient http;
    /** The PEM certificate the server presents (ONEKEY_HTTP_TLSCERT), trusted by the health check; or null. */
    private final Path tlsCert;
    private Process process;
    private boolean frozen;

    /** {@code env}: the ONEKEY_* configuration (as {@link Stack#env()} builds it), plus ONEKEY_ADMIN_PASSWORD. */
    public ServerProcess(Map<String, String> env) {
        this(env, List.of());
    }

    /** As {@link #ServerProcess(Map)}, with extra JVM options for the server (e.g. {@code -Xmx512m}). */
    public ServerProcess(Map<String, String> env, List<String> jvmArgs) {
        this.env = Map.copyOf(env);
        this.jvmArgs = List.copyOf(jvmArgs);
        this.httpPort = Integer.parseInt(env.getOrDefault("ONEKEY_HTTP_PORT", "8080"));
        String cert = env.getOrDefault("ONEKEY_HTTP_TLSCERT", "");
        this.tlsCert = cert.isBlank() ? null : Path.of(cert);
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (tlsCert != null) {
            hb.sslContext(TlsTrust.trusting(tlsCert));
        }
        this.http = hb.build();
        try {
            this.dir = Files.createTempDirectory("okserver");
            this.log = dir.resolve("server.out");
            Files.createFile(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dir.toFile().deleteOnExit();
        log.toFile().deleteOnExit();
    }

    /** Starts the server; returns once GET /api/health answers (any status), else throws with the output's tail. */
    public synchronized ServerProcess start() {
        launch();
        return awaitAnswering(START_TIMEOUT);
    }

    /**
     * Starts the server without waiting for it to answer: a standby (issue 10) waits for the active instance's lease
     * before it listens. {@link #awaitAnswering} waits for it.
     */
    public synchronized ServerProcess launch() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the cti-server process " + process.pid() + " is already running");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(launcherFlags());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", classpath(), "onekey.Main", "--demo"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("ONEKEY_"));
        pb.environment().putAll(env);
        note("starting the cti-server: " + String.join(" ", cmd.subList(0, cmd.size() - 3)) + " -cp … onekey.Main --demo");
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        }
        frozen = false;
        return this;
    }

    /** Waits until GET /api/health answers (any status); throws with the output's tail if the process exits. */
    public synchronized ServerProcess awaitAnswering(Duration timeout) {
        Process p = process;
        try {
            Awaitility.await("cti-server (pid " + p.pid() + ") answering GET /api/health on port " + httpPort)
                    .atMost(timeout).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("the cti-server exited with status " + p.exitValue()
                                    + " during start; its output:\n" + Proc.tail(log));
                        }
                        return healthStatus(Duration.ofSeconds(2)) > 0;
                    });
        } catch (ConditionTimeoutException e) {
            stopProcess();
            throw new IllegalStateException("the cti-server did not answer GET /api/health on port " + httpPort
                    + " within " + timeout.toSeconds() + " s; its output:\n" + Proc.tail(log), e);
        }
        return this;
    }

    /** The server's process id (of the current run after {@link #restart()}). */
    public synchronized long pid() {
        requireStarted();
        return process.pid();
    }

    /** Stops the process where it stands (SIGSTOP): sockets stay open, nothing answers. */
    public synchronized void freeze() {
        requireStarted();
        signal("STOP");
        frozen = true;
    }

    /** Lets a frozen process go on (SIGCONT). */
    public synchronized void thaw() {
        requireStarted();
        signal("CONT");
        frozen = false;
    }

    /** SIGKILL, no shutdown hooks; returns once the process is gone. */
    public synchronized void kill9() {
        requireStarted();
        process.destroyForcibly(); // SIGKILL on Linux
        waitGone(process, Duration.ofSeconds(10));
        frozen = false;
        note("killed with SIGKILL");
    }

    /** Starts the server again with the same environment and ports; a running one is stopped first (SIGTERM). */
    public synchronized ServerProcess restart() {
        if (process != null && process.isAlive()) {
            stopProcess();
        }
        return start();
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    public int httpPort() {
        return httpPort;
    }

    /** A REST client for this server: https trusting its certificate when it was given one, else http. */
    public Api api() {
        return tlsCert == null ? new Api(httpPort) : Api.https(httpPort, tlsCert);
    }

    /** Everything the server printed (stdout and stderr, all runs) so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** The file holding {@link #output()}. */
    public Path outputFile() {
        return log;
    }

    /** Who listens on the server's HTTP port now ({@code ss -tlnp}), for a test's failure message. */
    public String listeners() {
        try {
            return Proc.run(List.of("ss", "-Htlnp", "sport = :" + httpPort), dir, Map.of(), 10).trim()
                    + " (the server's pid " + (process == null ? "-" : process.pid()) + ", frozen=" + frozen + ")";
        } catch (RuntimeException e) {
            return "(ss failed: " + e.getMessage() + ")";
        }
    }

    /** GET /api/health's status code, or 0 when nothing answered within {@code timeout}. */
    public int healthStatus(Duration timeout) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create((tlsCert == null ? "http" : "https") + "://127.0.0.1:" + httpPort + "/api/health"))
                    .timeout(timeout).GET().build();
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Heap of the server JVM right after a full GC, from {@code jcmd PID GC.run} and {@code jcmd PID GC.heap_info}. */
    public record Heap(long usedBytes, long committedBytes, String heapInfo) {}

    /** Runs a GC in the server ({@code jcmd GC.run}), then reads the heap ({@code jcmd GC.heap_info}). */
    public Heap heapAfterGc() {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String pid = String.valueOf(pid());
        Proc.run(List.of(jcmd, pid, "GC.run"), dir, Map.of(), 60);
        String info = Proc.run(List.of(jcmd, pid, "GC.heap_info"), dir, Map.of(), 60);
        // G1: " garbage-first heap   total reserved 1048576K, committed 262144K, used 45678K [...)" (JDK 22+),
        //     " garbage-first heap   total 262144K, used 45678K [...)" before
        String line = info.lines().filter(l -> l.contains(" heap ") && l.contains("used ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("cannot read the heap from jcmd GC.heap_info:\n" + info));
        long used = kib(line, "used (\\d+)K");
        long committed = line.contains("committed") ? kib(line, "committed (\\d+)K") : kib(line, "total (\\d+)K");
        return new Heap(used * 1024, committed * 1024, info.trim());
    }

    private static long kib(String line, String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(line);
        if (!m.find()) {
            throw new IllegalStateException("no " + regex + " in: " + line);
        }
        return Long.parseLong(m.group(1));
    }

    /** SIGTERM (after thawing a frozen process), up to 20 s for a clean stop, then SIGKILL. */
    @Override
    public synchronized void close() {
        stopProcess();
    }

    private void stopProcess() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        if (frozen) {
            signal("CONT");
            frozen = false;
        }
        p.destroy(); // SIGTERM: the shutdown hook closes the server
        if (!waitGone(p, STOP_TIMEOUT)) {
            note("did not stop within " + STOP_TIMEOUT.toSeconds() + " s of SIGTERM: SIGKILL");
            p.destroyForcibly();
            waitGone(p, Duration.ofSeconds(10));
        }
    }

    private void signal(String sig) {
        Proc.run(List.of("kill", "-" + sig, String.valueOf(process.pid())), dir, Map.of(), 10);
    }

    private static boolean waitGone(Process p, Duration max) {
        try {
            return p.waitFor(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void requireStarted() {
        if (process == null) {
            throw new IllegalStateException("the cti-server process was not started");
        }
    }

    private void note(String line) {
        try {
            Files.writeString(log, "--- ServerProcess " + Instant.now() + ": " + line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the note is a help for reading the output, not needed
        }
    }

    /** The running test JVM's java binary. */
    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The flags {@code ./onekey} passes to java 24 and newer (Netty's native access and Unsafe use). */
    static List<String> launcherFlags() {
        return Runtime.version().feature() >= 24
                ? List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow")
                : List.of();
    }

    /** cti-server/target/classes + target/classpath.txt, as {@code ./onekey classpath_of cti-server} builds it. */
    static String classpath() {
        Path target = Repo.root().resolve("cti-server/target");
        Path deps = target.resolve("classpath.txt");
        try {
            if (Files.isRegularFile(deps) && Files.size(deps) > 0) {
                return target.resolve("classes") + java.io.File.pathSeparator + Files.readString(deps).trim();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Not packaged yet (e.g. a test run from an IDE): the test JVM's classpath holds the same classes.
        return System.getProperty("java.class.path");
    }

    /** The configuration this process runs with (sorted, for messages). */
    public Map<String, String> env() {
        return new TreeMap<>(env);
    }
}

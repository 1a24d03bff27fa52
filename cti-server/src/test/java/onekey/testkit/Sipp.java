package onekey.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** sipp peers: elders' phones (UAC) and agents' phones (register + UAS), with real RTP audio. */
public final class Sipp {

    private static Path audio;

    private Sipp() {
    }

    /** ~6 s of espeak-ng speech as headerless 8 kHz μ-law, made once per test JVM. */
    private static Path silence;

    /** Ten seconds of µ-law silence (0xFF), for a phone that answers and says nothing. */
    public static synchronized Path silence() {
        if (silence == null) {
            try {
                Path f = Files.createTempDirectory("oksilence").resolve("silence.ul");
                byte[] b = new byte[80_000];
                java.util.Arrays.fill(b, (byte) 0xFF);
                Files.write(f, b);
                silence = f;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return silence;
    }

    public static synchronized Path audio() {
        if (audio == null) {
            Proc.require("sipp");
            Proc.require("espeak-ng");
            try {
                Path dir = Files.createTempDirectory("okaudio");
                Path f = dir.resolve("hello.ul");
                Proc.run(List.of("bash", Repo.asteriskConfig().resolve("sipp/make-audio.sh").toString(), f.toString()),
                        dir, Map.of(), 60);
                audio = f;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return audio;
    }

    /** The path of a scenario file in asterisk-config/sipp. */
    public static String scenario(String name) {
        return Repo.asteriskConfig().resolve("sipp/" + name).toString();
    }

    /** An agent's phone: a sipp UAS answering after {@code ringMs}, registered as the extension. */
    public static final class AgentPhone implements AutoCloseable {
        public final String extension;
        public final int uasPort;
        private final Uas uas;
        private final Path dir;
        private final int sipPort;
        private final String secret;

        public AgentPhone(AsteriskInstance ast, String extension, String secret, long ringMs) {
            this(ast.sipPort, extension, secret, ringMs);
        }

        /** The same phone for an Asterisk the test did not start itself (e.g. ./onekey demo's), by its SIP port on 127.0.0.1. */
        public AgentPhone(int sipPort, String extension, String secret, long ringMs) {
            this(sipPort, extension, secret, null, ringMs);
        }

        /**
         * A phone running its own UAS scenario file ({@code scenarioFile}, e.g. a filled-in copy of
         * {@code agent-talks.xml}: random ring and talk, the agent hangs up) instead of {@code agent-uas.xml}.
         */
        public AgentPhone(int sipPort, String extension, String secret, Path scenarioFile) {
            this(sipPort, extension, secret, scenarioFile, 0);
        }

        private AgentPhone(int sipPort, String extension, String secret, Path scenarioFile, long ringMs) {
            this.sipPort = sipPort;
            this.extension = extension;
            this.secret = secret;
            this.uasPort = Ports.free();
            this.uas = new Uas("okagent" + extension, uasPort, ringMs, audio(),
                    scenarioFile == null ? scenario("agent-uas.xml") : scenarioFile.toString());
            this.dir = uas.dir;
            try {
                register();
            } catch (RuntimeException e) {
                close(); // a refused registration must not leave the phone process running
                throw e;
            }
        }

        /** (Re-)registers the phone with Asterisk; returns when Asterisk answered 200. */
        public void register() {
            registerAlso(extension, secret);
        }

        /** Registers another extension whose calls this same phone answers (load tests: one UAS, many agents). */
        public void registerAlso(String ext, String sipSecret) {
            Proc.run(List.of("sipp", "127.0.0.1:" + sipPort, "-sf", scenario("agent-register.xml"), "-i", "127.0.0.1",
                    "-p", String.valueOf(Ports.free()), "-s", ext, "-au", ext, "-ap", sipSecret,
                    "-key", "uas_port", String.valueOf(uasPort), "-m", "1", "-timeout", "10s", "-nostdin"), dir, Map.of(), 20);
        }

        /** Successful calls sipp counted so far (from its -trace_stat file). */
        public int successfulCalls() {
            return uas.successfulCalls();
        }

        public String log() {
            return uas.log();
        }

        @Override
        public void close() {
            uas.close();
        }
    }

    /** A sipp UAS on a port that answers after {@code ringMs} with audio, counting its calls; its own temp folder. */
    static final class Uas implements AutoCloseable {
        private final Process process;
        final Path dir;

        Uas(String tmpPrefix, int port, long ringMs) {
            this(tmpPrefix, port, ringMs, audio());
        }

        Uas(String tmpPrefix, int port, long ringMs, Path audioFile) {
            this(tmpPrefix, port, ringMs, audioFile, scenario("agent-uas.xml"));
        }

        Uas(String tmpPrefix, int port, long ringMs, Path audioFile, String scenarioFile) {
            try {
                this.dir = Files.createTempDirectory(tmpPrefix);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            process = Proc.start(List.of("sipp", "-sf", scenarioFile, "-i", "127.0.0.1", "-p", String.valueOf(port),
                    "-mp", String.valueOf(Ports.freeRange(4)), "-d", String.valueOf(ringMs), "-key", "audio", audioFile + ",-1,0",
                    "-nostdin", "-trace_stat", "-trace_err", "-fd", "1"), dir, Map.of(), dir.resolve("uas.out"));
        }

        int successfulCalls() {
            return Stats.successful(dir);
        }

        String log() {
            return Proc.tail(dir.resolve("uas.out"));
        }

        @Override
        public void close() {
            stop(process, dir);
        }
    }

    /**
     * A phone on the PSTN side of the trunk (a backup centre, a family member): answers calls Asterisk
     * sends to the trunk's address after {@code ringMs}, with audio, and counts them.
     */
    public static final class TrunkPhone implements AutoCloseable {
        private final Uas uas;

        public TrunkPhone(int port, long ringMs) {
            this.uas = new Uas("oktrunk", port, ringMs);
        }

        /** A trunk phone that answers and says nothing: it streams µ-law silence (an elder who cannot speak). */
        public static TrunkPhone silent(int port, long ringMs) {
            return new TrunkPhone(new Uas("oktrunk-silent", port, ringMs, silence()));
        }

        private TrunkPhone(Uas uas) {
            this.uas = uas;
        }

        public int successfulCalls() {
            return uas.successfulCalls();
        }

        public String log() {
            return uas.log();
        }

        @Override
        public void close() {
            uas.close();
        }
    }

    /** An elder's phone calling a one-key line, holding {@code holdMs} after the answer, then hanging up. */
    public static final class Caller implements AutoCloseable {
        private final Process p;
        private final Path dir;

        public Caller(int sipPort, String callerNumber, String dialled, long holdMs) {
            this(sipPort, callerNumber, dialled, holdMs, audio());
        }

        /** As above, streaming {@code audioFile} (µ-law; {@link Sipp#silence()} for an elder who says nothing). */
        public Caller(int sipPort, String callerNumber, String dialled, long holdMs, Path audioFile) {
            try {
                dir = Files.createTempDirectory("okcaller");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            List<String> cmd = new ArrayList<>(List.of("sipp", "127.0.0.1:" + sipPort, "-sf", scenario("caller.xml"),
                    "-i", "127.0.0.1", "-p", String.valueOf(Ports.free()), "-mp", String.valueOf(Ports.freeRange(4)),
                    "-s", dialled, "-key", "caller", callerNumber, "-key", "audio", audioFile + ",-1,0",
                    "-d", String.valueOf(holdMs), "-m", "1", "-nostdin", "-trace_stat", "-trace_err", "-fd", "1"));
            p = Proc.start(cmd, dir, Map.of(), dir.resolve("caller.out"));
        }

        private Caller(List<String> cmd, Path dir) {
            this.dir = dir;
            p = Proc.start(cmd, dir, Map.of(), dir.resolve("caller.out"));
        }

        /**
         * An elder's phone calling {@code dialled} that sends no speech, presses {@code digit} (RFC 4733) {@code pressAfterMs}
         * after the answer, stays 13 s more and hangs up ({@code caller-presses.xml}).
         */
        public static Caller pressing(int sipPort, String callerNumber, String dialled, long pressAfterMs, char digit) {
            Proc.require("sipp");
            Path pcap = Path.of("/usr/share/sip-tester/dtmf_2833_" + digit + ".pcap");
            if (!Files.isRegularFile(pcap)) {
                throw new IllegalStateException(pcap + " is missing: it comes with Debian's sip-tester package"
                        + " (apt-get install sip-tester)");
            }
            Path dir;
            try {
                dir = Files.createTempDirectory("okcaller");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return new Caller(List.of("sipp", "127.0.0.1:" + sipPort, "-sf", scenario("caller-presses.xml"),
                    "-i", "127.0.0.1", "-p", String.valueOf(Ports.free()), "-mp", String.valueOf(Ports.freeRange(4)),
                    "-s", dialled, "-key", "caller", callerNumber, "-key", "dtmf", pcap.toString(),
                    "-d", String.valueOf(pressAfterMs), "-m", "1", "-nostdin", "-trace_stat", "-trace_err", "-fd", "1"), dir);
        }

        /** Waits for sipp to finish; returns its exit code (0 = the call succeeded). */
        public int await(long seconds) {
            try {
                if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return -1;
                }
                return p.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        public String log() {
            return Proc.tail(dir.resolve("caller.out"));
        }

        @Override
        public void close() {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
            AsteriskInstance.deleteTree(dir);
        }
    }

    /**
     * Elders' phones behind the trunk for voice broadcasts (sipp, {@code elder-confirms.xml}): every call rings
     * 300 ms, is answered, listens {@code listenMs} to the message, then presses 1 (RFC 4733) and waits for
     * Asterisk's BYE. sipp writes its counters every second ({@link #perSecond}).
     */
    public static final class BroadcastElders implements AutoCloseable {
        static final Path DTMF_1 = Path.of("/usr/share/sip-tester/dtmf_2833_1.pcap");
        private final Process process;
        private final Path dir;

        public BroadcastElders(int port, long listenMs) {
            Proc.require("sipp");
            if (!Files.isRegularFile(DTMF_1)) {
                throw new IllegalStateException(DTMF_1 + " is missing: it comes with Debian's sip-tester package"
                        + " (apt-get install sip-tester)");
            }
            try {
                this.dir = Files.createTempDirectory("okelders");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            process = Proc.start(List.of("sipp", "-sf", scenario("elder-confirms.xml"), "-i", "127.0.0.1",
                    "-p", String.valueOf(port), "-mi", "127.0.0.1", "-mp", String.valueOf(Ports.freeRange(4)),
                    "-d", String.valueOf(listenMs),
                    "-key", "dtmf", DTMF_1.toString(), "-nostdin", "-trace_stat", "-trace_err", "-fd", "1"), dir, Map.of(),
                    dir.resolve("elders.out"));
        }

        public int successfulCalls() {
            return Stats.successful(dir);
        }

        public int failedCalls() {
            return Stats.failed(dir);
        }

        /** sipp's per-second rows: the value of column {@code name} (e.g. "IncomingCall(P)", "CurrentCall"). */
        public List<Integer> perSecond(String name) {
            return Stats.column(dir, name);
        }

        public String log() {
            return Proc.tail(dir.resolve("elders.out"));
        }

        @Override
        public void close() {
            stop(process, dir);
        }
    }

    /** Calls at a fixed rate from one sipp (elders' phones), for benchmarks. */
    public static final class Load {
        public record Result(int exitCode, int successful, int failed) {}

        /** Places {@code calls} calls at {@code perSecond}, each holding {@code holdMs}; waits for the end. */
        public static Result run(int sipPort, String callerNumber, String dialled, double perSecond, int calls, long holdMs,
                                 long timeoutSeconds) {
            return run(sipPort, callerNumber, dialled, perSecond, calls, holdMs, timeoutSeconds, 60_000);
        }

        /** As above; a call fails when an expected SIP message (e.g. the 200 OK) does not come within {@code recvTimeoutMs}. */
        public static Result run(int sipPort, String callerNumber, String dialled, double perSecond, int calls, long holdMs,
                                 long timeoutSeconds, long recvTimeoutMs) {
            Path dir;
            try {
                dir = Files.createTempDirectory("okload");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            try {
                List<String> cmd = List.of("sipp", "127.0.0.1:" + sipPort, "-sf", scenario("caller.xml"),
                        "-i", "127.0.0.1", "-p", String.valueOf(Ports.free()), "-mp", String.valueOf(Ports.freeRange(4)),
                        "-s", dialled, "-key", "caller", callerNumber, "-key", "audio", audio() + ",-1,0",
                        "-d", String.valueOf(holdMs), "-r", String.valueOf(Math.round(perSecond * 1000)), "-rp", "1000000",
                        "-m", String.valueOf(calls), "-nostdin", "-trace_stat", "-fd", "1", "-timeout_error",
                        "-timeout", timeoutSeconds + "s", "-recv_timeout", String.valueOf(recvTimeoutMs));
                Process p = Proc.start(cmd, dir, Map.of(), dir.resolve("load.out"));
                boolean done = p.waitFor(timeoutSeconds + 15, TimeUnit.SECONDS);
                if (!done) {
                    p.destroyForcibly();
                }
                return new Result(done ? p.exitValue() : -1, Stats.successful(dir), Stats.failed(dir));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                AsteriskInstance.deleteTree(dir);
            }
        }
    }

    /** Ends a sipp (5 s to finish, then killed) and removes its folder. */
    static void stop(Process process, Path dir) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        AsteriskInstance.deleteTree(dir);
    }

    /** Reads sipp's -trace_stat CSV (last row) for the SuccessfulCall(C) counter. */
    public static final class Stats {
        /** SuccessfulCall(C) of the sipp that ran with {@code -trace_stat} in folder {@code dir}. */
        public static int successfulIn(Path dir) {
            return successful(dir);
        }

        /** FailedCall(C) of the sipp that ran with {@code -trace_stat} in folder {@code dir}. */
        public static int failedIn(Path dir) {
            return failed(dir);
        }

        static int failed(Path dir) {
            return counter(dir, "FailedCall(C)");
        }

        static int successful(Path dir) {
            return counter(dir, "SuccessfulCall(C)");
        }

        static int counter(Path dir, String name) {
            List<Integer> rows = column(dir, name);
            return rows.isEmpty() ? 0 : rows.get(rows.size() - 1);
        }

        /** Column {@code name} of every row of the -trace_stat CSV (one row per -fd period); empty when absent. */
        static List<Integer> column(Path dir, String name) {
            try (var s = Files.list(dir)) {
                Path stat = s.filter(f -> f.getFileName().toString().endsWith("_.csv")).findFirst().orElse(null);
                if (stat == null) {
                    return List.of();
                }
                List<String> lines = Files.readAllLines(stat);
                if (lines.size() < 2) {
                    return List.of();
                }
                List<String> head = List.of(lines.get(0).split(";"));
                int col = head.indexOf(name);
                List<Integer> out = new ArrayList<>();
                for (String line : lines.subList(1, lines.size())) {
                    String[] row = line.split(";");
                    if (col >= 0 && col < row.length && !row[col].isBlank()) {
                        out.add(Integer.parseInt(row[col].trim()));
                    }
                }
                return out;
            } catch (IOException | NumberFormatException e) {
                return List.of();
            }
        }
    }
}

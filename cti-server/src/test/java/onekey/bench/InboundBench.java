package onekey.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import onekey.tts.WavInfo;
import onekey.testkit.Api;
import onekey.testkit.MariaDbServer;
import onekey.testkit.Proc;
import onekey.testkit.ProcessStats;
import onekey.testkit.ServerProcess;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import org.awaitility.Awaitility;

/**
 * {@code ./onekey bench inbound}, part 2: the inbound path under load against a real Asterisk, with the
 * cti-server in its own JVM ({@link ServerProcess}) so that its CPU and heap are its own. The bench JVM hosts the
 * agents' WebSockets ({@link BenchAgents}); sipp places the calls and plays the agents' phones.
 * <ol>
 * <li>Screen-pop latency: AgentCalled's AMI timestamp → the {@code call.offered} frame at the agent's client,
 *     SOS calls at 10/s for 60 s after a warm-up.</li>
 * <li>Rate steps on three paths: the SOS line (1234901), the general line (12349: FastAGI flow with a TTS
 *     greeting for a known elder) and the static dialplan (9999 prefix, no cti-server running). Every step runs
 *     {@code bench.trials} times; a trial passes when sipp saw every call succeed and the agents' phones answered
 *     every call. CPU per call of the cti-server and of Asterisk from /proc/PID/stat, the machine's load before and
 *     after each trial.</li>
 * <li>The cti-server's heap after a GC (jcmd) at the end of the OneKey paths.</li>
 * <li>Database slowed: a second cti-server on a private MariaDB reached through a {@link onekey.testkit.LatencyProxy};
 *     calls while every chunk is delayed, then the time until the journal backlog (/api/health "journal") is
 *     written once the delay is removed.</li>
 * </ol>
 * Prints everything and appends it to the markdown file given as the first argument. Settings (-D):
 * bench.agents, bench.rates, bench.stepSeconds, bench.trials, bench.holdMs, bench.paths, bench.popRate,
 * bench.popSeconds, bench.loginFlood, bench.warmupCalls, bench.db, bench.dbDelayMs, bench.dbRate, bench.dbSeconds, bench.dbAgents,
 * bench.serverJvmArgs.
 */
public final class InboundBench {

    static final int AGENTS = Integer.getInteger("bench.agents", 250);
    /** Issue 23: a 5 calls/s grid, three trials a step (the ratio to bare Asterisk needs steps finer than 10/s). */
    static final int[] RATES = ints(System.getProperty("bench.rates", "20,25,30,35,40,45,50,55,60"));
    static final int STEP_SECONDS = Integer.getInteger("bench.stepSeconds", 10);
    static final int TRIALS = Integer.getInteger("bench.trials", 3);
    /** How long an agent talks: the caller hangs up this long after the answer (plus the greeting on the general line). */
    static final long HOLD_MS = Long.getLong("bench.holdMs", 2_000);
    static final List<String> PATHS = List.of(System.getProperty("bench.paths", "sos,general,static").split(","));
    static final int POP_RATE = Integer.getInteger("bench.popRate", 10);
    static final int POP_SECONDS = Integer.getInteger("bench.popSeconds", 60);
    /** Issue 23: the screen pop at a surge's rate, target p99 ≤ 10 ms; 0 = not run. */
    static final int POP_FAST_RATE = Integer.getInteger("bench.popFastRate", 50);
    static final int POP_FAST_SECONDS = Integer.getInteger("bench.popFastSeconds", 20);
    static final long TARGET_POP_FAST_P99_MS = 10;
    /** Issue 6: repeat the screen-pop step while bursts of 1,000 wrong logins hit the server from 127.0.0.2. */
    static final boolean LOGIN_FLOOD = Boolean.parseBoolean(System.getProperty("bench.loginFlood", "true"));
    /** A burst of 1,000 wrong logins starts every this many ms during the step (bench.floodPeriodMs). */
    static final long FLOOD_PERIOD_MS = Long.getLong("bench.floodPeriodMs", 5000);
    static final int WARMUP_CALLS = Integer.getInteger("bench.warmupCalls", 100);
    static final boolean DB_RUN = Boolean.parseBoolean(System.getProperty("bench.db", "true"));
    static final long DB_DELAY_MS = Long.getLong("bench.dbDelayMs", 50);
    static final int DB_RATE = Integer.getInteger("bench.dbRate", 10);
    static final int DB_SECONDS = Integer.getInteger("bench.dbSeconds", 30);
    static final int DB_AGENTS = Integer.getInteger("bench.dbAgents", 30);
    static final String DB_LINE = System.getProperty("bench.dbLine", "1234901");
    static final List<String> SERVER_JVM_ARGS = Stream.of(System.getProperty("bench.serverJvmArgs", "").split("\\s+"))
            .filter(s -> !s.isBlank()).toList();

    /** A call of a rate step fails when Asterisk has not answered (or sent any expected message) within this. */
    static final long RECV_TIMEOUT_MS = Long.getLong("bench.recvTimeoutMs", 15_000);
    /** Length of the window in which the idle CPU of the cti-server and Asterisk is measured. */
    static final int IDLE_SECONDS = Integer.getInteger("bench.idleSeconds", 5);

    static final long START_NANOS = System.nanoTime();

    static final double TARGET_JVM_MS_PER_CALL = 3.0;
    static final double TARGET_RATIO = 0.9;
    static final long TARGET_POP_P99_MS = 20;
    static final String CALLER = "02155550001"; // demo elder 张桂英: known, greeted by name on the general line
    static final String CALLER_NAME = "张桂英";

    /** A way in: the dialled number, whether the cti-server runs, how long the caller holds after the answer. */
    record CallPath(String key, String label, String dnis, boolean server, long holdMs) {}

    /** One trial of one rate step. CPU figures in ms for the whole trial; -1 when not measured. */
    record Trial(CallPath path, int rate, int n, int calls, Sipp.Load.Result sipp, int answered, boolean pass,
                 long asteriskCpuMs, long serverCpuMs, String loadBefore, String loadAfter, double seconds) {
        double asteriskMsPerCall() {
            return (double) asteriskCpuMs / calls;
        }

        double serverMsPerCall() {
            return serverCpuMs < 0 ? Double.NaN : (double) serverCpuMs / calls;
        }
    }

    private final Stack stack;
    private final Sipp.AgentPhone phones;
    private final Map<String, List<Trial>> trials = new LinkedHashMap<>();
    /** CPU of the idle cti-server and Asterisk in ms per second (no calls), measured before the rate steps. */
    private double serverIdleMsPerSecond = Double.NaN;
    private double asteriskIdleMsPerSecond = Double.NaN;

    private InboundBench(Stack stack, Sipp.AgentPhone phones) {
        this.stack = stack;
        this.phones = phones;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        // enough RTP ports that the port range is never what limits the call rate
        System.setProperty("onekey.rtpPorts", System.getProperty("onekey.rtpPorts", "4000"));
        ZonedDateTime started = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        String loadAtStart = ProcessStats.loadAverage();
        System.out.println("settings: " + settings());
        System.out.printf("inbound bench: %d agents, rates %s calls/s, %d s steps, %d trials, paths %s, hold %d ms; load %s%n",
                AGENTS, Arrays.toString(RATES), STEP_SECONDS, TRIALS, PATHS, HOLD_MS, loadAtStart);
        List<String> rows = new ArrayList<>();
        List<String> trialRows;
        try (Stack stack = new Stack().with("ONEKEY_CALLS_WRAPUPSECONDS", "0").startAsterisk().startServerProcess(SERVER_JVM_ARGS);
             Sipp.AgentPhone phones = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 0)) {
            InboundBench bench = new InboundBench(stack, phones);
            awaitAsterisk(stack.api);
            System.out.printf(elapsed() + " cti-server pid %d, Asterisk pid %d; provisioning %d agents...%n", stack.process.pid(),
                    bench.asteriskPid(), AGENTS);
            ServerProcess.Heap heap;
            String threadRow;
            try (BenchAgents agents = new BenchAgents(stack.api, stack.process.httpPort(), stack.asterisk, phones, 5000, AGENTS)) {
                long greetingMs = bench.warmUp();
                CallPath sos = new CallPath("sos", "OneKey SOS line (DNIS 1234901)", "1234901", true, HOLD_MS);
                CallPath general = new CallPath("general", "OneKey general line (DNIS 12349, FastAGI flow, TTS greeting "
                        + greetingMs + " ms)", "12349", true, HOLD_MS + greetingMs);
                rows.add(bench.screenPop(agents));
                if (LOGIN_FLOOD) {
                    rows.add(bench.screenPopUnderLoginFlood(agents));
                }
                if (POP_FAST_RATE > 0) {
                    rows.add(bench.screenPop(agents, POP_FAST_RATE, POP_FAST_SECONDS, "(issue 23: a surge's rate)",
                            TARGET_POP_FAST_P99_MS));
                }
                rows.add(bench.idle());
                Map<String, Long> threads0 = ProcessStats.threadCpuMillis(stack.process.pid());
                long benchCpu0 = ProcessStats.cpuMillis(ProcessHandle.current().pid());
                if (PATHS.contains("sos")) {
                    bench.ramp(sos);
                }
                if (PATHS.contains("general")) {
                    bench.ramp(general);
                }
                threadRow = threadBreakdown(threads0, ProcessStats.threadCpuMillis(stack.process.pid()),
                        ProcessStats.cpuMillis(ProcessHandle.current().pid()) - benchCpu0);
                heap = stack.process.heapAfterGc();
                System.out.printf(elapsed() + " cti-server heap after GC: %.1f MiB used, %.1f MiB committed%n", mib(heap.usedBytes()),
                        mib(heap.committedBytes()));
                System.out.printf("bench agents got %d frames, %d call.offered%n", agents.frames(), agents.offered());
            }
            if (PATHS.contains("static")) {
                // the static baseline runs without the cti-server; the agents stay queue members
                stack.stopServer();
                bench.ramp(new CallPath("static", "static dialplan (DNIS 99991234901, no cti-server)", "99991234901", false, HOLD_MS));
            }
            rows.addAll(bench.summary(heap));
            rows.add(threadRow);
            trialRows = bench.trialTable();
            if (DB_RUN) {
                try {
                    rows.add(bench.databaseSlowed());
                } catch (Exception | AssertionError e) {
                    // the figures of the other parts are still worth keeping
                    e.printStackTrace();
                    rows.add("| database slowed | run FAILED: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                            .replace('|', '/') + " |");
                }
            }
        }
        append(out, started, loadAtStart, rows, trialRows);
        System.exit(0);
    }

    // ------------------------------------------------------------------ parts

    /** Warm-up calls on the SOS and the general line (JIT, TTS prompt cache); returns the greeting's length in ms. */
    private long warmUp() {
        System.out.printf(elapsed() + " warm-up: %d SOS and %d general calls at %d/s (not measured)...%n", WARMUP_CALLS, WARMUP_CALLS / 2, POP_RATE);
        java.util.Set<Path> before;
        try {
            before = prompts();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Sipp.Load.run(stack.asterisk.sipPort, CALLER, "12349", POP_RATE, Math.max(1, WARMUP_CALLS / 2), HOLD_MS + 8_000, 120);
        long greeting = greetingMs(before);
        Sipp.Load.run(stack.asterisk.sipPort, CALLER, "1234901", POP_RATE, WARMUP_CALLS, HOLD_MS, 120);
        waitIdle();
        System.out.printf("general-line greeting: %d ms (the general line's callers hold that much longer)%n", greeting);
        return greeting;
    }

    /**
     * The length of the general line's greeting for {@link #CALLER} (demo elder 张桂英), rounded up to 100 ms: the
     * prompt cache's file for that text (sha256 of "v2\n" + language + "\n" + text, see onekey.tts.PromptCache), else the
     * longest prompt the general-line warm-up added.
     */
    private long greetingMs(java.util.Set<Path> promptsBefore) {
        try {
            Path exact = stack.asterisk.prompts().resolve(sha256("v2\nzh\n" + CALLER_NAME + "您好，马上为您接通。") + ".wav");
            long ms;
            if (Files.isRegularFile(exact)) {
                ms = WavInfo.read(exact).durationMs();
            } else {
                ms = 0;
                for (Path p : prompts()) {
                    if (!promptsBefore.contains(p)) {
                        ms = Math.max(ms, WavInfo.read(p).durationMs());
                    }
                }
            }
            if (ms == 0) {
                System.out.println("WARNING: no greeting prompt in " + stack.asterisk.prompts()
                        + " after the general-line warm-up (no TTS voice?): general-line callers hold no longer than the others");
            }
            return (ms + 99) / 100 * 100;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private java.util.Set<Path> prompts() throws IOException {
        if (!Files.isDirectory(stack.asterisk.prompts())) {
            return java.util.Set.of();
        }
        try (Stream<Path> s = Files.list(stack.asterisk.prompts())) {
            return s.filter(f -> f.toString().endsWith(".wav")).collect(java.util.stream.Collectors.toSet());
        }
    }

    private static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The p99 of the last plain screen-pop step, for the ratio under a login flood. */
    private long lastPopP99 = -1;
    private long lastPopP50 = -1;

    /**
     * The screen-pop step again, while the bench (its own JVM, not the measured one) sends a burst of 1,000 wrong
     * logins, 64 at a time, from 127.0.0.2 every {@link #FLOOD_PERIOD_MS} ms for the whole step. Reports the flood's answers and the pop latency
     * against the plain step just before (a ratio from one run, which the machine's noise affects less).
     */
    private String screenPopUnderLoginFlood(BenchAgents agents) throws Exception {
        long baseP50 = lastPopP50;
        long baseP99 = lastPopP99;
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.Map<Integer, Integer> answers = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger bursts = new java.util.concurrent.atomic.AtomicInteger();
        Thread flood = Thread.ofPlatform().name("login-flood").start(() -> {
            while (!stop.get()) {
                long t0 = System.nanoTime();
                onekey.testkit.LoginFlood.Result r = onekey.testkit.LoginFlood.run(stack.process.httpPort(), "127.0.0.2",
                        1000, 64, "guess");
                r.byStatus().forEach((k, v) -> answers.merge(k, v, Integer::sum));
                bursts.incrementAndGet();
                // one burst of 1,000 every FLOOD_PERIOD_MS (pacing, not a wait for a condition)
                long rest = FLOOD_PERIOD_MS - (System.nanoTime() - t0) / 1_000_000;
                if (rest > 0 && !stop.get()) {
                    try {
                        Thread.sleep(rest);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        String row;
        try {
            row = screenPop(agents, "during a burst of 1,000 wrong logins from another address every " + FLOOD_PERIOD_MS / 1000
                    + " s");
        } finally {
            stop.set(true);
            flood.join();
        }
        int total = answers.values().stream().mapToInt(Integer::intValue).sum();
        String out = row.substring(0, row.length() - 1) + String.format(
                " logins: %d wrong in %d bursts → %s | pop p50 %s, p99 %s the plain step's |", total, bursts.get(), answers,
                ratio(lastPopP50, baseP50), ratio(lastPopP99, baseP99));
        System.out.println(out);
        return out;
    }

    private static String ratio(long a, long b) {
        return a < 0 || b <= 0 ? "n/a" : String.format("%.2f×", (double) a / b);
    }

    private String screenPop(BenchAgents agents) {
        return screenPop(agents, "after " + WARMUP_CALLS + " warm-up calls");
    }

    private String screenPop(BenchAgents agents, String when) {
        return screenPop(agents, POP_RATE, POP_SECONDS, when, TARGET_POP_P99_MS);
    }

    private String screenPop(BenchAgents agents, int popRate, int popSeconds, String when, long target) {
        int calls = popRate * popSeconds;
        System.out.printf(elapsed() + " screen-pop latency: %d SOS calls at %d/s...%n", calls, popRate);
        agents.startTiming();
        Sipp.Load.Result r = Sipp.Load.run(stack.asterisk.sipPort, CALLER, "1234901", popRate, calls, HOLD_MS, popSeconds + 90);
        waitIdle();
        List<Long> lat = new ArrayList<>(agents.stopTiming());
        lat.sort(null);
        long max = lat.isEmpty() ? -1 : lat.get(lat.size() - 1);
        lastPopP50 = lat.isEmpty() ? -1 : pct(lat, 50);
        lastPopP99 = lat.isEmpty() ? -1 : pct(lat, 99);
        String row = String.format("| screen pop, AgentCalled (AMI) → call.offered at the agent's client (other JVM), SOS %d calls/s for %d s %s"
                        + " | %d pops (%d calls ok, %d failed) | p50 %d ms | p99 %d ms | max %d ms | target p99 ≤ %d ms: %s |",
                popRate, popSeconds, when, lat.size(), r.successful(), r.failed(), pct(lat, 50), pct(lat, 99), max,
                target, !lat.isEmpty() && pct(lat, 99) <= target ? "met" : "NOT met");
        System.out.println(row);
        return row;
    }

    /**
     * CPU of the cti-server and of Asterisk with no call at all, over {@link #IDLE_SECONDS}: what every per-call
     * figure includes as background (timers, AMI keep-alives, the agents' WebSockets, GC, JIT).
     */
    private String idle() throws InterruptedException {
        long ast0 = ProcessStats.cpuMillis(asteriskPid());
        long jvm0 = ProcessStats.cpuMillis(stack.process.pid());
        long t0 = System.nanoTime();
        Thread.sleep(IDLE_SECONDS * 1000L); // a measurement window, not a wait for a condition
        double s = (System.nanoTime() - t0) / 1e9;
        serverIdleMsPerSecond = (ProcessStats.cpuMillis(stack.process.pid()) - jvm0) / s;
        asteriskIdleMsPerSecond = (ProcessStats.cpuMillis(asteriskPid()) - ast0) / s;
        String row = String.format("| idle CPU, no calls, %d s (agents logged in and ready) | cti-server %.1f ms/s | Asterisk %.1f ms/s | load %s |",
                IDLE_SECONDS, serverIdleMsPerSecond, asteriskIdleMsPerSecond, ProcessStats.loadAverage());
        System.out.println(row);
        return row;
    }

    /** Rate steps, each {@link #TRIALS} times; stops after a rate at which no trial passed. */
    private void ramp(CallPath path) {
        System.out.println(elapsed() + " rate steps: " + path.label() + ", caller holds " + path.holdMs() + " ms after the answer");
        List<Trial> list = trials.computeIfAbsent(path.key(), k -> new ArrayList<>());
        for (int rate : RATES) {
            int passed = 0;
            for (int n = 1; n <= TRIALS; n++) {
                Trial t = trial(path, rate, n);
                list.add(t);
                passed += t.pass() ? 1 : 0;
            }
            if (passed == 0) {
                break;
            }
        }
    }

    private Trial trial(CallPath path, int rate, int n) {
        int calls = rate * STEP_SECONDS;
        String loadBefore = ProcessStats.loadAverage();
        int answeredBefore = phones.successfulCalls();
        long ast0 = ProcessStats.cpuMillis(asteriskPid());
        long jvm0 = path.server() ? ProcessStats.cpuMillis(stack.process.pid()) : -1;
        long t0 = System.nanoTime();
        Sipp.Load.Result r = Sipp.Load.run(stack.asterisk.sipPort, CALLER, path.dnis(), rate, calls, path.holdMs(),
                STEP_SECONDS + path.holdMs() / 1000 + 60, RECV_TIMEOUT_MS);
        waitIdle();
        try {
            // sipp writes its counters every second
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                    .until(() -> phones.successfulCalls() - answeredBefore >= calls);
        } catch (org.awaitility.core.ConditionTimeoutException fewerAnswered) {
            // fewer calls reached an agent than were placed: the trial fails below
        }
        int answered = phones.successfulCalls() - answeredBefore;
        long ast = ProcessStats.cpuMillis(asteriskPid()) - ast0;
        long jvm = path.server() ? ProcessStats.cpuMillis(stack.process.pid()) - jvm0 : -1;
        double seconds = (System.nanoTime() - t0) / 1e9;
        boolean pass = r.exitCode() == 0 && r.failed() == 0 && r.successful() == calls && answered >= calls;
        Trial t = new Trial(path, rate, n, calls, r, answered, pass, ast, jvm, loadBefore, ProcessStats.loadAverage(), seconds);
        System.out.printf("%s %-8s %3d calls/s trial %d: %d ok, %d failed, %d answered -> %s; CPU per call: Asterisk %.1f ms, cti-server %s; load %s -> %s; %.0f s%n",
                elapsed(),
                path.key(), rate, n, r.successful(), r.failed(), answered, pass ? "pass" : "FAIL", t.asteriskMsPerCall(),
                path.server() ? String.format("%.2f ms", t.serverMsPerCall()) : "not running", loadBefore, t.loadAfter(), seconds);
        return t;
    }

    // ------------------------------------------------------------------ summary

    /** Highest rate passed by every trial, with every lower rate passed by every trial too; 0 if none. */
    int allTrialsRate(String key) {
        int best = 0;
        for (int rate : RATES) {
            List<Trial> at = at(key, rate);
            if (at.size() < TRIALS || !at.stream().allMatch(Trial::pass)) {
                break;
            }
            best = rate;
        }
        return best;
    }

    /** For trial n: the highest rate it passed with every lower rate passed (its own ramp). */
    int trialRate(String key, int n) {
        int best = 0;
        for (int rate : RATES) {
            List<Trial> at = at(key, rate).stream().filter(t -> t.n() == n).toList();
            if (at.isEmpty() || !at.get(0).pass()) {
                break;
            }
            best = rate;
        }
        return best;
    }

    private List<Trial> at(String key, int rate) {
        return trials.getOrDefault(key, List.of()).stream().filter(t -> t.rate() == rate).toList();
    }

    private List<String> summary(ServerProcess.Heap heap) {
        List<String> rows = new ArrayList<>();
        Map<String, Integer> best = new HashMap<>();
        StringBuilder rate = new StringBuilder(String.format("| highest rate passed by all %d trials (%d s steps at %s calls/s, %d agents, agents talk %d ms) |",
                TRIALS, STEP_SECONDS, joined(RATES), AGENTS, HOLD_MS));
        StringBuilder spread = new StringBuilder("| each trial's own highest passing rate, min / median / max |");
        StringBuilder jvm = new StringBuilder("| cti-server CPU per call at that rate (its own JVM, /proc), min / median / max |");
        StringBuilder ast = new StringBuilder("| Asterisk CPU per call at that rate, min / median / max |");
        for (String key : trials.keySet()) {
            int all = allTrialsRate(key);
            best.put(key, all);
            rate.append(' ').append(key).append(' ').append(all).append(" calls/s |");
            double[] own = new double[TRIALS];
            for (int n = 1; n <= TRIALS; n++) {
                own[n - 1] = trialRate(key, n);
            }
            spread.append(' ').append(key).append(' ').append(spread(own, "%.0f")).append(" calls/s |");
            List<Trial> atBest = at(key, all);
            ast.append(' ').append(key).append(' ').append(atBest.isEmpty() ? "–" : spread(atBest, Trial::asteriskMsPerCall, "%.1f") + " ms").append(" |");
            if (!"static".equals(key)) {
                String fig = atBest.isEmpty() ? "–" : spread(atBest, Trial::serverMsPerCall, "%.2f") + " ms"
                        + (Double.isNaN(serverIdleMsPerSecond) ? "" : ", net of idle " + spread(atBest,
                        t -> (t.serverCpuMs() - serverIdleMsPerSecond * t.seconds()) / t.calls(), "%.2f") + " ms");
                String met = atBest.isEmpty() ? "no rate passed"
                        : median(atBest.stream().mapToDouble(Trial::serverMsPerCall).toArray()) <= TARGET_JVM_MS_PER_CALL ? "met" : "NOT met";
                jvm.append(' ').append(key).append(' ').append(fig).append(" (target ≤ ").append(TARGET_JVM_MS_PER_CALL)
                        .append(" ms: ").append(met).append(") |");
            }
        }
        Integer stat = best.get("static");
        for (String key : List.of("sos", "general")) {
            if (best.containsKey(key) && stat != null) {
                double ratio = stat == 0 ? 0 : (double) best.get(key) / stat;
                int top = RATES[RATES.length - 1];
                // a path that passed the top step may go faster: the ratio is then only a bound
                boolean keyTop = best.get(key) == top;
                boolean staticTop = stat == top;
                String bound = keyTop && staticTop ? ", both passed the top step"
                        : staticTop ? ", static passed the top step: an upper bound"
                        : keyTop ? ", " + key + " passed the top step: a lower bound" : "";
                boolean met = stat > 0 && ratio >= TARGET_RATIO;
                String verdict = keyTop && staticTop ? "not shown, add a higher step"
                        : staticTop && met ? "not shown, static needs a higher step"
                        : met ? "met" : "NOT met";
                rate.append(String.format(" ratio %s/static %.2f%s (target ≥ %.1f: %s) |", key, ratio, bound, TARGET_RATIO, verdict));
            }
        }
        rows.add(rate.toString());
        rows.add(spread.toString());
        rows.add(jvm.toString());
        rows.add(ast.toString());
        rows.add(String.format("| cti-server heap after GC at the end of the OneKey paths (jcmd GC.run, GC.heap_info; its own JVM, %s) | %.1f MiB used | %.1f MiB committed |",
                SERVER_JVM_ARGS.isEmpty() ? "default heap settings" : String.join(" ", SERVER_JVM_ARGS),
                mib(heap.usedBytes()), mib(heap.committedBytes())));
        rows.forEach(System.out::println);
        return rows;
    }

    private List<String> trialTable() {
        List<String> rows = new ArrayList<>();
        rows.add("| path | calls/s | trial | ok | failed | answered | result | Asterisk CPU/call | cti-server CPU/call | load before → after (1/5/15 min) |");
        rows.add("|---|---|---|---|---|---|---|---|---|---|");
        for (List<Trial> list : trials.values()) {
            for (Trial t : list) {
                rows.add(String.format("| %s | %d | %d | %d | %d | %d | %s | %.1f ms | %s | %s → %s |", t.path().key(), t.rate(), t.n(),
                        t.sipp().successful(), t.sipp().failed(), t.answered(), t.pass() ? "pass" : "FAIL", t.asteriskMsPerCall(),
                        t.path().server() ? String.format("%.2f ms", t.serverMsPerCall()) : "–", t.loadBefore(), t.loadAfter()));
            }
        }
        return rows;
    }

    /** Where the cti-server's CPU went during its rate steps: the biggest thread groups (names as /proc has them). */
    static String threadBreakdown(Map<String, Long> before, Map<String, Long> after, long benchJvmMs) {
        Map<String, Long> delta = new HashMap<>();
        after.forEach((name, ms) -> delta.put(name, ms - before.getOrDefault(name, 0L)));
        long total = delta.values().stream().mapToLong(Long::longValue).sum();
        List<String> top = delta.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .map(e -> String.format("%s %.1f s (%.0f%%)", e.getKey(), e.getValue() / 1000.0, 100.0 * e.getValue() / Math.max(1, total)))
                .toList();
        String row = String.format("| cti-server CPU by thread over its rate steps (/proc/PID/task, threads alive at the end; * = a number) | %.1f s in all | %s | the bench JVM (agents' WebSockets) meanwhile: %.1f s |",
                total / 1000.0, String.join(", ", top), benchJvmMs / 1000.0);
        System.out.println(row);
        return row;
    }

    // ------------------------------------------------------------------ database slowed

    /**
     * A second cti-server on a private MariaDB behind a latency proxy; calls while each chunk is delayed
     * {@link #DB_DELAY_MS} ms each way, then the delay is removed and the journal backlog watched until empty.
     */
    private String databaseSlowed() throws Exception {
        System.out.printf(elapsed() + " database slowed: cti-server on MariaDB behind a %d ms latency proxy, calls to %s at %d/s for %d s...%n",
                DB_DELAY_MS, DB_LINE, DB_RATE, DB_SECONDS);
        try (MariaDbServer maria = MariaDbServer.start();
             onekey.testkit.LatencyProxy proxy = new onekey.testkit.LatencyProxy(maria.port(), 0)) {
            Map<String, String> env = new HashMap<>(stack.env());
            env.put("ONEKEY_DB_URL", "jdbc:mariadb://127.0.0.1:" + proxy.port() + "/onekey");
            env.put("ONEKEY_DB_USER", maria.user());
            env.put("ONEKEY_DB_PASSWORD", maria.password());
            env.put("ONEKEY_ADMIN_PASSWORD", Stack.ADMIN_PASSWORD);
            try (ServerProcess server = new ServerProcess(env, SERVER_JVM_ARGS).start();
                 BenchAgents agents = startAgents(server);
                 HealthPoller poll = new HealthPoller(server.httpPort())) {
                proxy.setDelayMillis(DB_DELAY_MS);
                long t0 = System.nanoTime();
                Sipp.Load.Result r = Sipp.Load.run(stack.asterisk.sipPort, CALLER, DB_LINE, DB_RATE, DB_RATE * DB_SECONDS,
                        HOLD_MS, DB_SECONDS + 120);
                double loadSeconds = (System.nanoTime() - t0) / 1e9;
                proxy.setDelayMillis(0);
                long removedAt = System.currentTimeMillis();
                System.out.printf("  calls: %d ok, %d failed in %.0f s; latency removed%n", r.successful(), r.failed(), loadSeconds);
                String journal;
                if (!poll.sawJournal()) {
                    journal = "journal figures: not available (health has no journal field)";
                } else {
                    Long drained = null;
                    try {
                        Awaitility.await("journal pending back to 0").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                                .until(() -> poll.lastPendingZeroAfter(removedAt) != null);
                        drained = poll.lastPendingZeroAfter(removedAt) - removedAt;
                    } catch (org.awaitility.core.ConditionTimeoutException stillPending) {
                        // reported below
                    }
                    journal = String.format("journal: max pending %d, max oldestPendingMs %d, pending back to 0 %s after the latency was removed; written %d, failures %d",
                            poll.maxPending(), poll.maxOldestPendingMs(), drained == null ? "NOT within 180 s" : drained + " ms",
                            poll.last("written"), poll.last("failures"));
                }
                waitIdle();
                String row = String.format("| database slowed: cti-server on MariaDB behind a TCP proxy delaying every chunk %d ms each way, line %s %d calls/s for %d s, %d agents"
                                + " | %d calls ok, %d failed; sipp took %.0f s for %d s of calls | %s | health answered %d of %d polls (every 200 ms, 1 s timeout) |",
                        DB_DELAY_MS, DB_LINE, DB_RATE, DB_SECONDS, DB_AGENTS, r.successful(), r.failed(), loadSeconds, DB_SECONDS, journal,
                        poll.answered(), poll.polls());
                System.out.println(row);
                return row;
            }
        }
    }

    private BenchAgents startAgents(ServerProcess server) {
        Api api = new Api(server.httpPort());
        awaitAsterisk(api);
        return new BenchAgents(api, server.httpPort(), stack.asterisk, phones, 6000, DB_AGENTS);
    }

    // ------------------------------------------------------------------ helpers

    /** "[mm:ss]" since the bench started, for the progress lines. */
    static String elapsed() {
        long s = (System.nanoTime() - START_NANOS) / 1_000_000_000L;
        return String.format("[%02d:%02d]", s / 60, s % 60);
    }

    /** The settings of this run, as -D options (what to pass to repeat it). */
    static String settings() {
        return String.format("-Dbench.agents=%d -Dbench.rates=%s -Dbench.stepSeconds=%d -Dbench.trials=%d -Dbench.holdMs=%d"
                        + " -Dbench.paths=%s -Dbench.popRate=%d -Dbench.popSeconds=%d -Dbench.warmupCalls=%d -Dbench.recvTimeoutMs=%d"
                        + " -Dbench.popFastRate=" + POP_FAST_RATE + " -Dbench.popFastSeconds=" + POP_FAST_SECONDS
                        + " -Dbench.loginFlood=" + LOGIN_FLOOD + " -Dbench.db=%s -Dbench.dbDelayMs=%d -Dbench.dbRate=%d -Dbench.dbSeconds=%d -Dbench.dbAgents=%d -Dbench.dbLine=%s%s",
                AGENTS, String.join(",", Arrays.stream(RATES).mapToObj(String::valueOf).toList()), STEP_SECONDS, TRIALS, HOLD_MS,
                String.join(",", PATHS), POP_RATE, POP_SECONDS, WARMUP_CALLS, RECV_TIMEOUT_MS, DB_RUN, DB_DELAY_MS, DB_RATE,
                DB_SECONDS, DB_AGENTS, DB_LINE, SERVER_JVM_ARGS.isEmpty() ? "" : " -Dbench.serverJvmArgs=\"" + String.join(" ", SERVER_JVM_ARGS) + "\"");
    }

    private long asteriskPid() {
        try {
            return Long.parseLong(Files.readString(stack.asterisk.rundir.resolve("run/asterisk.pid")).trim());
        } catch (IOException e) {
            throw new IllegalStateException("no Asterisk pid file in " + stack.asterisk.rundir, e);
        }
    }

    private static void awaitAsterisk(Api api) {
        Awaitility.await("cti-server connected to Asterisk").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
    }

    /** Until Asterisk has no channels left (every call of the step finished). */
    private void waitIdle() {
        Awaitility.await("asterisk idle").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> stack.asterisk.cli("core show channels count").contains("0 active channels"));
    }

    static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static String spread(double[] v, String fmt) {
        double[] s = v.clone();
        Arrays.sort(s);
        return String.format(fmt + " / " + fmt + " / " + fmt, s[0], median(s), s[s.length - 1]);
    }

    static String spread(List<Trial> ts, ToDoubleFunction<Trial> f, String fmt) {
        return spread(ts.stream().mapToDouble(f).toArray(), fmt);
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    private static int[] ints(String csv) {
        return Stream.of(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).sorted().toArray();
    }

    private static String joined(int[] v) {
        return String.join(", ", Arrays.stream(v).mapToObj(String::valueOf).toList());
    }

    private static void append(Path out, ZonedDateTime started, String loadAtStart, List<String> rows, List<String> trialRows)
            throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("\n## Inbound path under load, cti-server in its own JVM — ").append(started).append("\n\n");
        b.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(String.format("%.1f GiB", ProcessStats.memTotalBytes() / 1073741824.0))
                .append(", Java ").append(Runtime.version()).append(", ").append(asteriskVersion())
                .append("; load average ").append(loadAtStart).append(" (1/5/15 min) at the start, ")
                .append(ProcessStats.loadAverage()).append(" at the end. Asterisk, sipp, the cti-server (its own JVM) and the bench JVM ")
                .append("(the agents' WebSockets) share the machine; CPU per call is utime+stime from /proc/PID/stat of the cti-server ")
                .append("and of Asterisk over a whole trial (sipp's and the bench's CPU not counted). A trial passes when sipp saw every ")
                .append("call succeed and the agents' phones answered every call; a path's steps stop after a rate no trial passed. ")
                .append("The SOS and general lines run with the cti-server up; the static baseline (9999 prefix) with it stopped. ")
                .append("The run took ").append((System.nanoTime() - START_NANOS) / 60_000_000_000L).append(" min; settings: `")
                .append(settings()).append("`.\n\n");
        b.append("| measure | | | | | |\n|---|---|---|---|---|---|\n");
        for (String r : rows) {
            b.append(r).append('\n');
        }
        b.append("\nTrials:\n\n");
        for (String r : trialRows) {
            b.append(r).append('\n');
        }
        Path abs = out.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Files.writeString(abs, b.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("appended to " + abs);
    }

    private static String asteriskVersion() {
        try {
            return Proc.run(List.of("asterisk", "-V"), Path.of("."), Map.of(), 10).trim();
        } catch (RuntimeException e) {
            return "Asterisk ?";
        }
    }
}

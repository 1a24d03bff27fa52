package onekey.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import onekey.store.Database;
import onekey.testkit.MariaDbServer;
import onekey.testkit.Ports;
import onekey.testkit.Proc;
import onekey.testkit.ProcessStats;
import onekey.testkit.ServerProcess;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import org.awaitility.Awaitility;

/**
 * {@code ./onekey bench surge} (issue 23): a surge day. {@code bench.calls} one-key calls (1,000) arrive in
 * {@code bench.seconds} (60) from one sipp — 20 % on the SOS line, the rest spread over registration, taxi,
 * consult and the general line, a tenth from numbers no elder has — while {@code bench.agents} (20) agents take
 * them: their WebSockets here, their phones one sipp UAS ({@code agent-talks.xml}) that answers after 1–3 s and
 * hangs up after a talk of 20–60 s (both scaled by {@code bench.talkScale} so that a run fits; the figures say
 * which). Every caller waits until an agent ends the call. The cti-server runs in its own JVM.
 * <p>
 * Afterwards every call is read back from Asterisk's own {@code queue_log} and from OneKey's {@code calls} rows
 * (the H2 file, read once the cti-server has stopped), and an ideal priority queue with the same agents is
 * simulated on the same queue-join times and the same ring and talk times (highest priority first, then the
 * earliest join; an agent is busy for ring + talk + wrap-up). Reported: calls lost (placed but neither answered,
 * overflowed nor abandoned: must be 0), SOS calls answered after a non-SOS call that joined the queue later (must
 * be 0), SOS wait (join → answer) p50/p99 against the ideal's (goal ≤ 1.1×), screen pops delivered before the
 * answer (goal 100 %), the journal's backlog (/api/health), the cti-server's CPU and heap, and the machine's load.
 */
public final class SurgeBench {

    static final int CALLS = Integer.getInteger("bench.calls", 1000);
    static final int SECONDS = Integer.getInteger("bench.seconds", 60);
    static final int AGENTS = Integer.getInteger("bench.agents", 20);
    static final double SOS_SHARE = Double.parseDouble(System.getProperty("bench.sosShare", "0.2"));
    static final double UNREGISTERED_SHARE = Double.parseDouble(System.getProperty("bench.unregisteredShare", "0.1"));
    static final double TALK_SCALE = Double.parseDouble(System.getProperty("bench.talkScale", "1.0"));
    static final long RING_MIN_MS = Long.getLong("bench.ringMinMs", 1000);
    static final long RING_MAX_MS = Long.getLong("bench.ringMaxMs", 3000);
    static final long TALK_MIN_MS = Math.round(Long.getLong("bench.talkMinMs", 20_000) * TALK_SCALE);
    static final long TALK_MAX_MS = Math.round(Long.getLong("bench.talkMaxMs", 60_000) * TALK_SCALE);
    /** Wrap-up after each call (calls.wrapUpSeconds); empty = the test stack's own setting. */
    static final String WRAPUP = System.getProperty("bench.wrapupSeconds", "");
    static final boolean CALLER_AUDIO = Boolean.parseBoolean(System.getProperty("bench.callerAudio", "true"));
    static final long SEED = Long.getLong("bench.seed", 23);
    /** A JFR recording of the cti-server over the measured surge only (after the warm-up), when set: its file. */
    static final String JFR = System.getProperty("bench.jfr", "");
    /** How often the bench reads /api/health during the run (its polls are CPU the cti-server spends for the bench). */
    static final long HEALTH_POLL_MS = Long.getLong("bench.healthPollMs", 1000);
    /**
     * The cti-server's database: h2 (embedded, the demo's: its writes are the cti-server's CPU) or mariadb (a private
     * MariaDB, production's: its CPU is the database process's, reported on its own row).
     */
    static final String DB = System.getProperty("bench.db", "h2");
    /** Calls of the same mix before the measured surge (JIT, caches), with talk 1–2 s; 0 = none. */
    static final int WARMUP_CALLS = Integer.getInteger("bench.warmupCalls", 200);
    static final List<String> SERVER_JVM_ARGS = Stream.of(System.getProperty("bench.serverJvmArgs", "").split("\\s+"))
            .filter(s -> !s.isBlank()).toList();

    static final double TARGET_SOS_RATIO = 1.1;

    /** The demo elders' numbers (registered callers). */
    static final List<String> REGISTERED = List.of("02155550001", "13917000001", "02155550002", "02155550003",
            "02155550004", "13524000004", "02155550005");
    static final String SOS_LINE = "1234901";
    static final List<String> OTHER_LINES = List.of("1234902", "1234903", "1234904", "12349");
    static final Map<String, Integer> PRIORITY = Map.of("1234901", 10, "1234902", 5, "1234903", 5, "1234904", 3, "12349", 1);

    static final long START = System.nanoTime();
    /** Where the measured surge starts in queue_log (bytes) and on the clock (epoch ms): warm-up calls are before. */
    static long queueLogOffset;
    /** AMI events the cti-server received per call of the surge (/api/health asterisk.eventsReceived). */
    static double amiEventsPerCall = Double.NaN;
    /** The database process's CPU over the surge (ms), or -1 when it is H2 inside the cti-server. */
    static long databaseCpu = -1;
    /** MariaDB's statements over the surge per call, by counter ("Questions" and the Com_* that moved); MariaDB only. */
    static String statementsPerCall;

    /** The counters that moved between two readings, per call, largest first. */
    static String perCall(Map<String, Long> before, Map<String, Long> after, int calls) {
        List<Map.Entry<String, Double>> moved = new ArrayList<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) {
                moved.add(Map.entry(k, (double) d / Math.max(1, calls)));
            }
        });
        moved.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        return moved.stream().filter(e -> e.getValue() >= 0.05)
                .map(e -> String.format(java.util.Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
    }
    static long measuredFrom;

    /** One call as both records tell it. Times in epoch ms; -1 = did not happen. */
    static final class Call {
        String linkedid;
        String dnis;
        String caller;
        int priority;
        long arrived = -1;
        long queued = -1;
        long answered = -1;
        long ended = -1;
        String outcome;
        String agent;
        /** From queue_log: seconds. */
        int qlEnters;
        boolean qlConnect;
        boolean qlComplete;
        boolean qlAbandon;
        boolean qlOverflow;
        long qlRingS = -1;
        long qlTalkS = -1;
        long firstPop = -1;
        /** AgentCalled's time of the first agent rung for the call (from its call.offered): the queue's choice. */
        long firstOffered = -1;

        long ringMs() {
            return firstOffered < 0 || answered < 0 ? -1 : answered - firstOffered;
        }

        boolean sos() {
            return priority >= 10;
        }

        long waitMs() {
            return answered < 0 || queued < 0 ? -1 : answered - queued;
        }

        long talkMs() {
            return answered < 0 || ended < 0 ? -1 : ended - answered;
        }
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        System.setProperty("onekey.rtpPorts", System.getProperty("onekey.rtpPorts", "6000"));
        ZonedDateTime started = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        String loadAtStart = ProcessStats.loadAverage();
        System.out.printf("surge bench: %s; load %s%n", settings(), loadAtStart);
        Path work = Files.createTempDirectory("oksurge");
        if (!DB.equals("h2") && !DB.equals("mariadb")) {
            throw new IllegalArgumentException("bench.db: h2 or mariadb, not " + DB);
        }
        MariaDbServer maria = DB.equals("mariadb") ? MariaDbServer.start() : null;
        String dbUrl = maria != null ? maria.jdbcUrl("onekey") : Database.h2FileUrl(work.resolve("onekey"));
        List<String> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (MariaDbServer closeDb = maria; Stack stack = stack(dbUrl)) {
            if (maria != null) {
                stack.with("ONEKEY_DB_USER", maria.user()).with("ONEKEY_DB_PASSWORD", maria.password());
            }
            stack.startAsterisk().startServerProcess(SERVER_JVM_ARGS);
            long astPid = Long.parseLong(Files.readString(stack.asterisk.rundir.resolve("run/asterisk.pid")).trim());
            awaitAsterisk(stack);
            Path agentScenario = fill(Sipp.scenario("agent-talks.xml"), work.resolve("agent-talks.xml"), Map.of(
                    "@@RING_MIN@@", String.valueOf(RING_MIN_MS), "@@RING_MAX@@", String.valueOf(RING_MAX_MS),
                    "@@TALK_MIN@@", String.valueOf(TALK_MIN_MS), "@@TALK_MAX@@", String.valueOf(TALK_MAX_MS)));
            Map<String, Call> placed;
            long serverCpu;
            long asteriskCpu;
            double runSeconds;
            String loadAfterCalls;
            ServerProcess.Heap heap;
            List<BenchAgents.Offer> offers;
            String journal;
            Path warmScenario = fill(Sipp.scenario("agent-talks.xml"), work.resolve("agent-warmup.xml"), Map.of(
                    "@@RING_MIN@@", "200", "@@RING_MAX@@", "500", "@@TALK_MIN@@", "1000", "@@TALK_MAX@@", "2000"));
            try (Sipp.AgentPhone warmPhone = new Sipp.AgentPhone(stack.asterisk.sipPort, "1001", stack.sipSecret("1001"), warmScenario);
                 Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk.sipPort, "1001", stack.sipSecret("1001"), agentScenario);
                 BenchAgents agents = new BenchAgents(stack.api, stack.process.httpPort(), stack.asterisk,
                         WARMUP_CALLS > 0 ? warmPhone : phone, 5000, AGENTS);
                 HealthPoller health = new HealthPoller(stack.process.httpPort(), HEALTH_POLL_MS)) {
                System.out.printf(elapsed() + " %d agents ready; cti-server pid %d, Asterisk pid %d%n", AGENTS, stack.process.pid(), astPid);
                Path queueLog = stack.asterisk.rundir.resolve("log/queue_log");
                if (WARMUP_CALLS > 0) {
                    System.out.printf(elapsed() + " warm-up: %d calls of the same mix at %.1f/s (not measured)...%n", WARMUP_CALLS,
                            (double) CALLS / SECONDS);
                    Path winf = work.resolve("warmup.csv");
                    writeInjection(plan(WARMUP_CALLS, SEED + 1), winf);
                    callers(stack.asterisk.sipPort, winf, work, (double) CALLS / SECONDS, WARMUP_CALLS, 600);
                    awaitNoChannels(stack, 300);
                    // the agents' phones now answer and talk as the surge wants
                    for (int i = 0; i < AGENTS; i++) {
                        phone.registerAlso(String.valueOf(5000 + i), "bench-sip-" + (5000 + i));
                    }
                }
                if (IDLE_SECONDS > 0) {
                    // the idle cti-server's own CPU, so that what a call adds can be told from what the server spends
                    // anyway (pollers, sessions, the JIT finishing the warm-up's compiles)
                    long i0 = ProcessStats.cpuMillis(stack.process.pid());
                    Map<String, Long> it0 = ProcessStats.threadCpuMillis(stack.process.pid());
                    long n0 = System.nanoTime();
                    Thread.sleep(IDLE_SECONDS * 1000L); // a measuring window of wall time, not a wait for a condition
                    double secs = (System.nanoTime() - n0) / 1e9;
                    long[] kinds = new long[3];
                    byKind(it0, ProcessStats.threadCpuMillis(stack.process.pid()), kinds);
                    idlePerSecond = new double[] {(ProcessStats.cpuMillis(stack.process.pid()) - i0) / secs, kinds[0] / secs,
                            kinds[2] / secs};
                    System.out.printf(elapsed() + " idle: %.2f ms of CPU a second (JIT %.2f, OneKey threads %.2f)%n",
                            idlePerSecond[0], idlePerSecond[1], idlePerSecond[2]);
                }
                queueLogOffset = Files.exists(queueLog) ? Files.size(queueLog) : 0;
                measuredFrom = System.currentTimeMillis();
                List<String[]> plan = plan(CALLS, SEED);
                Path inf = work.resolve("calls.csv");
                writeInjection(plan, inf);
                agents.keepOffers();
                if (!JFR.isBlank()) {
                    System.out.println(Proc.run(List.of("jcmd", String.valueOf(stack.process.pid()), "JFR.start", "name=surge",
                            "settings=profile", "filename=" + Path.of(JFR).toAbsolutePath()), work, Map.of(), 60).trim());
                }
                long events0 = amiEvents(stack);
                long cpu0 = ProcessStats.cpuMillis(stack.process.pid());
                Map<String, Long> threads0 = ProcessStats.threadCpuMillis(stack.process.pid());
                Map<String, Long> kernel0 = ProcessStats.threadKernelMillis(stack.process.pid());
                Map<String, Long> switches0 = ProcessStats.threadSwitches(stack.process.pid());
                long ast0 = ProcessStats.cpuMillis(astPid);
                long db0 = maria == null ? 0 : ProcessStats.cpuMillis(maria.pid());
                Map<String, Long> statements0 = maria == null ? Map.of() : maria.statementCounters();
                long t0 = System.nanoTime();
                long meanService = (RING_MIN_MS + RING_MAX_MS) / 2 + (TALK_MIN_MS + TALK_MAX_MS) / 2;
                long drainSeconds = SECONDS + CALLS * meanService / 1000 / Math.max(1, AGENTS) * 2 + 300;
                System.out.printf(elapsed() + " %d calls in %d s; the agents need about %d s for them (waits up to %d s allowed)%n",
                        CALLS, SECONDS, CALLS * meanService / 1000 / Math.max(1, AGENTS), drainSeconds);
                int exit = callers(stack.asterisk.sipPort, inf, work, (double) CALLS / SECONDS, CALLS, drainSeconds);
                awaitNoChannels(stack, 300);
                runSeconds = (System.nanoTime() - t0) / 1e9;
                serverCpu = ProcessStats.cpuMillis(stack.process.pid()) - cpu0;
                threads = new Map[] {threads0, ProcessStats.threadCpuMillis(stack.process.pid())};
                kernelThreads = new Map[] {kernel0, ProcessStats.threadKernelMillis(stack.process.pid())};
                switchThreads = new Map[] {switches0, ProcessStats.threadSwitches(stack.process.pid())};
                amiEventsPerCall = (double) (amiEvents(stack) - events0) / CALLS;
                asteriskCpu = ProcessStats.cpuMillis(astPid) - ast0;
                databaseCpu = maria == null ? -1 : ProcessStats.cpuMillis(maria.pid()) - db0;
                if (maria != null) {
                    statementsPerCall = perCall(statements0, maria.statementCounters(), CALLS);
                }
                loadAfterCalls = ProcessStats.loadAverage();
                System.out.printf(elapsed() + " callers' sipp exit %d after %.0f s; load %s%n", exit, runSeconds, loadAfterCalls);
                if (exit != 0) {
                    notes.add("the callers' sipp exited with " + exit + " (" + lastLine(work.resolve("calls/callers.out")) + ")");
                }
                offers = agents.offers();
                System.out.printf(elapsed() + " the agents' WebSockets got %d frames, %d call.offered; %d pops kept for the surge%n",
                        agents.frames(), agents.offered(), offers.size());
                String keepLog = System.getProperty("bench.serverLog", "");
                if (!keepLog.isBlank()) {
                    Files.copy(stack.process.outputFile(), Path.of(keepLog), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                if (!JFR.isBlank()) {
                    System.out.println(Proc.run(List.of("jcmd", String.valueOf(stack.process.pid()), "JFR.stop", "name=surge"),
                            work, Map.of(), 60).trim());
                }
                heap = stack.process.heapAfterGc();
                journal = health.sawJournal()
                        ? String.format("polled: max pending %d, max oldest pending %d ms, pending at the end %s, written %s,"
                                + " failures %s | the journal's own, since start (warm-up and idle included): max pending %s,"
                                + " longest from an op's append to its write %s ms, the writer's wake-ups %s",
                        health.maxPending(), health.maxOldestPendingMs(), health.last("pending"), health.last("written"),
                        health.last("failures"), health.last("maxPending"), health.last("maxWriteLagMs"),
                        health.last("writerWakeups"))
                        : "health has no journal field";
                placed = new LinkedHashMap<>();
                for (int i = 0; i < plan.size(); i++) {
                    Call c = new Call();
                    c.caller = plan.get(i)[0];
                    c.dnis = plan.get(i)[1];
                    c.priority = PRIORITY.get(c.dnis);
                    placed.put("#" + i, c);
                }
                Path callersDir = work.resolve("calls");
                int sippOk = Sipp.Stats.successfulIn(callersDir);
                int sippFailed = Sipp.Stats.failedIn(callersDir);
                if (sippFailed > 0) {
                    notes.add("sipp's callers: " + sippFailed + " calls failed; its last errors: " + sippErrors(callersDir));
                }
                rows.add(String.format("| calls placed (sipp) | %d: %d ok, %d failed | arrivals over %d s, %.0f%% SOS, %.0f%% unregistered numbers | the run until the last call ended took %.0f s |",
                        CALLS, sippOk, sippFailed, SECONDS, 100 * SOS_SHARE, 100 * UNREGISTERED_SHARE, runSeconds));
            }
            stack.stopServer(); // closes the H2 file so that this JVM can read the rows
            Map<String, Call> calls = maria == null ? readRows(dbUrl, "onekey", "") : readRows(dbUrl, maria.user(), maria.password());
            readQueueLog(stack.asterisk.rundir.resolve("log/queue_log"), calls);
            String keep = System.getProperty("bench.keep", "");
            if (!keep.isBlank()) {
                Files.createDirectories(Path.of(keep));
                Files.copy(stack.asterisk.rundir.resolve("log/queue_log"), Path.of(keep, "queue_log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            for (BenchAgents.Offer o : offers) {
                Call c = calls.get(o.linkedid());
                if (c != null && (c.firstPop < 0 || o.receivedAt() < c.firstPop)) {
                    c.firstPop = o.receivedAt();
                }
                if (c != null && o.amiEventAt() > 0 && (c.firstOffered < 0 || o.amiEventAt() < c.firstOffered)) {
                    c.firstOffered = o.amiEventAt();
                }
            }
            if (!keep.isBlank()) {
                StringBuilder csv = new StringBuilder("linkedid,dnis,priority,agent,arrived,queued,firstOffered,firstPop,answered,ended,outcome\n");
                calls.values().forEach(c -> csv.append(String.join(",", String.valueOf(c.linkedid), String.valueOf(c.dnis),
                        String.valueOf(c.priority), String.valueOf(c.agent), String.valueOf(c.arrived), String.valueOf(c.queued),
                        String.valueOf(c.firstOffered), String.valueOf(c.firstPop), String.valueOf(c.answered), String.valueOf(c.ended),
                        String.valueOf(c.outcome))).append('\n'));
                Files.writeString(Path.of(keep, "calls.csv"), csv);
            }
            rows.addAll(report(calls, serverCpu, asteriskCpu, runSeconds, heap, journal, loadAfterCalls));
        }
        append(out, started, loadAtStart, rows, notes);
        AsteriskInstanceCleanup.delete(work);
        System.exit(0);
    }

    private static Stack stack(String dbUrl) {
        Stack s = new Stack(dbUrl);
        if (!WRAPUP.isBlank()) {
            s.with("ONEKEY_CALLS_WRAPUPSECONDS", WRAPUP);
        }
        return s;
    }

    /** Caller number and line of every call, from a fixed seed. */
    static List<String[]> plan(int calls, long seed) {
        Random r = new Random(seed);
        List<String[]> plan = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            String line = r.nextDouble() < SOS_SHARE ? SOS_LINE : OTHER_LINES.get(r.nextInt(OTHER_LINES.size()));
            String caller = r.nextDouble() < UNREGISTERED_SHARE ? String.format("0219%07d", i)
                    : REGISTERED.get(r.nextInt(REGISTERED.size()));
            plan.add(new String[] {caller, line});
        }
        return plan;
    }

    /** Runs the callers' sipp until every call ended; returns its exit code. */
    private static void writeInjection(List<String[]> plan, Path inf) throws IOException {
        StringBuilder csv = new StringBuilder("SEQUENTIAL\n");
        plan.forEach(p -> csv.append(p[0]).append(';').append(p[1]).append(";\n"));
        Files.writeString(inf, csv.toString());
    }

    private static int callers(int sipPort, Path inf, Path work, double rate, int calls, long timeoutSeconds) throws Exception {
        work = work.resolve(inf.getFileName().toString().replace(".csv", "")); // its own folder: sipp's stats file
        Files.createDirectories(work);
        Path scenario = work.resolve("caller-waits.xml");
        String xml = Files.readString(Path.of(Sipp.scenario("caller-waits.xml")));
        if (!CALLER_AUDIO) {
            xml = xml.replaceAll("(?s)<nop>\\s*<action>\\s*<exec rtp_stream=\"\\[audio]\"/>\\s*</action>\\s*</nop>", "");
        }
        Files.writeString(scenario, xml);
        List<String> cmd = new ArrayList<>(List.of("sipp", "127.0.0.1:" + sipPort, "-sf", scenario.toString(),
                "-inf", inf.toString(), "-i", "127.0.0.1", "-p", String.valueOf(Ports.free()), "-mp",
                String.valueOf(Ports.freeRange(4)), "-r", String.valueOf(Math.round(rate * 1000)), "-rp", "1000000",
                "-m", String.valueOf(calls), "-l", String.valueOf(calls + 10), "-nostdin", "-trace_stat", "-trace_err", "-fd", "1",
                "-timeout_error", "-timeout", timeoutSeconds + "s", "-recv_timeout", String.valueOf(timeoutSeconds * 1000)));
        if (CALLER_AUDIO) {
            cmd.addAll(List.of("-key", "audio", Sipp.audio() + ",-1,0"));
        }
        Process p = Proc.start(cmd, work, Map.of(), work.resolve("callers.out"));
        // sipp names its -trace_stat file after the scenario and its pid: the newest is this run's
        if (!p.waitFor(timeoutSeconds + 30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    // ------------------------------------------------------------------ the records

    /** OneKey's rows: the calls that came in through the trunk (direction NULL; a seat's own calls are 'seat'). */
    static Map<String, Call> readRows(String dbUrl, String user, String password) throws Exception {
        Map<String, Call> calls = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(dbUrl, user, password);
             ResultSet rs = c.createStatement().executeQuery("select linkedid, caller_number, dnis, priority, arrived_at, queued_at,"
                     + " answered_at, ended_at, outcome, agent_name from calls where direction is null and arrived_at >= " + (measuredFrom - 500)
                     + " order by arrived_at")) {
            while (rs.next()) {
                Call k = new Call();
                k.linkedid = rs.getString(1);
                k.caller = rs.getString(2);
                k.dnis = rs.getString(3);
                k.priority = PRIORITY.getOrDefault(k.dnis, rs.getInt(4));
                k.arrived = rs.getLong(5);
                k.queued = nullable(rs, 6);
                k.answered = nullable(rs, 7);
                k.ended = nullable(rs, 8);
                k.outcome = rs.getString(9);
                k.agent = rs.getString(10);
                calls.put(k.linkedid, k);
            }
        }
        return calls;
    }

    private static long nullable(ResultSet rs, int col) throws java.sql.SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? -1 : v;
    }

    /**
     * Asterisk's queue_log ({@code epoch|callid|queue|agent|event|data…}; callid = the caller channel's uniqueid =
     * the call's linkedid): a call Asterisk saw but OneKey has no row of is added (it then counts as lost).
     */
    static void readQueueLog(Path file, Map<String, Call> calls) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        byte[] all = Files.readAllBytes(file);
        String text = new String(all, (int) Math.min(queueLogOffset, all.length), (int) (all.length - Math.min(queueLogOffset, all.length)),
                StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            String[] f = line.split("\\|", -1);
            if (f.length < 5 || !"onekey".equals(f[2]) || !CALL_EVENTS.contains(f[4])) {
                continue;
            }
            Call c = calls.computeIfAbsent(f[1], id -> {
                Call k = new Call();
                k.linkedid = id;
                k.outcome = "no OneKey row";
                return k;
            });
            switch (f[4]) {
                case "ENTERQUEUE" -> c.qlEnters++;
                case "CONNECT" -> {
                    c.qlConnect = true;
                    c.qlRingS = f.length > 7 ? parse(f[7]) : -1;
                }
                case "COMPLETECALLER", "COMPLETEAGENT" -> {
                    c.qlComplete = true;
                    c.qlTalkS = f.length > 6 ? parse(f[6]) : -1;
                }
                case "ABANDON" -> c.qlAbandon = true;
                case "EXITWITHTIMEOUT" -> c.qlOverflow = true;
                default -> { }
            }
        }
    }

    static final java.util.Set<String> CALL_EVENTS = java.util.Set.of("ENTERQUEUE", "CONNECT", "COMPLETECALLER",
            "COMPLETEAGENT", "ABANDON", "EXITWITHTIMEOUT", "RINGNOANSWER", "EXITEMPTY", "TRANSFER", "BLINDTRANSFER",
            "ATTENDEDTRANSFER");

    private static long parse(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ the figures

    /** The cti-server's CPU by thread name at the surge's start and end (null: not measured). */
    @SuppressWarnings("unchecked")
    static Map<String, Long>[] threads;
    /** The same, the time in the kernel only (null: not measured). */
    @SuppressWarnings("unchecked")
    static Map<String, Long>[] kernelThreads;
    /** The cti-server's context switches by thread name at the surge's start and end (null: not measured). */
    @SuppressWarnings("unchecked")
    static Map<String, Long>[] switchThreads;

    /** Context switches a call by thread over the surge, the most first: each is a wait and a wake-up. */
    static String switchRow(int calls) {
        if (switchThreads == null) {
            return null;
        }
        double c = Math.max(1, calls);
        long total = 0;
        Map<String, Long> by = new java.util.HashMap<>();
        for (Map.Entry<String, Long> e : switchThreads[1].entrySet()) {
            long n = e.getValue() - switchThreads[0].getOrDefault(e.getKey(), 0L);
            if (n > 0) {
                by.put(e.getKey(), n);
                total += n;
            }
        }
        String top = by.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .map(e -> String.format("%s %.1f", e.getKey(), e.getValue() / c))
                .collect(java.util.stream.Collectors.joining(", "));
        return String.format("| the cti-server's context switches a call over the surge (/proc/PID/task/*/status, voluntary and not) "
                + "| %.1f | %s |", total / c, top);
    }

    /**
     * The cti-server's CPU over the surge by kind of thread (/proc/PID/task; threads alive at the end): the JIT's
     * compiler threads (still compiling after the warm-up: issue 23 charges no JIT start-up to calls), the garbage
     * collector's and the JVM's own, and the rest (OneKey's threads and the virtual threads' carriers), each per call.
     */
    static String threadRow(Map<String, Long> before, Map<String, Long> after, int calls) {
        long[] kinds = new long[3];
        Map<String, Long> others = byKind(before, after, kinds);
        long jit = kinds[0];
        long gc = kinds[1];
        long rest = kinds[2];
        double c = Math.max(1, calls);
        // the kernel's part (stime: system calls — a file write, a futex wake, a socket send — and page faults), when read
        Map<String, Long> kernel = new java.util.HashMap<>();
        long[] kernelKinds = new long[3];
        if (kernelThreads != null && kernelThreads[0] != null && kernelThreads[1] != null) {
            kernel = byKind(kernelThreads[0], kernelThreads[1], kernelKinds);
        }
        Map<String, Long> k = kernel;
        String top = others.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / c)
                        + (k.containsKey(e.getKey()) ? String.format(" (kernel %.2f)", k.get(e.getKey()) / c) : ""))
                .collect(java.util.stream.Collectors.joining(", "));
        return String.format("| cti-server CPU over the surge by thread (/proc/PID/task, ms per call) | JIT compiler threads %.2f | GC, VM and JFR threads %.2f | "
                + "OneKey and carrier threads %.2f, of which in the kernel %.2f (%s) |", jit / c, gc / c, rest / c,
                kernelKinds[2] / c, top);
    }

    /**
     * CPU ms between two /proc samples by kind into {@code kinds}: [0] the JIT's compiler threads, [1] the garbage
     * collector's, the JVM's and JFR's, [2] the rest (OneKey's threads and the virtual threads' carriers), whose
     * threads are returned by name.
     */
    static Map<String, Long> byKind(Map<String, Long> before, Map<String, Long> after, long[] kinds) {
        Map<String, Long> others = new java.util.HashMap<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long ms = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            String n = e.getKey();
            if (n.contains("CompilerThre")) {
                kinds[0] += ms;
            } else if (n.startsWith("GC Thread") || n.startsWith("G1 ") || n.equals("VM Thread") || n.startsWith("JFR ")) {
                kinds[1] += ms;
            } else {
                kinds[2] += ms;
                others.merge(n, ms, Long::sum);
            }
        }
        return others;
    }

    /** How long the idle cti-server is measured before the surge (agents ready, no call), seconds; 0: not. */
    static final int IDLE_SECONDS = Integer.getInteger("bench.idleSeconds", 20);
    /** The idle cti-server's CPU a second before the surge: {whole process, JIT, OneKey threads}; null: not measured. */
    static double[] idlePerSecond;

    /**
     * The idle row: what the cti-server spends a second with the agents signed in and no call, and the surge's CPU a
     * call less that rate over the surge's run (what a call adds; issue 23 sets ≤ 3 ms a call).
     */
    static String idleRow(long serverCpu, double seconds, int calls) {
        if (idlePerSecond == null) {
            return null;
        }
        double c = Math.max(1, calls);
        String less = String.format("the surge's CPU less that rate over its %.0f s: %.2f ms per call", seconds,
                (serverCpu - idlePerSecond[0] * seconds) / c);
        if (threads != null) {
            long[] kinds = new long[3];
            byKind(threads[0], threads[1], kinds);
            less += String.format(" (OneKey and carrier threads %.2f, JIT %.2f)", (kinds[2] - idlePerSecond[2] * seconds) / c,
                    (kinds[0] - idlePerSecond[1] * seconds) / c);
        }
        return String.format("| cti-server idle before the surge (%d agents ready, no call, %d s, /proc) | %.2f ms of CPU a second "
                + "(JIT %.2f, OneKey and carrier threads %.2f) | %s |", AGENTS, IDLE_SECONDS, idlePerSecond[0], idlePerSecond[1],
                idlePerSecond[2], less);
    }

    static List<String> report(Map<String, Call> all, long serverCpu, long asteriskCpu, double seconds, ServerProcess.Heap heap,
                               String journal, String loadAfter) {
        List<Call> calls = all.values().stream().filter(c -> c.dnis == null || PRIORITY.containsKey(c.dnis)).toList();
        List<String> rows = new ArrayList<>();
        int answered = 0;
        int overflowed = 0;
        int abandoned = 0;
        List<String> lostIds = new ArrayList<>();
        int rowsMissing = 0;
        int qlMissing = 0;
        for (Call c : calls) {
            boolean ans = c.answered >= 0 || c.qlConnect;
            boolean ovf = "overflowed".equals(c.outcome);
            boolean abd = "abandoned".equals(c.outcome) || c.qlAbandon && !ans;
            if (ans) {
                answered++;
            } else if (ovf) {
                overflowed++;
            } else if (abd) {
                abandoned++;
            } else {
                lostIds.add(c.linkedid + " (" + c.outcome + ")");
            }
            if ("no OneKey row".equals(c.outcome)) {
                rowsMissing++;
            }
            if (c.qlEnters == 0) {
                qlMissing++;
            }
        }
        int lost = lostIds.size() + Math.max(0, CALLS - calls.size());
        rows.add(String.format("| calls lost (placed, but neither answered, overflowed nor abandoned by the caller) | %d | answered %d, overflowed %d, abandoned %d of %d OneKey rows / queue_log calls (%d placed) | OneKey rows missing for queue_log calls: %d; calls in no queue_log: %d | target 0: %s |",
                lost, answered, overflowed, abandoned, calls.size(), CALLS, rowsMissing, qlMissing, lost == 0 ? "met" : "NOT met"));
        if (!lostIds.isEmpty()) {
            rows.add("| lost calls | " + String.join(", ", lostIds.subList(0, Math.min(10, lostIds.size()))) + " |");
        }
        // SOS answered after a non-SOS call that joined the queue later
        List<Call> byAnswer = calls.stream().filter(c -> c.answered >= 0 && c.queued >= 0).toList();
        Map<Call, long[]> ideal = simulate(byAnswer, AGENTS, wrapupMs());
        Map<Call, long[]> polled = simulate(byAnswer, AGENTS, wrapupMs(), 1000);
        int answeredAfter = inversions(byAnswer, c -> c.answered);
        int offeredAfter = inversions(byAnswer.stream().filter(c -> c.firstOffered >= 0).toList(), c -> c.firstOffered);
        int idealAnsweredAfter = inversions(byAnswer, c -> c.queued + ideal.get(c)[0]);
        long sosAnswered = byAnswer.stream().filter(Call::sos).count();
        rows.add(String.format("| SOS calls answered after a non-SOS call that joined the queue later | %d of %d SOS calls answered | the ideal queue with the same rings: %d (an agent's ring of 1–3 s can let a later call's answer overtake) | target 0: %s |",
                answeredAfter, sosAnswered, idealAnsweredAfter, answeredAfter == 0 ? "met" : answeredAfter <= idealAnsweredAfter ? "NOT met, but no more than the ideal queue's" : "NOT met"));
        rows.add(String.format("| SOS calls offered to an agent (AgentCalled) after a non-SOS call that joined the queue later: the queue's own order | %d of %d | target 0: %s |",
                offeredAfter, sosAnswered, offeredAfter == 0 ? "met" : "NOT met"));
        if (offeredAfter > 0) {
            rows.add("| those SOS calls: how much later than the non-SOS call they were rung, and how long they had waited when it was | "
                    + inversionDetails(byAnswer.stream().filter(c -> c.firstOffered >= 0).toList()) + " |");
        }
        // the ideal queue on the same joins, rings and talks
        List<Long> realSos = byAnswer.stream().filter(Call::sos).map(Call::waitMs).sorted().toList();
        List<Long> idealSos = byAnswer.stream().filter(Call::sos).map(c -> ideal.get(c)[0]).sorted().toList();
        List<Long> realAll = byAnswer.stream().map(Call::waitMs).sorted().toList();
        List<Long> idealAll = byAnswer.stream().map(c -> ideal.get(c)[0]).sorted().toList();
        long r50 = pct(realSos, 50);
        long r99 = pct(realSos, 99);
        long i50 = pct(idealSos, 50);
        long i99 = pct(idealSos, 99);
        double ratio50 = i50 <= 0 ? Double.NaN : (double) r50 / i50;
        double ratio99 = i99 <= 0 ? Double.NaN : (double) r99 / i99;
        boolean met = (Double.isNaN(ratio50) || ratio50 <= TARGET_SOS_RATIO) && (Double.isNaN(ratio99) || ratio99 <= TARGET_SOS_RATIO)
                && !realSos.isEmpty();
        rows.add(String.format("| SOS wait, queue join → answer (OneKey rows, ms) | p50 %d ms, p99 %d ms, max %d ms | ideal priority queue, same agents, joins, rings and talks: p50 %d ms, p99 %d ms | ratio p50 %s, p99 %s | target ≤ %.1f: %s |",
                r50, r99, realSos.isEmpty() ? -1 : realSos.get(realSos.size() - 1), i50, i99, fmt(ratio50), fmt(ratio99),
                TARGET_SOS_RATIO, met ? "met" : "NOT met"));
        List<Long> polledSos = byAnswer.stream().filter(Call::sos).map(c -> polled.get(c)[0]).sorted().toList();
        rows.add(String.format("| the same priority queue looking for a free agent once a second, as app_queue's waiting callers do (not the target: what OneKey can reach on Asterisk 16's queue) | SOS wait p50 %d ms, p99 %d ms | real ÷ this: p50 %s, p99 %s |",
                pct(polledSos, 50), pct(polledSos, 99), fmt(pct(polledSos, 50) <= 0 ? Double.NaN : (double) r50 / pct(polledSos, 50)),
                fmt(pct(polledSos, 99) <= 0 ? Double.NaN : (double) r99 / pct(polledSos, 99))));
        rows.add(String.format("| every line's wait, queue join → answer | p50 %d ms, p99 %d ms | ideal: p50 %d ms, p99 %d ms | (non-SOS waits are what SOS-first costs them) |",
                pct(realAll, 50), pct(realAll, 99), pct(idealAll, 50), pct(idealAll, 99)));
        // pops before the answer
        long withPop = byAnswer.stream().filter(c -> c.firstPop >= 0 && c.firstPop < c.answered).count();
        long noPop = byAnswer.stream().filter(c -> c.firstPop < 0).count();
        List<Long> lead = byAnswer.stream().filter(c -> c.firstPop >= 0).map(c -> c.answered - c.firstPop).sorted().toList();
        rows.add(String.format("| screen pops delivered before the answer (call.offered at an agent's client, other JVM, before the call's answeredAt) | %d of %d answered calls (%.1f%%) | no pop at all: %d | pop ahead of the answer: p1 %d ms, p50 %d ms | goal 100%%: %s |",
                withPop, byAnswer.size(), byAnswer.isEmpty() ? 0 : 100.0 * withPop / byAnswer.size(), noPop, pct(lead, 1), pct(lead, 50),
                withPop == byAnswer.size() && !byAnswer.isEmpty() ? "met" : "NOT met"));
        // where an agent's time goes between calls: its previous call's end → its next AgentCalled (the sim's wrap-up)
        Map<String, List<Call>> byAgent = new HashMap<>();
        byAgent.putAll(byAnswer.stream().filter(c -> c.agent != null && c.firstOffered >= 0)
                .collect(java.util.stream.Collectors.groupingBy(c -> c.agent)));
        List<Long> gaps = new ArrayList<>();
        for (List<Call> l : byAgent.values()) {
            List<Call> sorted = l.stream().sorted(Comparator.comparingLong(c -> c.firstOffered)).toList();
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i - 1).ended >= 0) {
                    gaps.add(sorted.get(i).firstOffered - sorted.get(i - 1).ended);
                }
            }
        }
        gaps.sort(null);
        rows.add(String.format("| an agent's gap from the end of a call to being rung for the next, while callers wait (wrap-up %d ms included; the ideal queue has the wrap-up only) | p50 %d ms | p90 %d ms | p99 %d ms | %d gaps |",
                wrapupMs(), pct(gaps, 50), pct(gaps, 90), pct(gaps, 99), gaps.size()));
        rows.add("| journal backlog during the run (/api/health every " + HEALTH_POLL_MS + " ms) | " + journal + " |");
        rows.add(String.format("| CPU over the run (%.0f s, /proc) | cti-server %.1f s = %.2f ms per call | Asterisk %.1f s = %.1f ms per call | AMI events received by the cti-server: %.1f per call | load at the end %s |",
                seconds, serverCpu / 1000.0, (double) serverCpu / Math.max(1, calls.size()), asteriskCpu / 1000.0,
                (double) asteriskCpu / Math.max(1, calls.size()), amiEventsPerCall, loadAfter));
        if (statementsPerCall != null) {
            rows.add("| the database's statements per call over the surge (MariaDB SHOW GLOBAL STATUS, the bench's own reads included) | "
                    + statementsPerCall + " |");
        }
        rows.add(databaseCpu < 0
                ? "| the database | H2 embedded in the cti-server (`-Dbench.db=h2`): its writes are in the cti-server's CPU above |"
                : String.format("| the database | MariaDB in its own process (`-Dbench.db=mariadb`, the production set-up): %.1f s = %.2f ms per call, not in the cti-server's CPU above |",
                        databaseCpu / 1000.0, (double) databaseCpu / Math.max(1, calls.size())));
        if (threads != null) {
            // per call as the CPU row above: over the calls OneKey has rows for
            rows.add(threadRow(threads[0], threads[1], calls.size()));
            String switches = switchRow(calls.size());
            if (switches != null) {
                rows.add(switches);
            }
        }
        String idle = idleRow(serverCpu, seconds, calls.size());
        if (idle != null) {
            rows.add(idle);
        }
        rows.add(String.format("| cti-server heap after GC at the end (jcmd; %s) | %.1f MiB used | %.1f MiB committed |",
                SERVER_JVM_ARGS.isEmpty() ? "default heap settings" : String.join(" ", SERVER_JVM_ARGS),
                heap.usedBytes() / 1048576.0, heap.committedBytes() / 1048576.0));
        rows.forEach(System.out::println);
        return rows;
    }

    /** SOS calls whose time {@code at} comes after that of a non-SOS call that joined the queue later. */
    static int inversions(List<Call> calls, java.util.function.ToLongFunction<Call> at) {
        List<Call> others = calls.stream().filter(c -> !c.sos()).sorted(Comparator.comparingLong(c -> c.queued)).toList();
        int n = 0;
        for (Call s : calls) {
            if (!s.sos()) {
                continue;
            }
            long mine = at.applyAsLong(s);
            for (Call o : others) {
                if (o.queued > s.queued && at.applyAsLong(o) < mine) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    /**
     * For each SOS call offered after a non-SOS call that joined later: the first such non-SOS call's AgentCalled
     * before the SOS call's (ms), and the SOS call's wait at that moment (ms).
     */
    static String inversionDetails(List<Call> calls) {
        List<String> out = new ArrayList<>();
        int withinALook = 0;
        for (Call s : calls) {
            if (!s.sos()) {
                continue;
            }
            java.util.Optional<Call> first = calls.stream().filter(o -> !o.sos() && o.queued > s.queued && o.firstOffered < s.firstOffered)
                    .min(Comparator.comparingLong(o -> o.firstOffered));
            if (first.isPresent()) {
                Call o = first.get();
                withinALook += s.firstOffered - o.firstOffered < 1000 ? 1 : 0;
                out.add(String.format("%d ms later, had waited %d ms (non-SOS joined %d ms after it)",
                        s.firstOffered - o.firstOffered, o.firstOffered - s.queued, o.queued - s.queued));
            }
        }
        return String.format("%d of %d rung less than 1,000 ms after the non-SOS call (app_queue's waiting caller looks for a "
                + "free agent once a second, a joining caller at once: both had one) | ", withinALook, out.size()) + String.join("; ", out);
    }

    static long wrapupMs() {
        String w = WRAPUP.isBlank() ? "1" : WRAPUP; // Stack's default
        return Long.parseLong(w) * 1000L;
    }

    /**
     * An ideal priority queue: {@code agents} agents, each call served highest priority first, then earliest queue
     * join; a call holds its agent for its own ring (AgentCalled → answer, else queue_log's, else the mean) + talk
     * (OneKey's row) + wrap-up. Returns each call's {wait (join → answer), wait until offered} in ms.
     */
    static Map<Call, long[]> simulate(List<Call> calls, int agents, long wrapupMs) {
        return simulate(calls, agents, wrapupMs, 0);
    }

    /**
     * As {@link #simulate(List, int, long)}, but a waiting call looks for a free agent only every {@code recheckMs}
     * from its join (app_queue's wait loop looks once a second: an agent freed between two looks waits for the next);
     * a call that joins while an agent is free takes it at once. 0: the ideal queue, which sees a free agent at once.
     */
    static Map<Call, long[]> simulate(List<Call> calls, int agents, long wrapupMs, long recheckMs) {
        long meanRing = (RING_MIN_MS + RING_MAX_MS) / 2;
        List<Call> arrivals = new ArrayList<>(calls);
        arrivals.sort(Comparator.comparingLong(c -> c.queued));
        PriorityQueue<Call> waiting = new PriorityQueue<>(Comparator.<Call>comparingInt(c -> -c.priority).thenComparingLong(c -> c.queued));
        PriorityQueue<Long> free = new PriorityQueue<>();
        long t0 = arrivals.isEmpty() ? 0 : arrivals.get(0).queued;
        for (int i = 0; i < agents; i++) {
            free.add(t0);
        }
        Map<Call, long[]> wait = new HashMap<>();
        int next = 0;
        while (next < arrivals.size() || !waiting.isEmpty()) {
            long agentAt = free.peek();
            // every call that joined by the time the next agent is free competes for it
            while (next < arrivals.size() && (waiting.isEmpty() || arrivals.get(next).queued <= agentAt)) {
                waiting.add(arrivals.get(next++));
            }
            Call c = waiting.poll();
            long freeAt = free.poll();
            long start = Math.max(freeAt, c.queued);
            if (recheckMs > 0 && freeAt > c.queued) {
                start = c.queued + (freeAt - c.queued + recheckMs - 1) / recheckMs * recheckMs;
            }
            long ring = c.ringMs() >= 0 ? c.ringMs() : c.qlRingS >= 0 ? c.qlRingS * 1000 : meanRing;
            long talk = Math.max(0, c.talkMs());
            wait.put(c, new long[] {start + ring - c.queued, start - c.queued});
            free.add(start + ring + talk + wrapupMs);
        }
        return wait;
    }

    // ------------------------------------------------------------------ helpers

    static String settings() {
        return String.format("-Dbench.calls=%d -Dbench.seconds=%d -Dbench.agents=%d -Dbench.sosShare=%s -Dbench.unregisteredShare=%s"
                        + " -Dbench.talkScale=%s (talk %d–%d ms) -Dbench.ringMinMs=%d -Dbench.ringMaxMs=%d -Dbench.wrapupSeconds=%s"
                        + " -Dbench.callerAudio=%s -Dbench.seed=%d -Dbench.warmupCalls=" + WARMUP_CALLS + " -Dbench.db=" + DB + "%s",
                CALLS, SECONDS, AGENTS, SOS_SHARE, UNREGISTERED_SHARE, TALK_SCALE, TALK_MIN_MS, TALK_MAX_MS, RING_MIN_MS,
                RING_MAX_MS, WRAPUP.isBlank() ? "1" : WRAPUP, CALLER_AUDIO, SEED,
                SERVER_JVM_ARGS.isEmpty() ? "" : " -Dbench.serverJvmArgs=\"" + String.join(" ", SERVER_JVM_ARGS) + "\"");
    }

    private static Path fill(String template, Path to, Map<String, String> values) throws IOException {
        String s = Files.readString(Path.of(template));
        for (Map.Entry<String, String> e : values.entrySet()) {
            s = s.replace(e.getKey(), e.getValue());
        }
        Files.writeString(to, s);
        return to;
    }

    private static long amiEvents(Stack stack) {
        return stack.api.get("/api/health", null).json().path("asterisk").path("eventsReceived").asLong(-1);
    }

    private static void awaitAsterisk(Stack stack) {
        Awaitility.await("cti-server connected to Asterisk").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
    }

    private static void awaitNoChannels(Stack stack, long seconds) {
        Awaitility.await("asterisk idle").atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(1000))
                .until(() -> stack.asterisk.cli("core show channels count").contains("0 active channels"));
    }

    static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format("%.2f", v);
    }

    /** The distinct kinds of error in sipp's -trace_err file (the call ids left out), at most five. */
    static String sippErrors(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            Path err = files.filter(f -> f.getFileName().toString().endsWith("_errors.log")).findFirst().orElse(null);
            if (err == null) {
                return "(no error file)";
            }
            return Files.readAllLines(err).stream().map(l -> l.replaceAll("^[0-9-]+\\s+[0-9:.]+\\s+[0-9.]+:\\s*", "")
                            .replaceAll("'[^']*'", "'…'").replaceAll("[0-9]+", "N").trim())
                    .filter(l -> !l.isBlank() && !l.startsWith("The following events"))
                    .collect(java.util.stream.Collectors.groupingBy(l -> l, LinkedHashMap::new, java.util.stream.Collectors.counting()))
                    .entrySet().stream().limit(5).map(e -> e.getValue() + "× " + e.getKey().replace('|', '/'))
                    .collect(java.util.stream.Collectors.joining("; "));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static String lastLine(Path f) {
        try {
            List<String> l = Files.readAllLines(f);
            return l.isEmpty() ? "" : l.get(l.size() - 1);
        } catch (IOException e) {
            return "";
        }
    }

    static String elapsed() {
        long s = (System.nanoTime() - START) / 1_000_000_000L;
        return String.format("[%02d:%02d]", s / 60, s % 60);
    }

    private static void append(Path out, ZonedDateTime started, String loadAtStart, List<String> rows, List<String> notes)
            throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("\n## Surge: ").append(CALLS).append(" calls in ").append(SECONDS).append(" s, SOS first — ").append(started)
                .append(" (issue 23, ./onekey bench surge)\n\n");
        b.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(String.format("%.1f GiB", ProcessStats.memTotalBytes() / 1073741824.0)).append(", Java ")
                .append(Runtime.version()).append("; load average ").append(loadAtStart).append(" at the start, ")
                .append(ProcessStats.loadAverage()).append(" at the end. ").append(AGENTS)
                .append(" agents (WebSockets in the bench JVM, phones one sipp UAS: ring ").append(RING_MIN_MS).append('–')
                .append(RING_MAX_MS).append(" ms, talk ").append(TALK_MIN_MS).append('–').append(TALK_MAX_MS).append(" ms")
                .append(TALK_SCALE == 1.0 ? "" : String.format(", the issue's 20–60 s scaled by %s so the run fits", TALK_SCALE))
                .append("), the cti-server in its own JVM; callers wait until an agent hangs up. Settings: `")
                .append(settings()).append("`.\n\n");
        b.append("| measure | | | | |\n|---|---|---|---|---|\n");
        rows.forEach(r -> b.append(r).append('\n'));
        if (!notes.isEmpty()) {
            b.append('\n');
            notes.forEach(n -> b.append("- ").append(n).append('\n'));
        }
        Files.writeString(out.toAbsolutePath(), b.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("appended to " + out.toAbsolutePath());
    }

    /** Removes the bench's temp folder (kept when the bench failed, for a look). */
    static final class AsteriskInstanceCleanup {
        static void delete(Path dir) throws IOException {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}

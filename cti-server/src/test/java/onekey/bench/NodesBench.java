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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import onekey.testkit.AsteriskInstance;
import onekey.testkit.KamailioInstance;
import onekey.testkit.Ports;
import onekey.testkit.ProcessStats;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import org.awaitility.Awaitility;

/**
 * {@code ./onekey bench nodes} (issue 25): the inbound SOS path through Kamailio with two Asterisk nodes against one
 * Asterisk without Kamailio, same machine, same cti-server (in the bench JVM), same agents ({@link BenchAgents}: one
 * sipp phone registered as every agent). For each layout: the screen-pop latency (AgentCalled's AMI time → the
 * {@code call.offered} frame) at {@code bench.popRate} calls/s, then rate steps ({@code bench.rates}, each
 * {@code bench.stepSeconds} s) until a step loses a call. Prints the figures and appends them to the markdown file
 * given as the first argument. Settings (-D): bench.agents, bench.rates, bench.stepSeconds, bench.holdMs,
 * bench.popRate, bench.popSeconds.
 */
public final class NodesBench {

    static final int AGENTS = Integer.getInteger("bench.agents", 40);
    static final int[] RATES = Stream.of(System.getProperty("bench.rates", "20,40,60,80").split(",")).map(String::trim)
            .filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).sorted().toArray();
    static final int STEP_SECONDS = Integer.getInteger("bench.stepSeconds", 10);
    static final long HOLD_MS = Long.getLong("bench.holdMs", 2_000);
    static final int POP_RATE = Integer.getInteger("bench.popRate", 10);
    static final int POP_SECONDS = Integer.getInteger("bench.popSeconds", 20);
    static final String CALLER = "02155550001";

    record Step(int rate, int calls, int successful, int failed, String loadAfter) {}

    record Figures(String layout, List<Long> pops, List<Step> steps) {
        int maxRate() {
            int max = 0;
            for (Step s : steps) {
                if (s.successful() == s.calls()) {
                    max = Math.max(max, s.rate());
                }
            }
            return max;
        }
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        System.setProperty("onekey.rtpPorts", System.getProperty("onekey.rtpPorts", "2000"));
        ZonedDateTime started = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        String loadAtStart = ProcessStats.loadAverage();
        System.out.printf("nodes bench: %d agents, pop at %d/s for %d s, rates %s, %d s steps, hold %d ms; load %s%n", AGENTS,
                POP_RATE, POP_SECONDS, java.util.Arrays.toString(RATES), STEP_SECONDS, HOLD_MS, loadAtStart);
        Figures one;
        try (Stack stack = new Stack().with("ONEKEY_CALLS_WRAPUPSECONDS", "0").startAsterisk().startServer()) {
            awaitUp(stack);
            // the agents' endpoints are written on the AMI connect: the phone registers after it
            Sipp.AgentPhone phone = registered(() -> new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 0));
            try (phone) {
                one = measure("one Asterisk, no Kamailio", stack, stack.asterisk.sipPort, phone, List.of(stack.asterisk));
            }
        }
        Figures two;
        Stack stack = new Stack().with("ONEKEY_CALLS_WRAPUPSECONDS", "0");
        AsteriskInstance n1 = stack.asterisk;
        int sipPort = Ports.free();
        n1.with("ONEKEY_BIND", "127.0.0.2").with("ONEKEY_SIP_PORT", String.valueOf(sipPort)).with("ONEKEY_SYSTEM_NAME", "n1");
        Path links = Files.createTempDirectory(Path.of("/tmp"), "oknodes");
        try (AsteriskInstance n2 = new AsteriskInstance(n1.agiPort).with("ONEKEY_BIND", "127.0.0.3")
                .with("ONEKEY_SIP_PORT", String.valueOf(sipPort)).with("ONEKEY_SYSTEM_NAME", "n2")
                .with("ONEKEY_AMI_SECRET", n1.amiSecret()).with("ONEKEY_TRUNK_PORT", String.valueOf(n1.trunkPort()))
                .with("ONEKEY_RECORDINGS_DIR", n1.recordings().toString());
             KamailioInstance kam = new KamailioInstance(List.of("127.0.0.2:" + sipPort, "127.0.0.3:" + sipPort))) {
            Files.createSymbolicLink(links.resolve("n1"), n1.rundir);
            Files.createSymbolicLink(links.resolve("n2"), n2.rundir);
            CompletableFuture<Void> second = CompletableFuture.runAsync(n2::start);
            n1.start();
            second.join();
            kam.start();
            stack.with("ONEKEY_NODES_LIST", "n1=127.0.0.1:" + n1.amiPort + ",n2=127.0.0.1:" + n2.amiPort)
                    .with("ONEKEY_ASTERISK_AGENTSCONF", links + "/{node}/etc/asterisk/pjsip.agents.conf")
                    .with("ONEKEY_NODES_PROXY", kam.address()).with("ONEKEY_NODES_SUBSCRIBERS", kam.subscribers().toString())
                    .with("ONEKEY_ASTERISK_SIPPORT", String.valueOf(kam.port)).startServer();
            Awaitility.await("both nodes up").atMost(Duration.ofSeconds(30)).until(() -> {
                var nodes = stack.api.get("/api/health", null).json().path("asterisk").path("nodes");
                return nodes.path("n1").path("state").asText().equals("up") && nodes.path("n2").path("state").asText().equals("up");
            });
            try (Sipp.AgentPhone phone = registered(() -> new Sipp.AgentPhone(kam.port, "1001", stack.sipSecret("1001"), 0))) {
                two = measure("two Asterisk nodes behind Kamailio", stack, kam.port, phone, List.of(n1, n2));
            }
        } finally {
            stack.close();
            Files.deleteIfExists(links.resolve("n1"));
            Files.deleteIfExists(links.resolve("n2"));
            Files.deleteIfExists(links);
        }
        append(out, started, loadAtStart, one, two);
        System.exit(0);
    }

    /** The phone, once its registration is taken (the endpoint or subscriber row may still be on its way). */
    private static Sipp.AgentPhone registered(java.util.function.Supplier<Sipp.AgentPhone> phone) {
        Sipp.AgentPhone[] p = new Sipp.AgentPhone[1];
        Awaitility.await("agent phone registered").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> (p[0] = phone.get()) != null);
        return p[0];
    }

    private static void awaitUp(Stack stack) {
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(30))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
    }

    private static Figures measure(String layout, Stack stack, int sipPort, Sipp.AgentPhone phone, List<AsteriskInstance> nodes) {
        System.out.printf("%s: provisioning %d agents...%n", layout, AGENTS);
        try (BenchAgents agents = new BenchAgents(stack.api, stack.server.apiPort(), nodes.get(0), phone, 5000, AGENTS)) {
            // warm-up (JIT), not measured
            Sipp.Load.run(sipPort, CALLER, "1234901", POP_RATE, POP_RATE * 5, HOLD_MS, 120);
            waitIdle(nodes);
            agents.startTiming();
            Sipp.Load.Result pop = Sipp.Load.run(sipPort, CALLER, "1234901", POP_RATE, POP_RATE * POP_SECONDS, HOLD_MS,
                    POP_SECONDS + 90);
            List<Long> pops = new ArrayList<>(agents.stopTiming());
            pops.sort(null);
            System.out.printf("%s: pop at %d/s: %d calls ok of %d; p50 %d ms p99 %d ms%n", layout, POP_RATE, pop.successful(),
                    POP_RATE * POP_SECONDS, InboundBench.pct(pops, 50), InboundBench.pct(pops, 99));
            waitIdle(nodes);
            List<Step> steps = new ArrayList<>();
            for (int rate : RATES) {
                int calls = rate * STEP_SECONDS;
                Sipp.Load.Result r = Sipp.Load.run(sipPort, CALLER, "1234901", rate, calls, HOLD_MS, STEP_SECONDS + 90, 15_000);
                Step s = new Step(rate, calls, r.successful(), r.failed(), ProcessStats.loadAverage());
                steps.add(s);
                System.out.printf("%s: %d calls/s: %d of %d ok, %d failed; load %s%n", layout, rate, s.successful(), calls,
                        s.failed(), s.loadAfter());
                waitIdle(nodes);
                if (s.successful() < calls) {
                    break;
                }
            }
            return new Figures(layout, pops, steps);
        }
    }

    private static void waitIdle(List<AsteriskInstance> nodes) {
        Awaitility.await("asterisk idle").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> nodes.stream().allMatch(n -> n.cli("core show channels count").contains("0 active channels")));
    }

    private static String row(Figures f) {
        StringBuilder steps = new StringBuilder();
        for (Step s : f.steps()) {
            steps.append(steps.isEmpty() ? "" : "; ").append(s.rate()).append("/s ").append(s.successful()).append('/')
                    .append(s.calls()).append(" (load ").append(s.loadAfter().split(" ")[0]).append(')');
        }
        return String.format("| %s | %d / %d / %d ms | %d calls/s | %s |", f.layout(), InboundBench.pct(f.pops(), 50),
                InboundBench.pct(f.pops(), 95), InboundBench.pct(f.pops(), 99), f.maxRate(), steps);
    }

    private static void append(Path out, ZonedDateTime started, String loadAtStart, Figures one, Figures two) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("\n## Inbound through Kamailio with two Asterisk nodes ÷ one Asterisk (issue 25) — ").append(started).append("\n\n");
        b.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, load average ")
                .append(loadAtStart).append(" at the start, ").append(ProcessStats.loadAverage())
                .append(" at the end (other helpers' builds and tests share the machine: the figures are noisy). ")
                .append("Both layouts on the same machine: the Asterisks, Kamailio, sipp, and the cti-server in the bench JVM; ")
                .append(AGENTS).append(" agents (one sipp phone registered as all of them, answering at once), SOS line, hold ")
                .append(HOLD_MS).append(" ms. Pop latency: AgentCalled's AMI time → the call.offered frame, at ").append(POP_RATE)
                .append(" calls/s for ").append(POP_SECONDS).append(" s. Rate steps of ").append(STEP_SECONDS)
                .append(" s until one loses a call. On one machine two nodes share its two cores, so the ratio measures the ")
                .append("cost of the front and of the second AMI stream, not the capacity two machines would add.\n\n");
        b.append("| layout | pop p50 / p95 / p99 | highest rate with every call answered | steps (answered/placed) |\n");
        b.append("|---|---|---|---|\n");
        b.append(row(one)).append('\n').append(row(two)).append('\n');
        double ratio = one.maxRate() == 0 ? Double.NaN : (double) two.maxRate() / one.maxRate();
        b.append(String.format("%nThroughput ratio (two nodes via Kamailio ÷ one Asterisk): %.2f; added pop latency p50 %+d ms,"
                        + " p99 %+d ms.%n", ratio, InboundBench.pct(two.pops(), 50) - InboundBench.pct(one.pops(), 50),
                InboundBench.pct(two.pops(), 99) - InboundBench.pct(one.pops(), 99)));
        System.out.print(b);
        Path abs = out.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Files.writeString(abs, b.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("appended to " + abs);
    }
}

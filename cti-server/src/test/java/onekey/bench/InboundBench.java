package onekey.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import onekey.testkit.Api;
import onekey.testkit.Proc;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;

/**
 * {@code ./onekey bench inbound}, part 2: the inbound path under load against a real Asterisk.
 * <ol>
 * <li>Screen-pop latency: from Asterisk's AgentCalled event timestamp to the {@code call.offered}
 *     frame at the agent's WebSocket client, with sipp placing 10 SOS calls per second.</li>
 * <li>The highest call rate with no failed call for the whole path (sipp → FastAGI flow → queue →
 *     MixMonitor → sipp agents answering), and for a static dialplan without the cti-server (same
 *     Asterisk, same queue and agents, prefix 9999), in one run; their ratio.</li>
 * <li>The heap of the JVM hosting the cti-server after the run.</li>
 * </ol>
 * Prints the figures and appends them to the markdown file given as the first argument.
 */
public final class InboundBench {

    static final int AGENTS = Integer.getInteger("bench.agents", 250);
    static final long HOLD_MS = 2_000;
    static final int STEP_SECONDS = Integer.getInteger("bench.stepSeconds", 10);
    static final int[] RATES = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        // enough RTP ports that the port range is never what limits the call rate
        System.setProperty("onekey.rtpPorts", System.getProperty("onekey.rtpPorts", "4000"));
        try (Stack stack = new Stack().with("ONEKEY_CALLS_WRAPUPSECONDS", "0").startAsterisk().startServer()) {
            Api api = stack.api;
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            String admin = api.login("admin", Stack.ADMIN_PASSWORD);
            System.out.printf("provisioning %d agents...%n", AGENTS);
            List<Ws> sockets = new ArrayList<>();
            try (Sipp.AgentPhone phones = new Sipp.AgentPhone(stack.asterisk, "1001", "sip1001", 0)) {
                List<String> exts = new ArrayList<>();
                for (int i = 0; i < AGENTS; i++) {
                    String ext = String.valueOf(5000 + i);
                    var r = api.send("POST", "/api/agents", admin, "{\"username\":\"b" + ext + "\",\"password\":\"bench-pass-" + ext
                            + "\",\"role\":\"agent\",\"extension\":\"" + ext + "\",\"sipSecret\":\"bench-sip-" + ext + "\"}");
                    if (r.status() != 201) {
                        throw new IllegalStateException("agent " + ext + ": " + r.status() + " " + r.body());
                    }
                    exts.add(ext);
                }
                for (String ext : exts) {
                    phones.registerAlso(ext, "bench-sip-" + ext);
                    Ws ws = new Ws(stack.server.apiPort(), api.login("b" + ext, "bench-pass-" + ext));
                    ws.await("hello", 10);
                    ws.send("{\"type\":\"agent.ready\"}");
                    sockets.add(ws);
                }
                Awaitility.await("all agents in the queue").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> stack.asterisk.cli("queue show onekey").lines().filter(l -> l.contains("Not in use")).count() >= AGENTS);

                // 1. screen-pop latency at 10 calls per second, after a warm-up so the JIT has compiled the path
                System.out.println("warm-up: 100 SOS calls at 10/s (not measured)...");
                Sipp.Load.run(stack.asterisk.sipPort, "02155550001", "1234901", 10, 100, HOLD_MS, 60);
                waitIdle(stack);
                int calls = 10 * 60;
                System.out.println("screen-pop latency: " + calls + " SOS calls at 10/s...");
                int framesBefore = frames(sockets).size();
                Sipp.Load.Result r10 = Sipp.Load.run(stack.asterisk.sipPort, "02155550001", "1234901", 10, calls, HOLD_MS, 120);
                waitIdle(stack);
                List<Long> inOrder = new ArrayList<>();
                for (Ws.Frame f : frames(sockets).subList(framesBefore, frames(sockets).size())) {
                    if (f.json().path("type").asText().equals("call.offered")) {
                        inOrder.add(f.receivedAt() - f.json().path("amiEventAt").asLong());
                    }
                }
                List<Long> lat = new ArrayList<>(inOrder);
                Collections.sort(lat);
                StringBuilder slow = new StringBuilder();
                for (int i = 0; i < inOrder.size(); i++) {
                    if (inOrder.get(i) > pct(lat, 99)) {
                        slow.append(" #").append(i).append('=').append(inOrder.get(i)).append("ms");
                    }
                }
                System.out.println("pops slower than p99 (position in the run = latency):" + slow);
                String latency = String.format("| screen pop, AgentCalled → call.offered at the client, 10 calls/s for 60 s after 100 warm-up calls | %d pops (%d calls ok, %d failed) | p50 %d ms | p99 %d ms | max %d ms | target p99 ≤ 20 ms: %s |",
                        lat.size(), r10.successful(), r10.failed(), pct(lat, 50), pct(lat, 99), lat.isEmpty() ? -1 : lat.get(lat.size() - 1),
                        !lat.isEmpty() && pct(lat, 99) <= 20 ? "met" : "NOT met");
                System.out.println(latency);

                // 2. highest sustained rate with no failed call: OneKey path, then static path
                int onekeyMax = maxRate(stack, phones, "1234901", "OneKey (AGI flow)");
                for (Ws ws : sockets) {
                    ws.close();
                }
                long heapAfterRun = heapAfterGc();
                stack.stopServer(); // static baseline runs without the cti-server; agents stay queue members
                int staticMax = maxRate(stack, phones, "99991234901", "static dialplan");
                double ratio = staticMax == 0 ? 0 : (double) onekeyMax / staticMax;
                String rate = String.format("| highest rate with no failed call (%d s steps, %d agents, %d ms hold) | OneKey %d calls/s | static %d calls/s | ratio %.2f | target ≥ 0.8: %s |",
                        STEP_SECONDS, AGENTS, HOLD_MS, onekeyMax, staticMax, ratio, ratio >= 0.8 ? "met" : "NOT met");
                String heap = String.format("| JVM heap used after GC at the end of the OneKey run (cti-server + bench clients in one JVM) | %.1f MiB |",
                        heapAfterRun / 1048576.0);
                System.out.println(rate);
                System.out.println(heap);
                String cpu = "| CPU per call at the highest passing steps (sipp's CPU not counted) | " + String.join("; ",
                        cpuNotes.stream().filter(n -> n.contains(" " + onekeyMax + "/s") && n.startsWith("OneKey")
                                || n.contains(" " + staticMax + "/s") && n.startsWith("static")).toList()) + " |";
                System.out.println(cpu);
                append(out, List.of(latency, rate, heap, cpu));
            }
        }
        System.exit(0);
    }

    private static List<Ws.Frame> frames(List<Ws> sockets) {
        List<Ws.Frame> all = new ArrayList<>();
        for (Ws ws : sockets) {
            all.addAll(ws.frames());
        }
        all.sort((a, b) -> Long.compare(a.json().path("seq").asLong(), b.json().path("seq").asLong()));
        return all;
    }

    /** Steps the rate up; a step passes when sipp saw no failed call and every call was answered by an agent. */
    private static int maxRate(Stack stack, Sipp.AgentPhone phones, String dialled, String label) {
        int best = 0;
        for (int rate : RATES) {
            int calls = rate * STEP_SECONDS;
            int answeredBefore = phones.successfulCalls();
            long astCpu0 = asteriskCpuMs(stack);
            long jvmCpu0 = jvmCpuMs();
            Sipp.Load.Result r = Sipp.Load.run(stack.asterisk.sipPort, "02155550001", dialled, rate, calls, HOLD_MS, STEP_SECONDS + 90);
            waitIdle(stack);
            try {
                // sipp writes its counters every second
                Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                        .until(() -> phones.successfulCalls() - answeredBefore >= calls);
            } catch (org.awaitility.core.ConditionTimeoutException fewerAnswered) {
                // fewer calls reached an agent than were placed: this step fails below
            }
            int answered = phones.successfulCalls() - answeredBefore;
            long astCpu = asteriskCpuMs(stack) - astCpu0;
            long jvmCpu = jvmCpuMs() - jvmCpu0;
            boolean ok = r.exitCode() == 0 && r.failed() == 0 && r.successful() == calls && answered >= calls;
            System.out.printf("  %-18s %3d calls/s: %d ok, %d failed, %d answered by agents -> %s (CPU per call: Asterisk %.1f ms, JVM %.1f ms)%n",
                    label, rate, r.successful(), r.failed(), answered, ok ? "pass" : "FAIL",
                    (double) astCpu / calls, (double) jvmCpu / calls);
            cpuNotes.add(String.format("%s %d/s: Asterisk %.1f ms, JVM %.1f ms", label, rate, (double) astCpu / calls,
                    (double) jvmCpu / calls));
            if (!ok) {
                break;
            }
            best = rate;
        }
        return best;
    }

    static final List<String> cpuNotes = new ArrayList<>();

    /** CPU time (user + system) of the private Asterisk, from /proc. */
    private static long asteriskCpuMs(Stack stack) {
        try {
            String pid = Files.readString(stack.asterisk.rundir.resolve("run/asterisk.pid")).trim();
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 10; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** CPU time of this JVM: the cti-server and the bench's WebSocket clients. */
    private static long jvmCpuMs() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() / 1_000_000 : 0;
    }

    /** Until Asterisk has no channels left (every call of the step finished). */
    private static void waitIdle(Stack stack) {
        Awaitility.await("asterisk idle").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> stack.asterisk.cli("core show channels count").contains("0 active channels"));
    }

    private static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void append(Path out, List<String> rows) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("\n## Inbound path under load — ").append(ZonedDateTime.now().withNano(0)).append("\n\n");
        b.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                        ? (os.getTotalMemorySize() >> 30) + " GiB" : "? GiB")
                .append(", Java ").append(Runtime.version()).append(", ")
                .append(asteriskVersion()).append("; Asterisk, sipp and the cti-server share the machine.\n\n");
        b.append("| measure | | | | | |\n|---|---|---|---|---|---|\n");
        for (String r : rows) {
            b.append(r).append('\n');
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, b.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("appended to " + out);
    }

    private static String asteriskVersion() {
        try {
            return Proc.run(List.of("asterisk", "-V"), Path.of("."), Map.of(), 10).trim();
        } catch (RuntimeException e) {
            return "Asterisk ?";
        }
    }
}

package onekey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import onekey.testkit.Api;
import onekey.testkit.ProcessStats;
import onekey.testkit.Pstn;
import onekey.testkit.ServerProcess;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import org.awaitility.Awaitility;

/**
 * {@code ./onekey bench rescue} (issue 8). A cti-server in its own JVM, a private Asterisk, and behind the trunk a
 * {@link Pstn} stand-in in this (the bench's) JVM: every elder answers and says nothing, every contact does not
 * answer. {@code bench.elders} elders (default 200) are created with one contact each and make one SOS call each
 * that nobody answers. Then:
 * <ol>
 *   <li>{@code bench.single} incidents (default 20) are confirmed one at a time: "no response" confirmed (the REST
 *   call returns) → the first redial's INVITE reaches the stand-in, i.e. has left Asterisk.</li>
 *   <li>the rest are confirmed at once (one request each, 32 at a time), the same latency measured under that load;
 *   then the run waits until every incident has done what the rule demands — two redials, the contact called,
 *   the A task to call 110 raised — and counts the calls at the phones: exactly 2 per elder, 1 per contact.</li>
 * </ol>
 * Figures are printed and appended to docs/benchmarks.md. Properties: bench.elders, bench.single, bench.ringSeconds,
 * bench.listenSeconds, bench.redialIntervalSeconds.
 */
public final class RescueBench {

    static final int ELDERS = Integer.getInteger("bench.elders", 200);
    static final int SINGLE = Integer.getInteger("bench.single", 20);
    static final int RING = Integer.getInteger("bench.ringSeconds", 6);
    static final int LISTEN = Integer.getInteger("bench.listenSeconds", 3);
    static final int INTERVAL = Integer.getInteger("bench.redialIntervalSeconds", 5);
    /** A JFR recording of the cti-server over the burst, when set: its file (issue 23). */
    static final String JFR = System.getProperty("bench.jfr", "");
    static final long TARGET_P99_MS = 1000;

    private RescueBench() {}

    static String elderPhone(int i) {
        return String.format("0215560%04d", i);
    }

    static String elderNumber(int i) {
        return elderPhone(i).substring(1); // stored and dialled without the trunk prefix 0
    }

    static String contactNumber(int i) {
        return String.format("1390000%04d", i);
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        ZonedDateTime started = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        String load0 = ProcessStats.loadAverage();
        List<String> rows = new ArrayList<>();
        try (Stack stack = new Stack()
                .with("ONEKEY_RESCUE_RINGSECONDS", String.valueOf(RING))
                .with("ONEKEY_RESCUE_LISTENSECONDS", String.valueOf(LISTEN))
                .with("ONEKEY_RESCUE_REDIALINTERVALSECONDS", String.valueOf(INTERVAL))
                .with("ONEKEY_RESCUE_ELDERRETRYSECONDS", "3600")
                .with("ONEKEY_ESCALATION_SOSWAITSECONDS", "300")
                .startAsterisk().startServerProcess();
             Pstn pstn = new Pstn(stack.asterisk.trunkPort()).otherwise(Pstn.Behaviour.noAnswer())) {
            Api api = stack.api;
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(30))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            String sup = api.login("super", "super1234");
            System.out.printf("rescue bench: %d elders, cti-server pid %d; creating elders and their SOS calls...%n", ELDERS,
                    stack.process.pid());
            Map<Long, Integer> elderIndex = new HashMap<>();
            for (int i = 0; i < ELDERS; i++) {
                pstn.number(elderNumber(i), Pstn.Behaviour.silent());
                var r = api.send("POST", "/api/elders", sup, "{\"name\":\"测试老人" + i + "\",\"phones\":[\"" + elderPhone(i)
                        + "\"],\"address\":\"上海市测试路" + i + "号\",\"contacts\":[{\"name\":\"家属" + i
                        + "\",\"relation\":\"子女\",\"phone\":\"" + contactNumber(i) + "\"}]}");
                if (r.status() != 201) {
                    throw new IllegalStateException("cannot create elder " + i + ": " + r.status() + " " + r.body());
                }
                elderIndex.put(r.json().path("id").asLong(), i);
            }
            // one SOS call per elder that nobody answers (nobody is ready), 16 at a time
            Semaphore slots = new Semaphore(16);
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < ELDERS; i++) {
                    int n = i;
                    slots.acquireUninterruptibly();
                    ex.execute(() -> {
                        try (Sipp.Caller c = new Sipp.Caller(stack.asterisk.sipPort, elderPhone(n), "1234901", 500)) {
                            c.await(60);
                        } finally {
                            slots.release();
                        }
                    });
                }
            }
            Map<Integer, Long> callOf = Awaitility.await("every SOS call stored with its elder")
                    .atMost(Duration.ofSeconds(60)).until(() -> {
                        Map<Integer, Long> m = new HashMap<>();
                        for (JsonNode c : api.get("/api/calls?limit=500", sup).json()) {
                            Integer idx = elderIndex.get(c.path("elderId").asLong());
                            if (idx != null && c.path("endedAt").isNumber()) {
                                m.putIfAbsent(idx, c.path("id").asLong());
                            }
                        }
                        return m;
                    }, m -> m.size() == ELDERS);

            // 1. one at a time
            List<Long> single = new ArrayList<>();
            for (int i = 0; i < Math.min(SINGLE, ELDERS); i++) {
                long t0 = System.currentTimeMillis();
                confirm(api, sup, callOf.get(i));
                int n = i;
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !pstn.callsTo(elderNumber(n)).isEmpty());
                single.add(pstn.callsTo(elderNumber(n)).get(0).invitedAt - t0);
            }
            // 2. the rest at once
            Map<Integer, Long> confirmedAt = new ConcurrentHashMap<>();
            Map<Integer, Long> respondedAt = new ConcurrentHashMap<>();
            List<String> failedConfirms = new java.util.concurrent.CopyOnWriteArrayList<>();
            long burst0 = System.currentTimeMillis();
            if (!JFR.isBlank()) { // a profile of the burst (issue 23): from the first confirmation to the last first redial
                System.out.println(onekey.testkit.Proc.run(List.of("jcmd", String.valueOf(stack.process.pid()), "JFR.start",
                        "name=rescue", "settings=profile", "filename=" + Path.of(JFR).toAbsolutePath()), Path.of("."),
                        Map.of(), 60).trim());
            }
            long cpu0 = ProcessStats.cpuMillis(stack.process.pid());
            Semaphore inFlight = new Semaphore(32);
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = SINGLE; i < ELDERS; i++) {
                    int n = i;
                    inFlight.acquireUninterruptibly();
                    ex.execute(() -> {
                        try {
                            long sent = System.currentTimeMillis(); // "confirmed" = the agent's request leaves
                            confirm(api, sup, callOf.get(n));
                            respondedAt.put(n, System.currentTimeMillis());
                            confirmedAt.put(n, sent);
                        } catch (RuntimeException e) {
                            failedConfirms.add(n + ": " + e.getMessage());
                        } finally {
                            inFlight.release();
                        }
                    });
                }
            }
            long confirmedAll = System.currentTimeMillis() - burst0;
            if (!JFR.isBlank()) {
                Awaitility.await("every burst incident's first redial").atMost(Duration.ofSeconds(60)).until(() ->
                        confirmedAt.keySet().stream().allMatch(n -> !pstn.callsTo(elderNumber(n)).isEmpty()));
                System.out.println(onekey.testkit.Proc.run(List.of("jcmd", String.valueOf(stack.process.pid()), "JFR.stop",
                        "name=rescue"), Path.of("."), Map.of(), 60).trim());
            }
            Awaitility.await("every incident raised its A task (call 110)").atMost(Duration.ofMinutes(15))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> countTasks(api, sup) >= SINGLE + confirmedAt.size());
            failedConfirms.forEach(f -> System.out.println("confirmation FAILED: " + f));
            long drained = System.currentTimeMillis() - burst0;
            long cpu = ProcessStats.cpuMillis(stack.process.pid()) - cpu0;
            List<Long> burst = new ArrayList<>();
            List<Long> responses = new ArrayList<>();
            List<Long> afterResponse = new ArrayList<>();
            int wrongElder = 0;
            int wrongContact = 0;
            for (int i = 0; i < ELDERS; i++) {
                List<Pstn.Call> calls = pstn.callsTo(elderNumber(i));
                if (calls.size() != 2) {
                    wrongElder++;
                }
                if (pstn.callsTo(contactNumber(i)).size() != 1) {
                    wrongContact++;
                    // what the incident says of that contact's step, to find out why
                    Long call = callOf.get(i);
                    String steps = "";
                    for (JsonNode inc : api.get("/api/incidents?limit=500", sup).json()) {
                        if (inc.path("callId").asLong() == (call == null ? -1 : call)) {
                            for (JsonNode st : inc.path("steps")) {
                                if (st.path("kind").asText().equals("contact")) {
                                    steps += st.path("state").asText() + "/" + st.path("result").asText() + " ("
                                            + st.path("detail").asText() + ") ";
                                }
                            }
                        }
                    }
                    System.out.printf("contact %s called %d times; its step: %s%n", contactNumber(i),
                            pstn.callsTo(contactNumber(i)).size(), steps);
                }
                if (i >= SINGLE && !calls.isEmpty() && confirmedAt.containsKey(i)) {
                    burst.add(calls.get(0).invitedAt - confirmedAt.get(i));
                    responses.add(respondedAt.get(i) - confirmedAt.get(i));
                    afterResponse.add(calls.get(0).invitedAt - respondedAt.get(i));
                }
            }
            single.sort(null);
            burst.sort(null);
            responses.sort(null);
            afterResponse.sort(null);
            ServerProcess.Heap heap = stack.process.heapAfterGc();
            rows.add(row("\"no response\" confirmed → first redial INVITE left Asterisk, one incident at a time", single));
            rows.add(row("the same while " + (ELDERS - SINGLE) + " incidents are confirmed at once (32 requests in flight)", burst));
            rows.add(split("  of which: confirmation sent → its response (the server's request path; the dial is started "
                    + "before the response)", responses));
            rows.add(split("  of which: response → the INVITE at the stand-in (negative: the INVITE came first)", afterResponse));
            rows.add(String.format("| %d incidents at once (%d confirmations failed): confirmed in %d ms; every incident done (2 redials, its contact "
                            + "called, A task raised) after %d ms | elders called other than exactly twice: %d | contacts "
                            + "called other than exactly once: %d | cti-server CPU %d ms (%.1f ms per incident) | heap after GC "
                            + "%.1f MiB used, %.1f MiB committed |",
                    ELDERS - SINGLE, failedConfirms.size(), confirmedAll, drained, wrongElder, wrongContact, cpu, (double) cpu / (ELDERS - SINGLE),
                    heap.usedBytes() / 1048576.0, heap.committedBytes() / 1048576.0));
            rows.forEach(System.out::println);
        }
        StringBuilder b = new StringBuilder();
        b.append("\n## Rescue (no response): redials, contacts, A task — ").append(started).append("\n\n");
        b.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(String.format("%.1f GiB", ProcessStats.memTotalBytes() / 1073741824.0)).append(", Java ")
                .append(Runtime.version()).append("; load average ").append(load0).append(" at the start, ")
                .append(ProcessStats.loadAverage()).append(" at the end. The cti-server runs in its own JVM; the PSTN stand-in ")
                .append("(every elder answers silently, every contact does not answer) and the REST clients run in the bench JVM, ")
                .append("sipp makes the SOS calls. The INVITE time is when the stand-in received it. Settings: elders ")
                .append(ELDERS).append(", one at a time ").append(SINGLE).append(", ring ").append(RING).append(" s, listen ")
                .append(LISTEN).append(" s, redial interval ").append(INTERVAL).append(" s.\n\n");
        b.append("| measure | | | | |\n|---|---|---|---|---|\n");
        rows.forEach(r -> b.append(r).append('\n'));
        Path abs = out.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Files.writeString(abs, b.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("appended to " + abs);
        System.exit(0);
    }

    private static void confirm(Api api, String token, long callId) {
        var r = api.send("POST", "/api/calls/" + callId + "/no-response", token, null);
        if (r.status() != 201) {
            throw new IllegalStateException("no-response for call " + callId + ": " + r.status() + " " + r.body());
        }
    }

    private static long countTasks(Api api, String token) {
        long n = 0;
        for (JsonNode inc : api.get("/api/incidents?state=escalating&limit=500", token).json()) {
            if (inc.toString().contains("call-110")) {
                n++;
            }
        }
        return n;
    }

    /** A part of the burst's latency: no target of its own. */
    private static String split(String what, List<Long> ms) {
        if (ms.isEmpty()) {
            return "| " + what + " | no samples | | | |";
        }
        long p50 = ms.get((int) Math.round(0.5 * (ms.size() - 1)));
        long p99 = ms.get((int) Math.min(ms.size() - 1, Math.ceil(0.99 * (ms.size() - 1))));
        return String.format("| %s | %d incidents | p50 %d ms | p99 %d ms (min %d, max %d) | |", what, ms.size(), p50, p99,
                ms.get(0), ms.get(ms.size() - 1));
    }

    private static String row(String what, List<Long> ms) {
        if (ms.isEmpty()) {
            return "| " + what + " | no samples | | | |";
        }
        long p50 = ms.get((int) Math.min(ms.size() - 1, Math.round(0.5 * (ms.size() - 1))));
        long p99 = ms.get((int) Math.min(ms.size() - 1, Math.ceil(0.99 * (ms.size() - 1))));
        return String.format("| %s | %d incidents | p50 %d ms | p99 %d ms (max %d) | target p99 ≤ %d ms: %s |", what, ms.size(),
                p50, p99, ms.get(ms.size() - 1), TARGET_P99_MS, p99 <= TARGET_P99_MS ? "met" : "NOT met");
    }
}

package onekey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onekey.elders.Contact;
import onekey.elders.ElderDraft;
import onekey.elders.JooqElderRepository;
import onekey.events.EventHub;
import onekey.rescue.Incident;
import onekey.rescue.RescueEvents;
import onekey.sms.SmppGateway;
import onekey.sms.SmsRepository;
import onekey.sms.SmsService;
import onekey.sms.SmsTriggers;
import onekey.store.Database;
import onekey.testkit.ProcessStats;
import onekey.testkit.Smsc;
import org.awaitility.Awaitility;

/**
 * {@code ./onekey bench sms} (issue 20). OneKey's SMS room in this JVM (SmsService, the SMPP adapter on jsmpp, rows
 * on a fresh H2 file database) against the test SMSC (Node, the npm package smpp, its own process, answering every
 * submit at once and sending a receipt 30 ms later). No Asterisk: what is measured is what texts add.
 * <ol>
 *   <li>{@code bench.texts} texts (default 1,000) to as many numbers, written at once, for each window in
 *   {@code bench.windows} (default 1,10,50; sms.perSecond 10,000 so the window is the limit): submits per second at
 *   the SMSC (first to last submit_sm), every receipt matched (every row delivered), CPU of this JVM and of the SMSC
 *   per text.</li>
 *   <li>{@code bench.incidents} incidents (default 200) opened one after the other, 20 ms apart, each elder with one
 *   contact that wants texts: the {@code incident.opened} event published → the text's submit_sm received by the SMSC
 *   (its own clock; same machine): p50, p99, max. Target p99 ≤ 1 s.</li>
 * </ol>
 */
public final class SmsBench {

    static final int TEXTS = Integer.getInteger("bench.texts", 1000);
    static final String WINDOWS = System.getProperty("bench.windows", "1,10,50");
    static final int INCIDENTS = Integer.getInteger("bench.incidents", 200);
    static final long TARGET_P99_MS = 1000;

    private SmsBench() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        String load0 = ProcessStats.loadAverage();
        String started = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<String> rows = new ArrayList<>();
        Path tmp = Files.createTempDirectory("smsbench");
        long self = ProcessHandle.current().pid();
        try (Smsc smsc = new Smsc().start()) {
            Database db = Database.open(Database.h2FileUrl(tmp.resolve("onekey")), "sa", "", 8);
            try {
                EventHub hub = new EventHub(50_000);
                SmsRepository repo = new SmsRepository(db);
                JooqElderRepository elders = new JooqElderRepository(db, "21");
                int run = 0;
                for (String w : WINDOWS.split(",")) {
                    int window = Integer.parseInt(w.trim());
                    run++;
                    SmsService sms = service(repo, hub, elders, smsc, window);
                    try {
                        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sms.up() && smsc.bound());
                        int before = smsc.submits().size();
                        long cpu0 = ProcessStats.cpuMillis(self);
                        long node0 = smscCpu(smsc);
                        List<Long> ids = new ArrayList<>(TEXTS);
                        String prefix = String.format("13%d", 100 + run);
                        for (int i = 0; i < TEXTS; i++) {
                            ids.add(sms.send(prefix + String.format("%06d", i), "测试短信 第" + i + "条：一键通中心通知您，张桂英已平安。", "bench",
                                    SmsService.Refs.NONE).orElseThrow().id());
                        }
                        long t0 = System.nanoTime();
                        Awaitility.await("all delivered").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                                .until(() -> repo.list(null, null, TEXTS).stream().filter(m -> m.state().equals("delivered"))
                                        .count() == TEXTS);
                        double wall = (System.nanoTime() - t0) / 1e9;
                        long cpu = ProcessStats.cpuMillis(self) - cpu0;
                        long node = smscCpu(smsc) - node0;
                        List<JsonNode> subs = smsc.submits();
                        List<JsonNode> mine = subs.subList(before, subs.size());
                        long first = mine.get(0).path("t").asLong();
                        long last = mine.get(mine.size() - 1).path("t").asLong();
                        double rate = (mine.size() - 1) / Math.max(0.001, (last - first) / 1000.0);
                        long once = mine.stream().map(n -> n.path("destination_addr").asText()).distinct().count();
                        rows.add(String.format("| %d texts, window %d | %.0f submit_sm/s at the SMSC | %d submit_sm for %d numbers "
                                + "(each once: %s) | all %d receipts matched (rows delivered) in %.1f s | CPU per text: OneKey JVM "
                                + "%.2f ms, SMSC %.2f ms |", TEXTS, window, rate, mine.size(), once, once == TEXTS && mine.size() == TEXTS,
                                TEXTS, wall, cpu / (double) TEXTS, node < 0 ? Double.NaN : node / (double) TEXTS));
                        System.out.println(rows.get(rows.size() - 1));
                    } finally {
                        sms.close();
                    }
                }

                // incident opened -> first submit_sm at the SMSC
                SmsService sms = service(repo, hub, elders, smsc, 10);
                SmsTriggers triggers = new SmsTriggers(sms, elders, java.util.Set.of("incident-opened"), "962222", "21")
                        .start(hub);
                try {
                    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sms.up() && smsc.bound());
                    Map<String, Long> openedAt = new HashMap<>();
                    List<Incident> incidents = new ArrayList<>();
                    for (int i = 0; i < INCIDENTS; i++) {
                        String contact = String.format("13900%06d", i);
                        var e = elders.create(new ElderDraft("老人" + i, null, null, List.of(String.format("2156%06d", i)),
                                "测试路" + i + "号", null, null, "zh", null, null, null, null, null, null, null,
                                List.of(new Contact("家属" + i, "儿子", contact))));
                        incidents.add(new Incident(10_000 + i, e.id(), null, null, 0, "system", "no-response", "redialling",
                                null, null, List.of(), null));
                        openedAt.put(contact, 0L);
                    }
                    for (int i = 0; i < INCIDENTS; i++) {
                        openedAt.put(String.format("13900%06d", i), System.currentTimeMillis());
                        hub.broadcast(new RescueEvents.IncidentOpened(incidents.get(i)));
                        Thread.sleep(20); // the pace of incidents being opened, not a wait for a condition
                    }
                    Awaitility.await("every incident's text submitted").atMost(Duration.ofMinutes(2)).until(() ->
                            smsc.submits().stream().filter(n -> n.path("destination_addr").asText().startsWith("13900"))
                                    .map(n -> n.path("destination_addr").asText()).distinct().count() == INCIDENTS);
                    List<Long> lat = new ArrayList<>();
                    Map<String, Long> firstSubmit = new HashMap<>();
                    for (JsonNode n : smsc.submits()) {
                        firstSubmit.putIfAbsent(n.path("destination_addr").asText(), n.path("t").asLong());
                    }
                    openedAt.forEach((k, v) -> lat.add(firstSubmit.get(k) - v));
                    lat.sort(Long::compare);
                    long p50 = lat.get(lat.size() / 2);
                    long p99 = lat.get((int) Math.ceil(lat.size() * 0.99) - 1);
                    rows.add(String.format("| incident opened → its text's first submit_sm at the SMSC (%d incidents, 20 ms apart) "
                            + "| p50 %d ms | p99 %d ms (target ≤ %d ms: %s) | max %d ms | |", INCIDENTS, p50, p99, TARGET_P99_MS,
                            p99 <= TARGET_P99_MS ? "met" : "NOT met", lat.get(lat.size() - 1)));
                    System.out.println(rows.get(rows.size() - 1));
                } finally {
                    triggers.close();
                    sms.close();
                }
            } finally {
                db.close();
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("\n## SMS (issue 20): texts through the SMPP adapter — ").append(started).append("\n\n");
        b.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(String.format("%.1f GiB", ProcessStats.memTotalBytes() / 1073741824.0)).append(", Java ")
                .append(Runtime.version()).append("; load average ").append(load0).append(" at the start, ")
                .append(ProcessStats.loadAverage()).append(" at the end (other helpers' builds and tests were running on the ")
                .append("same machine). OneKey's SMS room (SmsService, jsmpp adapter, rows on H2) in the bench JVM; the test ")
                .append("SMSC (Node, npm smpp) in its own process, receipts 30 ms after each submit. No Asterisk.\n\n");
        b.append("| measure | | | | |\n|---|---|---|---|---|\n");
        rows.forEach(r -> b.append(r).append('\n'));
        Path abs = out.toAbsolutePath();
        Files.writeString(abs, b.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("appended to " + abs);
        System.exit(0);
    }

    private static SmsService service(SmsRepository repo, EventHub hub, JooqElderRepository elders, Smsc smsc, int window) {
        SmppGateway gw = new SmppGateway(new SmppGateway.Settings("127.0.0.1", smsc.port(), "onekey", "secret", "10690000",
                window, 10_000, 30, 10_000));
        return new SmsService(repo, gw, hub, elders, null, null, Clock.systemUTC(),
                new SmsService.Settings("【一键通】", window, 8, 5_000)).start();
    }

    /** CPU ms of the SMSC's node process (its pid from the process table by its port argument); -1 if not found. */
    private static long smscCpu(Smsc smsc) {
        String port = Integer.toString(smsc.port());
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains("smsc.js")
                        && c.contains("--port " + port)).orElse(false))
                .findFirst().map(p -> ProcessStats.cpuMillis(p.pid())).orElse(-1L);
    }
}

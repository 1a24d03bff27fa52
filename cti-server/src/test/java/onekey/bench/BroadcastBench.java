package onekey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import onekey.testkit.Api;
import onekey.testkit.ProcessStats;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import org.awaitility.Awaitility;

/**
 * {@code ./onekey bench broadcast} (issue 9): new outbound broadcast calls a second, sustained, against sipp phones.
 * For each rate in {@code bench.rates} (default "20,40" calls a second): a private Asterisk and a cti-server in its
 * own JVM with {@code broadcast.callsPerSecond} set to that rate, and behind the trunk one sipp playing every elder
 * (rings 300 ms, answers, listens 1.5 s to the check-in, presses 1, waits for Asterisk's BYE). {@code rate ×
 * bench.seconds} elders (default 20 s) get a check-in campaign due at one instant, so every call is due at once and
 * only the dialler's pace spreads them. Measured:
 * <ul>
 *   <li>the rate OneKey dialled at (each attempt's start, from the API) and the rate the phones received INVITEs
 *   (sipp's own per-second counter, the seconds in between first and last);</li>
 *   <li>failures: every broadcast must end confirmed after exactly one attempt, and sipp must count no failed call;</li>
 *   <li>calls up at once at the phones (sipp), the cti-server's CPU per call, the load average.</li>
 * </ul>
 * The first rate is the target (≥ 20/s); a higher one shows whether the configured rate or OneKey is the
 * limit. All elders share a name, so the one message is synthesised once (the TTS bench measures synthesis).
 */
public final class BroadcastBench {

    static final List<Integer> RATES = Arrays.stream(System.getProperty("bench.rates", "20,40").split(","))
            .map(String::trim).map(Integer::parseInt).toList();
    static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    static final String DISTRICT = "基准区";
    /**
     * Campaigns to the same elders before the measured one, in the same cti-server (issue 23: CPU per call after a
     * warm-up, so the JIT's start-up is not charged to calls); 0: the first campaign is measured, cold.
     */
    static final int WARMUP_CAMPAIGNS = Integer.getInteger("bench.warmupCampaigns", 1);

    private BroadcastBench() {}

    record Run(int rate, int elders, double dialRate, double inviteRateMedian, int inviteRateMin, int inviteRateMax,
               int confirmed, int oneAttempt, int failedAtPhones, int maxUp, double cpuMsPerCall, String load0, String load1,
               long drainSeconds, double jitMsPerCall, double gcMsPerCall, double oneKeyMsPerCall, double asteriskMsPerCall,
               String topThreads, double databaseMsPerCall) {}

    /**
     * The cti-server's database: h2 (embedded, the demo's: its writes are the cti-server's CPU) or mariadb (a private
     * MariaDB, production's: its CPU is the database process's, reported on its own).
     */
    static final String DB = System.getProperty("bench.db", "h2");

    /** A JFR recording of the cti-server over the measured campaign of the last rate, when set: its file (issue 23). */
    static final String JFR = System.getProperty("bench.jfr", "");

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        ZonedDateTime started = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        List<Run> runs = new ArrayList<>();
        for (int rate : RATES) {
            runs.add(run(rate, rate * SECONDS));
        }
        StringBuilder md = new StringBuilder();
        md.append("\n## Broadcast: new outbound calls a second (").append(started).append(")\n\n")
                .append("`./onekey bench broadcast` (BroadcastBench): a check-in campaign due at one instant, dialled at ")
                .append("`broadcast.callsPerSecond`; one sipp behind the trunk plays every elder (answers after 300 ms, ")
                .append("presses 1 after 1.5 s). cti-server in its own JVM; machine: ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(ProcessStats.memTotalBytes() / (1 << 20)).append(" MiB, Java ").append(System.getProperty("java.version"))
                .append(".\n\n")
                .append("| configured rate | calls | OneKey dialled at | INVITEs at the phones per second: median (min–max) |")
                .append(" confirmed, 1 attempt each | failed at the phones | calls up at once (max) | cti-server CPU per call |")
                .append(" of it: JIT / GC and VM / OneKey and carrier threads | Asterisk's CPU per call | cti-server ÷ Asterisk |")
                .append(" all done after | load before → after |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Run r : runs) {
            md.append(String.format("| %d/s | %d | %.1f/s | %.0f (%d–%d) | %d of %d, %d | %d | %d | %.1f ms | %.1f / %.1f / %.1f ms | %.1f ms | %.3f | %d s | %s → %s |%n",
                    r.rate(), r.elders(), r.dialRate(), r.inviteRateMedian(), r.inviteRateMin(), r.inviteRateMax(),
                    r.confirmed(), r.elders(), r.oneAttempt(), r.failedAtPhones(), r.maxUp(), r.cpuMsPerCall(),
                    r.jitMsPerCall(), r.gcMsPerCall(), r.oneKeyMsPerCall(), r.asteriskMsPerCall(),
                    r.cpuMsPerCall() / Math.max(0.001, r.asteriskMsPerCall()), r.drainSeconds(), r.load0(), r.load1()));
        }
        md.append("\nThe cti-server's database: ").append(DB.equals("h2") ? "H2 embedded (`-Dbench.db=h2`, the demo's: its "
                + "writes are in the cti-server's CPU)" : "a private MariaDB in its own process (`-Dbench.db=mariadb`, production's): "
                + runs.stream().map(r -> String.format("%d/s %.1f ms", r.rate(), r.databaseMsPerCall()))
                .collect(java.util.stream.Collectors.joining(", ")) + " of its CPU per call, not in the cti-server's")
                .append(".\n");
        md.append("\nOneKey's busiest threads over the measured campaign (ms per call): ");
        for (Run r : runs) {
            md.append(r.rate()).append("/s: ").append(r.topThreads()).append(r == runs.getLast() ? ".\n" : "; ");
        }
        md.append(String.format("%nEach rate's figures are of its measured campaign, after %d campaign(s) to the same elders in the same "
                + "cti-server (`bench.warmupCampaigns`; the JIT's start-up is not charged to calls); failed at the phones counts "
                + "every campaign's calls.%n", WARMUP_CAMPAIGNS));
        md.append("\nTarget: ≥ 20 new calls a second sustained with no failure, limited by the configured rate.\n");
        System.out.print(md);
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static Run run(int rate, int elders) throws Exception {
        String load0 = ProcessStats.loadAverage();
        boolean profiled = !JFR.isBlank() && rate == RATES.getLast();
        if (!DB.equals("h2") && !DB.equals("mariadb")) {
            throw new IllegalArgumentException("bench.db: h2 or mariadb, not " + DB);
        }
        onekey.testkit.MariaDbServer maria = DB.equals("mariadb") ? onekey.testkit.MariaDbServer.start() : null;
        try (onekey.testkit.MariaDbServer closeDb = maria;
             Stack stack = (maria == null ? new Stack() : new Stack(maria.jdbcUrl("onekey"))
                     .with("ONEKEY_DB_USER", maria.user()).with("ONEKEY_DB_PASSWORD", maria.password()))
                .with("ONEKEY_BROADCAST_CALLSPERSECOND", String.valueOf(rate))
                .with("ONEKEY_BROADCAST_MAXCHANNELS", "500")
                .with("ONEKEY_BROADCAST_QUIETHOURS", "none")
                .with("ONEKEY_BROADCAST_RETRY_CHECKIN", "1x600") // a failure is counted, not retried
                .startAsterisk().startServerProcess(SurgeBench.SERVER_JVM_ARGS);
             Sipp.BroadcastElders phones = new Sipp.BroadcastElders(stack.asterisk.trunkPort(), 1500)) {
            Api api = stack.api;
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(30))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            String sup = api.login("super", "super1234");
            System.out.printf("broadcast bench: %d/s, %d elders, cti-server pid %d; creating the elders...%n", rate, elders,
                    stack.process.pid());
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < elders; i++) {
                var r = api.send("POST", "/api/elders", sup, "{\"name\":\"李阿姨\",\"phones\":[\"" + String.format("1391%07d", i)
                        + "\"],\"address\":\"上海市基准路" + i + "号\",\"district\":\"" + DISTRICT + "\",\"language\":\"zh\"}");
                if (r.status() != 201) {
                    throw new IllegalStateException("cannot create elder " + i + ": " + r.status() + " " + r.body());
                }
                ids.add(r.json().path("id").asLong());
            }
            long astPid = Long.parseLong(Files.readString(stack.asterisk.rundir.resolve("run/asterisk.pid")).trim());
            long campaign = 0;
            long cpu = 0;
            long asteriskCpu = 0;
            long databaseCpu = 0;
            String top = "";
            long[] kinds = new long[3];
            long drain = 0;
            int streamFrom = 0;
            for (int k = 0; k <= WARMUP_CAMPAIGNS; k++) {
                boolean measured = k == WARMUP_CAMPAIGNS;
                // due at one instant, far enough ahead that every broadcast is scheduled (and its prompt ready) before it
                Instant at = Instant.now().plusSeconds(15 + elders / 40);
                var c = api.send("POST", "/api/campaigns", sup, "{\"name\":\"bench " + rate + "/s " + (measured ? "measured" : "warm-up " + (k + 1))
                        + "\",\"template\":\"check-in\",\"fields\":{},\"filter\":{\"district\":\"" + DISTRICT + "\"},\"at\":\"" + at + "\"}");
                if (c.status() != 201) {
                    throw new IllegalStateException("cannot create the campaign: " + c.status() + " " + c.body());
                }
                long id = c.json().path("id").asLong();
                campaign = id;
                Awaitility.await("every broadcast scheduled").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> api.get("/api/campaigns/" + id, sup).json().path("scheduled").asInt() == elders);
                if (Instant.now().isAfter(at)) {
                    System.out.println("WARNING: scheduling took longer than the lead time; the first calls went out early");
                }
                streamFrom = phones.perSecond("IncomingCall(P)").size();
                if (measured && profiled) {
                    System.out.println(onekey.testkit.Proc.run(List.of("jcmd", String.valueOf(stack.process.pid()), "JFR.start",
                            "name=broadcast", "settings=profile", "filename=" + Path.of(JFR).toAbsolutePath()),
                            Path.of("."), Map.of(), 60).trim());
                }
                long cpu0 = ProcessStats.cpuMillis(stack.process.pid());
                long ast0 = ProcessStats.cpuMillis(astPid);
                long db0 = maria == null ? 0 : ProcessStats.cpuMillis(maria.pid());
                Map<String, Long> threads0 = ProcessStats.threadCpuMillis(stack.process.pid());
                try {
                    Awaitility.await("every broadcast closed").atMost(Duration.ofSeconds(120 + elders / Math.max(1, rate) * 3L))
                            .pollInterval(Duration.ofSeconds(1))
                            .until(() -> api.get("/api/campaigns/" + id, sup).json().path("pending").asInt() == 0);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    Path log = Path.of(System.getProperty("bench.serverLog", "broadcast-bench-server.log")).toAbsolutePath();
                    Files.copy(stack.process.outputFile(), log, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    System.out.println("campaign " + id + " not done: " + api.get("/api/campaigns/" + id, sup).body()
                            + "; the cti-server's log: " + log);
                    throw e;
                }
                cpu = ProcessStats.cpuMillis(stack.process.pid()) - cpu0;
                asteriskCpu = ProcessStats.cpuMillis(astPid) - ast0;
                databaseCpu = maria == null ? -1 : ProcessStats.cpuMillis(maria.pid()) - db0;
                kinds = new long[3];
                Map<String, Long> others = SurgeBench.byKind(threads0, ProcessStats.threadCpuMillis(stack.process.pid()), kinds);
                top = others.entrySet().stream().filter(e -> e.getValue() > 0)
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                        .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / (double) elders))
                        .collect(java.util.stream.Collectors.joining(", "));
                if (measured && profiled) {
                    System.out.println(onekey.testkit.Proc.run(List.of("jcmd", String.valueOf(stack.process.pid()), "JFR.stop",
                            "name=broadcast"), Path.of("."), Map.of(), 60).trim());
                }
                drain = Duration.between(at, Instant.now()).toSeconds();
                int done = (k + 1) * elders;
                try {
                    Awaitility.await("the phones saw every call end").atMost(Duration.ofSeconds(30))
                            .until(() -> phones.successfulCalls() + phones.failedCalls() >= done);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    System.out.printf("the phones counted %d successful and %d failed calls of %d:%n%s%n", phones.successfulCalls(),
                            phones.failedCalls(), done, phones.log());
                }
                System.out.printf("campaign %d (%s): %.1f ms of CPU per call%n", id, measured ? "measured" : "warm-up",
                        cpu / (double) elders);
            }
            JsonNode summary = api.get("/api/campaigns/" + campaign, sup).json();
            System.out.println("campaign: " + summary);

            List<Long> starts = new ArrayList<>();
            int oneAttempt = 0;
            for (long id : ids) {
                for (JsonNode b : api.get("/api/broadcasts?elderId=" + id, sup).json()) {
                    if (b.path("campaignId").asLong() != campaign) {
                        continue;
                    }
                    JsonNode attempts = b.path("attempts");
                    if (attempts.size() == 1 && "confirmed".equals(attempts.path(0).path("result").asText())) {
                        oneAttempt++;
                    }
                    attempts.forEach(a -> {
                        if (a.path("at").isNumber()) {
                            starts.add(a.path("at").asLong());
                        }
                    });
                }
            }
            starts.sort(null);
            double dialRate = starts.size() < 2 ? 0 : (starts.size() - 1) * 1000.0 / (starts.getLast() - starts.getFirst());
            // sipp's per-second INVITE counts, without the first and last (partial) seconds of the stream
            List<Integer> all = phones.perSecond("IncomingCall(P)");
            List<Integer> perSecond = all.subList(Math.min(streamFrom, all.size()), all.size()); // the measured campaign's
            int first = 0;
            int last = perSecond.size() - 1;
            while (first <= last && perSecond.get(first) == 0) {
                first++;
            }
            while (last >= first && perSecond.get(last) == 0) {
                last--;
            }
            List<Integer> inner = last - first >= 2 ? new ArrayList<>(perSecond.subList(first + 1, last)) : List.of(0);
            List<Integer> sorted = new ArrayList<>(inner);
            sorted.sort(null);
            double median = sorted.get(sorted.size() / 2);
            int maxUp = phones.perSecond("CurrentCall").stream().mapToInt(Integer::intValue).max().orElse(0);
            System.out.printf("INVITEs per second at the phones: %s%n", inner);
            return new Run(rate, elders, dialRate, median, sorted.getFirst(), sorted.getLast(),
                    summary.path("confirmed").asInt(), oneAttempt, phones.failedCalls(), maxUp,
                    cpu / (double) elders, load0, ProcessStats.loadAverage(), drain, kinds[0] / (double) elders,
                    kinds[1] / (double) elders, kinds[2] / (double) elders, asteriskCpu / (double) elders, top,
                    databaseCpu / (double) elders);
        }
    }
}
